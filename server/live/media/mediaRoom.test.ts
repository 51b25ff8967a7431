import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../config/env.ts';
import { MediaPool } from './mediaPool.ts';
import type { MediaRoom } from './mediaRoom.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
process.env.MEDIASOUP_WORKER_BIN ||= path.join(root, '.cache/mediasoup/3.19.3/mediasoup-worker');

const VP8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [] }], encodings: [{ ssrc: 11111111 }] };
const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 22222222 }] };

describe('media rooms (mediasoup): routers, pipeToRouter across workers, cleanup', function () {
  this.timeout(30_000);
  let pool: MediaPool;
  const events: { peerId: string; event: string }[] = [];

  before(async () => {
    // Two workers and room for one viewer (2 consumers) per router, so the second viewer forces a piped router.
    const config = loadConfig({ ...process.env, MEDIASOUP_NUM_WORKERS: '2', MEDIASOUP_MAX_CONSUMERS_PER_ROUTER: '2', MEDIASOUP_LISTEN_IP: '127.0.0.1' });
    const started = await MediaPool.start(config);
    if (!started) throw new Error(`no mediasoup worker binary (MEDIASOUP_WORKER_BIN=${process.env.MEDIASOUP_WORKER_BIN})`);
    pool = started;
  });
  after(async () => {
    await pool?.close();
  });

  const notify = (peerId: string, event: string) => events.push({ peerId, event });

  async function hostWithTracks(room: MediaRoom) {
    await room.addPeer('host', 'host');
    const send = await room.createTransport('host', 'send');
    expect(send.iceCandidates.map((c) => c.protocol)).to.include.members(['udp', 'tcp']);
    expect(send.iceCandidates.every((c) => c.address === '127.0.0.1')).to.equal(true);
    await room.produce('host', send.id, 'video', VP8 as never);
    await room.produce('host', send.id, 'audio', OPUS as never);
  }

  it('a viewer beyond the router limit lands on a router of another worker fed through pipeToRouter', async () => {
    const room = await pool.room('session-pipe', notify);
    await hostWithTracks(room);
    const caps = room.rtpCapabilities;

    await room.addPeer('v1', 'viewer');
    const t1 = await room.createTransport('v1', 'recv');
    const c1 = await room.consume('v1', t1.id, caps);
    expect(c1.consumers.map((c) => c.kind).sort()).to.deep.equal(['audio', 'video']);
    expect(room.routers).to.have.length(1);

    await room.addPeer('v2', 'viewer');
    expect(room.routers).to.have.length(2);
    expect(room.routers[1]!.worker).to.not.equal(room.routers[0]!.worker);
    const t2 = await room.createTransport('v2', 'recv');
    const c2 = await room.consume('v2', t2.id, caps);
    expect(c2.consumers).to.have.length(2);
    // Consumers on the piped router report the host's original producer ids.
    expect(c2.consumers.map((c) => c.producerId).sort()).to.deep.equal(c1.consumers.map((c) => c.producerId).sort());
    await room.resumeConsumer('v2', c2.consumers[0]!.id);
    expect(room.stats().routers.map((r) => r.load)).to.deep.equal([2, 2]);

    // A leaving viewer frees its capacity; the next viewer reuses that router.
    room.removePeer('v1');
    expect(room.routers[0]!.load).to.equal(0);
    await room.addPeer('v3', 'viewer');
    expect(room.routers).to.have.length(2);
  });

  it('when the host disconnects viewers are told its producers closed; a reconnecting host produces again', async () => {
    const room = await pool.room('session-reconnect', notify);
    await hostWithTracks(room);
    await room.addPeer('viewer', 'viewer');
    const t = await room.createTransport('viewer', 'recv');
    await room.consume('viewer', t.id, room.rtpCapabilities);
    room.removePeer('host');
    await new Promise((r) => setTimeout(r, 200));
    expect(events.filter((e) => e.peerId === 'viewer' && e.event === 'media:producerClosed')).to.have.length(2);
    await hostWithTracks(room);
    expect(events.filter((e) => e.peerId === 'viewer' && e.event === 'media:newProducer')).to.have.length(2);
    expect((await room.consume('viewer', t.id, room.rtpCapabilities)).consumers).to.have.length(2);
  });

  it('only the host produces; ending the session closes every router of the room', async () => {
    const room = await pool.room('session-end', notify);
    await room.addPeer('viewer', 'viewer');
    let refused = '';
    await room.createTransport('viewer', 'send').catch((e: { code: string }) => (refused = e.code));
    expect(refused).to.equal('forbidden');
    const routers = room.routers.map((s) => s.router);
    pool.closeRoom('session-end');
    await new Promise((r) => setTimeout(r, 50));
    expect(routers.every((r) => r.closed)).to.equal(true);
    expect(pool.existingRoom('session-end')).to.equal(undefined);
  });
});
