import { readdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import { api, getTestHub } from '../support/testHub.ts';
import { createCast, createOrg, createUser } from '../support/factories.ts';
import { filedBase, item, uniquePng, upload } from '../claims/helpers.ts';
import { bookSession, connectLive, liveSession, liveWorld, nextEvent, request } from '../live/liveSupport.ts';
import { ANONYMOUS_PER_ADDRESS } from '../../server/live/viewerCount.ts';

function filesOnDisk(dir: string): number {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

describe('security: the smaller ones (issue 11 item 9)', function () {
  this.timeout(60_000);
  const sockets: Socket[] = [];
  const open = async (token?: string) => {
    const s = await connectLive(token);
    sockets.push(s);
    return s;
  };
  after(() => sockets.forEach((s) => s.disconnect()));

  it('a refused evidence upload (the 11th file of an item) leaves no file on disk', async () => {
    const { ctx } = await getTestHub();
    const cast = await createCast();
    const baseId = await filedBase(cast.associationUser.token);
    const claim = await api('POST', '/api/v1/claims', {
      token: cast.associationUser.token,
      body: { program: 'livestream_base', baseId, items: [item('equipment', 10000)] },
    });
    expect(claim.status).to.equal(201);
    const itemId = claim.body.items[0].id as string;
    for (let i = 0; i < 10; i += 1)
      expect((await upload(cast.associationUser.token, claim.body.id, itemId, uniquePng())).status).to.equal(201);
    const dir = path.resolve(ctx.config.HUB_UPLOAD_DIR);
    const before = filesOnDisk(dir);
    const refused = await upload(cast.associationUser.token, claim.body.id, itemId, uniquePng());
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('too_many_files');
    expect(filesOnDisk(dir)).to.equal(before);
    // Someone else's claim: refused before anything is written.
    expect((await upload(cast.enterpriseUser.token, claim.body.id, itemId, uniquePng())).status).to.equal(403);
    expect(filesOnDisk(dir)).to.equal(before);
  });

  it(`viewer counts count distinct viewers: anonymous sockets count at most ${ANONYMOUS_PER_ADDRESS} per address, a signed-in viewer once`, async () => {
    const w = await liveWorld();
    const live = await liveSession(w);
    const host = await open(w.cast.host.token);
    await request(host, 'session:join', { sessionId: live.id, role: 'host' });
    const anonymous = await Promise.all(Array.from({ length: 12 }, () => open()));
    for (const s of anonymous) expect((await request(s, 'session:join', { sessionId: live.id })).error).to.equal(undefined);
    const viewer = await createUser('enterprise', w.cast.enterprise.id);
    const own = await Promise.all([open(viewer.token), open(viewer.token), open(viewer.token)]);
    const expected = ANONYMOUS_PER_ADDRESS + 1;
    const seen = nextEvent<{ count: number }>(host, 'viewers', (v) => v.count === expected);
    for (const s of own) await request(s, 'session:join', { sessionId: live.id });
    await seen;
    const last = await request(await open(), 'session:join', { sessionId: live.id });
    expect(last.data.viewers).to.equal(expected);
    const ended = await api('POST', `/api/v1/sessions/${live.id}/end`, { token: w.cast.host.token });
    expect(ended.body.peakViewers).to.equal(expected);
  });

  it("an association cannot book another association's host", async () => {
    const w = await liveWorld();
    const otherAssociation = await createOrg('association');
    const theirHost = await createUser('host', otherAssociation.id);
    const res = await bookSession(w, { hostUserId: theirHost.id });
    expect(res.status).to.equal(403);
    expect(res.body.error.message).to.include('another association');
    // Its own host still books.
    expect((await bookSession(w)).status).to.equal(201);
  });

  it('the auditor changes nothing: no orders, no chat', async () => {
    const w = await liveWorld();
    const live = await liveSession(w);
    const order = await api('POST', '/api/v1/orders', {
      token: w.cast.auditor.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { productId: w.products[0]!.id, quantity: 1, sessionId: live.id },
    });
    expect(order.status).to.equal(403);
    expect(order.body.error.code).to.equal('forbidden');
    const auditor = await open(w.cast.auditor.token);
    expect((await request(auditor, 'session:join', { sessionId: live.id })).error).to.equal(undefined); // watching is reading
    const chat = await request(auditor, 'chat:send', { text: '你好' });
    expect(chat.error?.code).to.equal('forbidden');
    // Others still buy.
    const ok = await api('POST', '/api/v1/orders', {
      token: w.cast.stationUser.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { productId: w.products[0]!.id, quantity: 1, sessionId: live.id },
    });
    expect(ok.status).to.equal(201);
  });

  it('malformed dtlsParameters answer 400 (validation_failed / bad_input), never internal', async function () {
    const w = await liveWorld();
    const live = await liveSession(w);
    const viewer = await open();
    const joined = await request(viewer, 'session:join', { sessionId: live.id });
    if (!joined.data?.media?.available) this.skip();
    const transport = await request(viewer, 'media:createTransport', { direction: 'recv' });
    expect(transport.error).to.equal(undefined);
    const transportId = transport.data.id as string;
    const fingerprint = Array.from({ length: 32 }, () => 'AB').join(':');
    for (const dtlsParameters of [
      { fingerprints: 'x' },
      { fingerprints: [] },
      { fingerprints: [{ algorithm: 'sha-256', value: 'not-hex' }] },
      { role: 'sideways', fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] },
    ]) {
      const reply = await request(viewer, 'media:connectTransport', { transportId, dtlsParameters });
      expect(reply.error?.code, JSON.stringify(dtlsParameters)).to.equal('validation_failed');
    }
    const unknownAlgorithm = await request(viewer, 'media:connectTransport', {
      transportId,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'md5-nope', value: fingerprint }] },
    });
    expect(unknownAlgorithm.error?.code).to.be.oneOf(['bad_input', 'validation_failed']);
  });
});
