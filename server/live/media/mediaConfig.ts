import os from 'node:os';
import type { types as ms } from 'mediasoup';
import type { HubConfig } from '../../../config/env.ts';

/** What the host may send: Opus audio, VP8 or H264 video (browsers pick; viewers receive what was sent). */
export const MEDIA_CODECS: ms.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1, 'x-google-start-bitrate': 1000 },
  },
];

/**
 * The address put in ICE candidates. Listening on 0.0.0.0 needs a reachable address to announce: the
 * configured one (public IP or hostname behind NAT), else this machine's first external IPv4.
 */
export function announcedAddress(config: Pick<HubConfig, 'MEDIASOUP_ANNOUNCED_ADDRESS' | 'MEDIASOUP_LISTEN_IP'>): string | undefined {
  if (config.MEDIASOUP_ANNOUNCED_ADDRESS) return config.MEDIASOUP_ANNOUNCED_ADDRESS;
  if (config.MEDIASOUP_LISTEN_IP !== '0.0.0.0' && config.MEDIASOUP_LISTEN_IP !== '::') return undefined;
  for (const addresses of Object.values(os.networkInterfaces())) {
    const external = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (external) return external.address;
  }
  return '127.0.0.1';
}

/**
 * A worker's WebRtcServer listens on UDP and TCP at the same port: the given one, or (undefined) a free
 * one from the configured range. Clients try UDP first and fall back to TCP behind strict NATs.
 */
export function webRtcServerListenInfos(config: HubConfig, port: number | undefined): ms.TransportListenInfo[] {
  const announced = announcedAddress(config);
  const where = port === undefined ? { portRange: { min: config.MEDIASOUP_MIN_PORT, max: config.MEDIASOUP_MAX_PORT } } : { port };
  return (['udp', 'tcp'] as const).map((protocol) => ({
    protocol,
    ip: config.MEDIASOUP_LISTEN_IP,
    ...(announced ? { announcedAddress: announced } : {}),
    ...where,
  }));
}

/** Transports on the worker's WebRtcServer: no port of their own. */
export function webRtcTransportOptions(webRtcServer: ms.WebRtcServer): ms.WebRtcTransportOptions {
  return {
    webRtcServer,
    enableUdp: true,
    enableTcp: true,
    preferUdp: true,
    initialAvailableOutgoingBitrate: 1_000_000,
  };
}
