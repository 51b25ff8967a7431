/**
 * WHIP's SDP, translated for mediasoup (our own small translator on sdp-transform): the encoder's offer
 * becomes the remote ICE/DTLS parameters and one producer's RtpParameters per audio/video section, and
 * mediasoup's ICE-lite WebRtcTransport becomes the answer. Only what the hub receives is accepted: one
 * send section per kind, BUNDLEd on one transport, with a codec the router has (Opus; VP8 or H.264
 * constrained baseline, packetization-mode 1); everything else is rejected in the answer (port 0).
 */
import * as sdpTransform from 'sdp-transform';
import type { MediaAttributes, MediaDescription, SessionDescription } from 'sdp-transform';
import type { types as ms } from 'mediasoup';

/** A problem with the offer, named for the encoder's operator (a 400). */
export class WhipOfferError extends Error {}

export interface AcceptedSection {
  index: number;
  mid: string;
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  /** rids in the encoder's simulcast order, when it sends simulcast. */
  rids: string[];
}

export interface WhipOffer {
  session: SessionDescription;
  iceParameters: { usernameFragment: string; password: string };
  /** The encoder's DTLS role and fingerprint, as mediasoup's transport.connect() takes them. */
  dtlsParameters: ms.DtlsParameters;
  accepted: AcceptedSection[];
}

const FINGERPRINT_ALGORITHMS = new Set(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']);

type Params = Record<string, string | number>;

function fmtpOf(media: MediaDescription, payload: number): Params {
  const line = media.fmtp.find((f) => f.payload === payload);
  return line ? (sdpTransform.parseParams(line.config) as Params) : {};
}

/** H.264 the router takes: packetization-mode 1 and constrained baseline (profile_idc 0x42 with constraint_set1). */
function h264Fits(params: Params, routerCodec: ms.RtpCodecCapability): boolean {
  const mode = Number(params['packetization-mode'] ?? 0);
  if (mode !== Number(routerCodec.parameters?.['packetization-mode'] ?? 0)) return false;
  const profile = String(params['profile-level-id'] ?? '42e01f').toLowerCase();
  return /^42[0-9a-f]{4}$/.test(profile) && (Number.parseInt(profile.slice(2, 4), 16) & 0x40) !== 0;
}

/** The first router codec (router order) the section offers, with the offer's payload type and parameters. */
function chooseCodec(media: MediaDescription, kind: ms.MediaKind, caps: ms.RtpCapabilities) {
  const routerCodecs = (caps.codecs ?? []).filter((c) => c.kind === kind && !/\/rtx$/i.test(c.mimeType));
  for (const routerCodec of routerCodecs) {
    const [, name] = routerCodec.mimeType.split('/');
    for (const rtp of media.rtp) {
      if (rtp.codec.toLowerCase() !== name!.toLowerCase() || rtp.rate !== routerCodec.clockRate) continue;
      const params = fmtpOf(media, rtp.payload);
      if (kind === 'audio' && (rtp.encoding ?? 1) !== (routerCodec.channels ?? 1)) continue;
      if (name!.toLowerCase() === 'h264' && !h264Fits(params, routerCodec)) continue;
      return { routerCodec, payloadType: rtp.payload, params };
    }
  }
  return null;
}

function rtcpFeedbackOf(media: MediaDescription, payload: number, routerCodec: ms.RtpCodecCapability): ms.RtcpFeedback[] {
  const offered = (media.rtcpFb ?? []).filter((fb) => String(fb.payload) === String(payload) || fb.payload === '*');
  return (routerCodec.rtcpFeedback ?? []).filter((want) =>
    offered.some((fb) => fb.type === want.type && (fb.subtype ?? '') === (want.parameter ?? '')),
  );
}

/** The encoder's rids in its a=simulcast order (paused ones included: mediasoup takes them when they come). */
function simulcastRids(media: MediaDescription): string[] {
  const sim = media.simulcast;
  const list = sim?.dir1 === 'send' ? sim.list1 : sim?.dir2 === 'send' ? sim.list2 : undefined;
  if (!list) return [];
  return list
    .split(';')
    .map((alternatives) => alternatives.split(',')[0]!.replace(/^~/, ''))
    .filter(Boolean);
}

function iceOf(session: SessionDescription, media: MediaAttributes) {
  const usernameFragment = media.iceUfrag ?? session.iceUfrag;
  const password = media.icePwd ?? session.icePwd;
  if (!usernameFragment || !password) throw new WhipOfferError('the offer has no a=ice-ufrag / a=ice-pwd');
  return { usernameFragment, password };
}

function dtlsOf(session: SessionDescription, media: MediaAttributes): ms.DtlsParameters {
  const fingerprint = media.fingerprint ?? session.fingerprint;
  if (!fingerprint) throw new WhipOfferError('the offer has no a=fingerprint');
  const algorithm = fingerprint.type.toLowerCase();
  if (!FINGERPRINT_ALGORITHMS.has(algorithm)) throw new WhipOfferError(`unsupported fingerprint algorithm ${fingerprint.type}`);
  const setup = (media.setup ?? session.setup ?? 'actpass').toLowerCase();
  // actpass/active: the encoder is the DTLS client and the hub answers passive; passive: the hub connects.
  const role: ms.DtlsRole = setup === 'passive' ? 'server' : 'client';
  return { role, fingerprints: [{ algorithm: algorithm as ms.FingerprintAlgorithm, value: fingerprint.hash.toUpperCase() }] };
}

/** Reads a WHIP offer against the router's capabilities; throws WhipOfferError naming what is wrong. */
export function readWhipOffer(sdp: string, caps: ms.RtpCapabilities): WhipOffer {
  if (!/^v=0\r?\n/.test(sdp)) throw new WhipOfferError('the body is not an SDP offer (it must start with v=0)');
  const session = sdpTransform.parse(sdp);
  if (!session.media?.length) throw new WhipOfferError('the offer has no media section');
  // sdp-transform turns numeric tokens (mids "0 1") into numbers.
  const bundleGroup = (session.groups ?? []).find((g) => g.type === 'BUNDLE');
  const bundle = bundleGroup ? String(bundleGroup.mids).split(' ') : [];
  const accepted: AcceptedSection[] = [];
  const kinds = new Set<string>();
  let first: MediaDescription | null = null;
  session.media.forEach((media, index) => {
    const kind = media.type as ms.MediaKind;
    if ((kind !== 'audio' && kind !== 'video') || media.port === 0 || kinds.has(kind)) return;
    if (media.direction && media.direction !== 'sendonly' && media.direction !== 'sendrecv') return;
    const chosen = chooseCodec(media, kind, caps);
    if (!chosen) return;
    const mid = media.mid !== undefined ? String(media.mid) : String(index);
    if (session.media.length > 1 && !bundle.includes(mid))
      throw new WhipOfferError(`section ${mid} is not in the BUNDLE group (WHIP needs one bundled transport)`);
    const codecs: ms.RtpCodecParameters[] = [
      {
        mimeType: chosen.routerCodec.mimeType,
        payloadType: chosen.payloadType,
        clockRate: chosen.routerCodec.clockRate,
        ...(kind === 'audio' ? { channels: chosen.routerCodec.channels ?? 1 } : {}),
        parameters: chosen.params,
        rtcpFeedback: rtcpFeedbackOf(media, chosen.payloadType, chosen.routerCodec),
      },
    ];
    const rtx =
      kind === 'video'
        ? media.rtp.find((r) => r.codec.toLowerCase() === 'rtx' && Number(fmtpOf(media, r.payload).apt) === chosen.payloadType)
        : undefined;
    if (rtx)
      codecs.push({
        mimeType: 'video/rtx',
        payloadType: rtx.payload,
        clockRate: rtx.rate ?? 90000,
        parameters: { apt: chosen.payloadType },
        rtcpFeedback: [],
      });
    const supported = new Set(
      (caps.headerExtensions ?? []).filter((e) => e.kind === kind && e.direction !== 'sendonly').map((e) => e.uri as string),
    );
    const headerExtensions: ms.RtpHeaderExtensionParameters[] = (media.ext ?? [])
      .filter((e) => supported.has(e.uri) && !e['encrypt-uri'])
      .map((e) => ({ uri: e.uri as ms.RtpHeaderExtensionUri, id: e.value, encrypt: false }));
    const rids = simulcastRids(media);
    let encodings: ms.RtpEncodingParameters[];
    if (rids.length) {
      if (!headerExtensions.some((e) => e.uri === 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id')) {
        throw new WhipOfferError(`section ${mid} sends simulcast without the rtp-stream-id header extension`);
      }
      encodings = rids.map((rid) => ({ rid }));
    } else {
      const fid = (media.ssrcGroups ?? [])
        .find((g) => g.semantics === 'FID')
        ?.ssrcs.split(' ')
        .map(Number);
      const ssrc = fid?.[0] ?? media.ssrcs?.[0]?.id;
      if (!ssrc) throw new WhipOfferError(`section ${mid} names no a=ssrc and no a=simulcast rids`);
      encodings = [{ ssrc: Number(ssrc), ...(rtx && fid?.[1] ? { rtx: { ssrc: fid[1] } } : {}) }];
    }
    const cname = media.ssrcs?.find((s) => s.attribute === 'cname')?.value;
    accepted.push({
      index,
      mid,
      kind,
      rids,
      rtpParameters: {
        mid,
        codecs,
        headerExtensions,
        encodings,
        rtcp: { ...(cname ? { cname } : {}), reducedSize: Boolean(media.rtcpRsize) },
      },
    });
    kinds.add(kind);
    first ??= media;
  });
  if (!first || !accepted.length)
    throw new WhipOfferError('no audio or video section the hub can receive (send Opus, VP8 or H.264 constrained baseline)');
  return { session, iceParameters: iceOf(session, first), dtlsParameters: dtlsOf(session, first), accepted };
}

export interface LocalTransport {
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
}

/** The SDP answer: every offered section in order, the accepted ones receive-only on the one ICE-lite transport. */
export function whipAnswer(offer: WhipOffer, local: LocalTransport): string {
  const fingerprint = local.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ?? local.dtlsParameters.fingerprints[0]!;
  const byIndex = new Map(offer.accepted.map((a) => [a.index, a]));
  const candidates = local.iceCandidates.map((c, i) => ({
    foundation: c.foundation || `c${i}`,
    component: 1,
    transport: c.protocol,
    priority: c.priority,
    ip: c.address,
    port: c.port,
    type: c.type,
    ...(c.protocol === 'tcp' ? { tcptype: c.tcpType ?? 'passive' } : {}),
  }));
  const main = candidates.find((c) => c.transport === 'udp') ?? candidates[0];
  const media: MediaDescription[] = offer.session.media.map((offered, index) => {
    const section = byIndex.get(index);
    const mid = offered.mid !== undefined ? String(offered.mid) : String(index);
    if (!section) {
      // Rejected: port 0, the offer's own first format, nothing else (RFC 3264 §6).
      return {
        type: offered.type,
        port: 0,
        protocol: offered.protocol,
        payloads: String(offered.payloads ?? '').split(' ')[0],
        mid,
        direction: 'inactive',
        rtp: [],
        fmtp: [],
      } as MediaDescription;
    }
    const { codecs, headerExtensions } = section.rtpParameters;
    return {
      type: offered.type,
      port: main?.port ?? 9,
      protocol: 'UDP/TLS/RTP/SAVPF',
      payloads: codecs.map((c) => c.payloadType).join(' '),
      connection: { version: 4, ip: main?.ip ?? '0.0.0.0' },
      mid,
      direction: 'recvonly',
      iceUfrag: local.iceParameters.usernameFragment,
      icePwd: local.iceParameters.password,
      setup: offer.dtlsParameters.role === 'server' ? 'active' : 'passive',
      candidates,
      endOfCandidates: 'end-of-candidates',
      rtcpMux: 'rtcp-mux',
      ...(section.rtpParameters.rtcp?.reducedSize ? { rtcpRsize: 'rtcp-rsize' as const } : {}),
      rtp: codecs.map((c) => ({
        payload: c.payloadType,
        codec: c.mimeType.split('/')[1]!,
        rate: c.clockRate,
        ...(c.channels && c.channels > 1 ? { encoding: c.channels } : {}),
      })),
      fmtp: codecs
        .filter((c) => Object.keys(c.parameters ?? {}).length)
        .map((c) => ({
          payload: c.payloadType,
          config: Object.entries(c.parameters!)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(';'),
        })),
      rtcpFb: codecs.flatMap((c) =>
        (c.rtcpFeedback ?? []).map((fb) => ({ payload: c.payloadType, type: fb.type, ...(fb.parameter ? { subtype: fb.parameter } : {}) })),
      ),
      ext: headerExtensions!.map((e) => ({ value: e.id, uri: e.uri })),
      ...(section.rids.length
        ? {
            rids: section.rids.map((id) => ({ id, direction: 'recv' })),
            simulcast: { dir1: 'recv' as const, list1: section.rids.join(';') },
          }
        : {}),
    } as MediaDescription;
  });
  const answer: SessionDescription = {
    version: 0,
    origin: { username: '-', sessionId: String(Date.now()), sessionVersion: 1, netType: 'IN', ipVer: 4, address: '127.0.0.1' },
    name: '-',
    timing: { start: 0, stop: 0 },
    icelite: 'ice-lite',
    fingerprint: { type: fingerprint.algorithm, hash: fingerprint.value },
    groups: [{ type: 'BUNDLE', mids: offer.accepted.map((a) => a.mid).join(' ') }],
    msidSemantic: { semantic: 'WMS', token: '*' },
    media,
  };
  return sdpTransform.write(answer);
}
