/**
 * WHIP ingest (RFC 9725; OBS 30+ and browser encoders): `POST <whipUrl>` with `Authorization: Bearer
 * <streamKey>` and an SDP offer → `201` with the answer and a `Location` resource; `DELETE <Location>` ends it.
 * The encoder's media goes straight into a WebRtcTransport on the session's primary router (no transcoding)
 * and its producers join the room's host producers, so viewers, the recorder and HLS see it exactly like a
 * browser host. Same rules as RTMP (ingest.ts): unknown or rotated keys 401, one publisher per session 409,
 * a rotation stops it. mediasoup is ICE-lite and gives every candidate in the answer, so there is no trickle
 * ICE: PATCH answers 405.
 */
import { randomUUID } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import type { HubContext } from '../../platform/context.ts';
import { HttpError, conflict, notFound } from '../../platform/errors.ts';
import { componentLogger } from '../../platform/logger.ts';
import { sessionStatus } from '../sessions/liveState.ts';
import type { MediaPool } from './mediaPool.ts';
import type { RoomNotify } from './mediaRoom.ts';
import { holdsSession, sessionOfStreamKey, whipPath, type PublisherClaims } from './ingest.ts';
import { WhipOfferError, readWhipOffer, whipAnswer } from './whipSdp.ts';

const log = componentLogger('whip');

/** An encoder that never completes DTLS within this is dropped (its claim would block the session). */
const CONNECT_TIMEOUT_MS = 20_000;
/** ICE consent lost this long (the encoder vanished without DELETE) ends the publisher. */
const DISCONNECT_GRACE_MS = 10_000;

interface WhipResource {
  id: string;
  sessionId: string;
  streamKey: string;
  claim: symbol;
  transport: ms.WebRtcTransport | null;
  timers: NodeJS.Timeout[];
  ended: boolean;
}

export const unauthorizedKey = (message: string) =>
  new HttpError(401, 'unauthenticated', message, undefined, { 'WWW-Authenticate': 'Bearer realm="whip"' });

/** The stream key from `Authorization: Bearer <key>`. */
export function bearerKey(header: string | undefined): string {
  const match = /^Bearer\s+([A-Za-z0-9_-]{16,64})\s*$/i.exec(header ?? '');
  if (!match) throw unauthorizedKey("Send the session's stream key as Authorization: Bearer <streamKey>");
  return match[1]!;
}

export class WhipIngest {
  private readonly resources = new Map<string, WhipResource>();

  constructor(
    private readonly ctx: HubContext,
    private readonly pool: MediaPool,
    private readonly notify: RoomNotify,
    private readonly claims: PublisherClaims,
  ) {}

  /** `POST /sessions/:id/whip`: the answer and the resource's path. */
  async publish(
    sessionId: string,
    authorization: string | undefined,
    offerSdp: string,
  ): Promise<{ answer: string; resourcePath: string; resourceId: string }> {
    const streamKey = bearerKey(authorization);
    if ((await sessionOfStreamKey(streamKey)) !== sessionId) throw unauthorizedKey('Unknown or rotated stream key for this session');
    if (!holdsSession(this.ctx, sessionId)) {
      throw new HttpError(
        421,
        'misdirected',
        'This web process does not hold the session: use the whipUrl the hub gave (it ends in ?session=<id>)',
      );
    }
    const status = await sessionStatus(this.ctx.redis, this.ctx.config.REDIS_PREFIX, sessionId);
    if (status !== 'live') throw conflict(`The session is not live (${status ?? 'unknown'}); start it first`, undefined, 'not_live');
    const room = await this.pool.room(sessionId, this.notify);
    let offer;
    try {
      offer = readWhipOffer(offerSdp, room.rtpCapabilities);
    } catch (err) {
      if (err instanceof WhipOfferError) throw new HttpError(400, 'bad_sdp', `Invalid SDP offer: ${err.message}`);
      throw err;
    }
    const claim = this.claims.claim(sessionId, room.hostProducerList().length);
    if (!claim) throw conflict('The session already has a publisher; stop it (or rotate the key) first', undefined, 'already_publishing');
    const resource: WhipResource = { id: randomUUID(), sessionId, streamKey, claim, transport: null, timers: [], ended: false };
    this.resources.set(resource.id, resource);
    try {
      const transport = await room.createIngestTransport();
      resource.transport = transport;
      this.watch(resource, transport);
      await transport.connect({ dtlsParameters: offer.dtlsParameters });
      const producers: ms.Producer[] = [];
      for (const section of offer.accepted) {
        try {
          producers.push(
            await transport.produce({ kind: section.kind, rtpParameters: section.rtpParameters, appData: { ingest: 'whip' } }),
          );
        } catch (err) {
          if (err instanceof TypeError) throw new HttpError(400, 'bad_sdp', `Invalid SDP offer: section ${section.mid}: ${err.message}`);
          throw err;
        }
      }
      for (const producer of producers) await room.addExternalProducer(producer);
      const answer = whipAnswer(offer, transport);
      log.info(
        { sessionId, resourceId: resource.id, tracks: offer.accepted.map((a) => `${a.kind}:${a.rtpParameters.codecs[0]!.mimeType}`) },
        'WHIP publisher accepted',
      );
      return { answer, resourcePath: `${whipPath(sessionId)}/${resource.id}`, resourceId: resource.id };
    } catch (err) {
      this.end(resource, 'setup failed');
      throw err;
    }
  }

  /** Ends the publisher when DTLS closes or fails, ICE stays lost, it never connects, or the room closes. */
  private watch(resource: WhipResource, transport: ms.WebRtcTransport): void {
    const timer = (ms: number, reason: string) => {
      const t = setTimeout(() => this.end(resource, reason), ms);
      t.unref();
      resource.timers.push(t);
      return t;
    };
    const connectTimer = timer(CONNECT_TIMEOUT_MS, 'the encoder did not connect');
    let lost: NodeJS.Timeout | null = null;
    transport.on('dtlsstatechange', (state) => {
      if (state === 'connected') clearTimeout(connectTimer);
      if (state === 'closed' || state === 'failed') this.end(resource, `DTLS ${state}`);
    });
    transport.on('icestatechange', (state) => {
      if (state === 'disconnected') lost ??= timer(DISCONNECT_GRACE_MS, 'ICE disconnected');
      else if (lost) {
        clearTimeout(lost);
        lost = null;
      }
    });
    transport.observer.once('close', () => this.end(resource, 'transport closed'));
  }

  private end(resource: WhipResource, reason: string): void {
    if (resource.ended) return;
    resource.ended = true;
    this.resources.delete(resource.id);
    for (const t of resource.timers) clearTimeout(t);
    this.claims.release(resource.sessionId, resource.claim);
    // Closing the transport closes its producers; viewers are told (media:producerClosed).
    if (resource.transport && !resource.transport.closed) resource.transport.close();
    log.info({ sessionId: resource.sessionId, resourceId: resource.id, reason }, 'WHIP publisher ended');
  }

  /** `DELETE <Location>`: the encoder stops (with the key it published with). */
  remove(sessionId: string, resourceId: string, authorization: string | undefined): void {
    const streamKey = bearerKey(authorization);
    const resource = this.resources.get(resourceId);
    if (!resource || resource.sessionId !== sessionId) throw notFound('WHIP resource');
    if (resource.streamKey !== streamKey) throw unauthorizedKey('This is not the stream key the resource was published with');
    this.end(resource, 'DELETE');
  }

  has(resourceId: string): boolean {
    return this.resources.has(resourceId);
  }

  /** Stops the session's publisher (key rotated). */
  stopSession(sessionId: string): void {
    for (const resource of [...this.resources.values()]) if (resource.sessionId === sessionId) this.end(resource, 'stream key rotated');
  }

  stop(): void {
    for (const resource of [...this.resources.values()]) this.end(resource, 'hub stopping');
  }
}
