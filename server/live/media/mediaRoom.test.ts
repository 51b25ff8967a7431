import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadConfig } from '../../../config/env.ts';
import { MediaPool, webRtcServerPorts } from './mediaPool.ts';
import type { MediaRoom } from './mediaRoom.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
process.env.MEDIASOUP_WORKER_BIN ||= path.join(root, '.cache/mediasoup/3.19.3/mediasoup-worker');

// The per-address cap is shared by every web process through Redis (addressSlots.ts).
// Created when the run starts (the global setup sets REDIS_URL after files load).
let redis: Redis;
before(() => {
  redis = new Redis(process.env.REDIS_URL!);
});
after(() => redis?.disconnect());

const VP8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [] }], encodings: [{ ssrc: 11111111 }] };
const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 22222222 }] };

describe('media rooms (mediasoup): routers, pipeToRouter across workers, cleanup', function () {
  this.timeout(30_000);
  let pool: MediaPool;
  const events: { peerId: string; event: string }[] = [];

  before(async () => {
    // Two workers and room for one viewer (2 consumers) per router, so the second viewer forces a piped router.
    const config = loadConfig({
      ...process.env,
      MEDIASOUP_NUM_WORKERS: '2',
      MEDIASOUP_MAX_CONSUMERS_PER_ROUTER: '2',
      MEDIASOUP_LISTEN_IP: '127.0.0.1',
    });
    const started = await MediaPool.start(config, redis);
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

  it("every transport goes through its worker's WebRtcServer: one UDP and one TCP port per worker, however many viewers", async () => {
    const room = await pool.room('session-ports', notify);
    await room.addPeer('host', 'host');
    await room.createTransport('host', 'send');
    const ports = await Promise.all(pool.workers.map((w) => webRtcServerPorts(w.webRtcServer)));
    for (const p of ports) {
      expect(p.udp).to.have.length(1);
      expect(p.tcp).to.have.length(1);
    }
    const allowed = new Set(ports.flatMap((p) => [...p.udp, ...p.tcp]));
    for (let i = 0; i < 8; i += 1) {
      await room.addPeer(`pv${i}`, 'viewer');
      const t = await room.createTransport(`pv${i}`, 'recv', `10.0.0.${i}`);
      expect(
        t.iceCandidates.every((c) => allowed.has(c.port)),
        JSON.stringify(t.iceCandidates),
      ).to.equal(true);
    }
    const dumps = await Promise.all(pool.workers.map((w) => w.webRtcServer.dump()));
    expect(dumps.reduce((n, d) => n + d.webRtcTransportIds.length, 0)).to.be.at.least(9);
    pool.closeRoom('session-ports');
  });
});

describe('media transport caps: per connection, per address, per session, with a clear media_full', function () {
  this.timeout(30_000);
  let pool: MediaPool;
  let config: ReturnType<typeof loadConfig>;
  before(async () => {
    // Loaded when the tests run: the global setup sets REDIS_PREFIX (the address cap's keys) after files load.
    config = loadConfig({
      ...process.env,
      MEDIASOUP_NUM_WORKERS: '1',
      MEDIASOUP_LISTEN_IP: '127.0.0.1',
      MEDIASOUP_MAX_TRANSPORTS_PER_CONNECTION: '2',
      MEDIASOUP_MAX_TRANSPORTS_PER_ADDRESS: '3',
      MEDIASOUP_MAX_TRANSPORTS_PER_SESSION: '5',
    });
    pool = (await MediaPool.start(config, redis))!;
  });
  after(async () => {
    await pool?.close();
  });
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: { status: number; code: string; details: { scope: string; limit: number } }) => ({
        status: e.status,
        code: e.code,
        ...e.details,
      }),
    );

  it('refuses beyond each cap with media_full naming the cap, and frees capacity when transports close', async () => {
    const room = await pool.room('session-caps', () => undefined);
    await room.addPeer('host', 'host');
    await room.createTransport('host', 'send', '192.0.2.1');
    await room.addPeer('a', 'viewer');
    await room.createTransport('a', 'recv', '192.0.2.10');
    await room.createTransport('a', 'recv', '192.0.2.10');
    expect(await refusal(room.createTransport('a', 'recv', '192.0.2.10'))).to.deep.equal({
      status: 409,
      code: 'media_full',
      scope: 'connection',
      limit: 2,
    });
    await room.addPeer('b', 'viewer');
    await room.createTransport('b', 'recv', '192.0.2.10');
    expect(await refusal(room.createTransport('b', 'recv', '192.0.2.10'))).to.deep.equal({
      status: 503,
      code: 'media_full',
      scope: 'address',
      limit: 3,
    });
    for (const peer of ['c', 'd']) {
      await room.addPeer(peer, 'viewer');
      await room.createTransport(peer, 'recv', `198.51.100.${peer.charCodeAt(0)}`);
    }
    // 5 viewer transports open: the session is full for viewers (the host's transport does not count).
    await room.addPeer('e', 'viewer');
    expect(await refusal(room.createTransport('e', 'recv', '203.0.113.5'))).to.deep.equal({
      status: 503,
      code: 'media_full',
      scope: 'session',
      limit: 5,
    });
    // A leaving viewer gives its transports (and its address's share) back.
    room.removePeer('a');
    await new Promise((r) => setTimeout(r, 50));
    expect(await pool.transportsOf('192.0.2.10')).to.equal(1);
    await room.createTransport('e', 'recv', '203.0.113.5');
    await room.createTransport('b', 'recv', '192.0.2.10');
    expect(room.stats().viewerTransports).to.equal(5);
    pool.closeRoom('session-caps');
    await new Promise((r) => setTimeout(r, 50));
    expect(await pool.transportsOf('192.0.2.10')).to.equal(0);
  });

  it('the per-address cap holds across web processes: two pools on one Redis share it', async () => {
    // A second pool is a second web process (HUB_WEB_PROCESSES=2): same Redis, same prefix.
    const other = (await MediaPool.start(config, redis))!;
    const address = '192.0.2.77';
    try {
      const here = await pool.room('session-cross-a', () => undefined);
      const there = await other.room('session-cross-b', () => undefined);
      await here.addPeer('a', 'viewer');
      await here.createTransport('a', 'recv', address);
      await here.createTransport('a', 'recv', address);
      await there.addPeer('b', 'viewer');
      await there.createTransport('b', 'recv', address);
      // Each process alone holds fewer than 3; together they hold the address's share.
      expect(await refusal(there.createTransport('b', 'recv', address))).to.deep.equal({
        status: 503,
        code: 'media_full',
        scope: 'address',
        limit: 3,
      });
      expect(await other.transportsOf(address)).to.equal(3);
      here.removePeer('a');
      for (let i = 0; i < 200 && (await other.transportsOf(address)) > 1; i += 1) await new Promise((r) => setTimeout(r, 25));
      expect(await other.transportsOf(address)).to.equal(1);
      await there.createTransport('b', 'recv', address);
    } finally {
      pool.closeRoom('session-cross-a');
      await other.close();
    }
  });
});
