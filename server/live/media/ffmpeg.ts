/** FFmpeg and ffprobe helpers for recording, packaging and ingest (Debian's ffmpeg 5.1). */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import type { types as ms } from 'mediasoup';

export interface FfmpegResult {
  code: number | null;
  stderr: string;
}

/** Runs FFmpeg (or ffprobe) to completion; the last 4 KB of stderr is kept for the error message. */
export function runTool(bin: string, args: string[], options: { timeoutMs?: number } = {}): Promise<FfmpegResult & { stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : null;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function runOrThrow(bin: string, args: string[], what: string, timeoutMs = 10 * 60_000): Promise<string> {
  const result = await runTool(bin, args, { timeoutMs });
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return result.stdout;
}

/** The container duration in seconds, as ffprobe reads it (null when unreadable). */
export async function probeDuration(ffprobe: string, file: string): Promise<number | null> {
  const result = await runTool(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { timeoutMs: 60_000 });
  const value = Number.parseFloat(result.stdout.trim());
  return result.code === 0 && Number.isFinite(value) ? value : null;
}

/**
 * A product's explanation clip: a keyframe-aligned stream copy of [startS, startS + durationS) of `source` (no
 * re-encode, so no CPU per clip; the recorder's keyframes every 0.5 s bound how early it starts). Returns the
 * clip's duration as ffprobe reads it, or `durationS` when unreadable.
 */
export async function cutClip(
  tools: { ffmpeg: string; ffprobe: string },
  source: string,
  startS: number,
  durationS: number,
  out: string,
  what: string,
  timeoutMs?: number,
): Promise<number> {
  await runOrThrow(
    tools.ffmpeg,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-ss',
      startS.toFixed(3),
      '-i',
      source,
      '-t',
      durationS.toFixed(3),
      '-c',
      'copy',
      '-movflags',
      '+faststart',
      '-avoid_negative_ts',
      'make_zero',
      out,
    ],
    what,
    timeoutMs,
  );
  return (await probeDuration(tools.ffprobe, out)) ?? durationS;
}

/**
 * A producer on `router` fed by FFmpeg over RTP: a PlainTransport (comedia: it learns FFmpeg's address from the
 * first packet) producing the router's VP8 or Opus, and the FFmpeg output arguments that send one track to it.
 * The RTMP ingest uses it; so does bench/recording.ts for its hosts.
 */
export async function ffmpegRtpProducer(
  router: ms.Router,
  kind: ms.MediaKind,
  appData: Record<string, unknown> = {},
): Promise<{ transport: ms.PlainTransport; producer: ms.Producer; rtpOutput: string[] }> {
  const mime = kind === 'video' ? 'video/vp8' : 'audio/opus';
  const codec = (router.rtpCapabilities.codecs ?? []).find((c) => c.mimeType.toLowerCase() === mime);
  if (!codec) throw new Error(`the router has no ${mime} codec`);
  const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
  const ssrc = randomInt(1, 0x7fffffff);
  const payloadType = codec.preferredPayloadType!;
  const producer = await transport.produce({
    kind,
    rtpParameters: {
      codecs: [{ mimeType: codec.mimeType, payloadType, clockRate: codec.clockRate, ...(kind === 'audio' ? { channels: 2 } : {}) }],
      encodings: [{ ssrc }],
    },
    appData,
  });
  const target = `rtp://127.0.0.1:${transport.tuple.localPort}?rtcpport=${transport.rtcpTuple!.localPort}&pkt_size=1200`;
  return {
    transport,
    producer,
    rtpOutput: ['-payload_type', String(payloadType), '-ssrc', String(ssrc), '-f', 'rtp', target],
  };
}

async function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** An even UDP port whose successor is free too (RTP and RTCP), in [min, max]; random start spreads concurrent callers. */
export async function freePortPair(min: number, max: number, taken: Set<number>): Promise<number> {
  const span = Math.floor((max - min) / 2);
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i += 1) {
    const port = min + (min % 2) + 2 * ((start + i) % span);
    if (port + 1 > max || taken.has(port)) continue;
    if ((await udpPortFree(port)) && (await udpPortFree(port + 1))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free UDP port pair in ${min}-${max} for FFmpeg`);
}

/** The SDP FFmpeg reads to receive a mediasoup consumer's RTP (no RTX: FFmpeg sends no NACKs). */
export function sdpFor(tracks: { port: number; rtpParameters: ms.RtpParameters; kind: ms.MediaKind }[]): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=dehua-live-hub', 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const track of tracks) {
    const codec = track.rtpParameters.codecs.find((c) => !/\/rtx$/i.test(c.mimeType))!;
    const name = codec.mimeType.split('/')[1]!;
    lines.push(`m=${track.kind} ${track.port} RTP/AVP ${codec.payloadType}`);
    lines.push(`a=rtcp:${track.port + 1}`);
    lines.push(
      `a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''}`,
    );
    const params = Object.entries(codec.parameters ?? {}).filter(([k]) => !k.startsWith('x-google'));
    if (params.length) lines.push(`a=fmtp:${codec.payloadType} ${params.map(([k, v]) => `${k}=${v}`).join(';')}`);
    lines.push('a=recvonly');
  }
  return `${lines.join('\r\n')}\r\n`;
}
