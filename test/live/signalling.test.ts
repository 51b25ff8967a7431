import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { api } from '../support/testHub.ts';
import { createUser } from '../support/factories.ts';
import { io as connectClient } from 'socket.io-client';
import { connectLive, expectStatus, getLiveHub, liveSession, liveWorld, nextEvent, request, bookSession } from './liveSupport.ts';
import { CHAT_RATE_MESSAGES } from '../../server/live/chat/chatService.ts';

describe('live signalling over Socket.IO (/live): errors, chat, pins, viewers', function () {
  this.timeout(60_000);
  let world: Awaited<ReturnType<typeof liveWorld>>;
  let session: { id: string };
  const sockets: Socket[] = [];
  const open = async (token?: string) => {
    const s = await connectLive(token);
    sockets.push(s);
    return s;
  };

  before(async () => {
    await getLiveHub();
    world = await liveWorld({
      products: [
        { stock: 20, priceFen: 6600 },
        { stock: 20, priceFen: 3300 },
      ],
    });
    session = await liveSession(world);
  });
  after(() => sockets.forEach((s) => s.disconnect()));

  it('an unknown session is not_found; a viewer asking for the host role is forbidden', async () => {
    const viewer = await open((await createUser('auditor')).token);
    const unknown = await request(viewer, 'session:join', { sessionId: '0123456789abcdef01234567', role: 'viewer' });
    expect(unknown.error?.code).to.equal('not_found');
    const wrongRole = await request(viewer, 'session:join', { sessionId: session.id, role: 'host' });
    expect(wrongRole.error?.code).to.equal('forbidden');
    const anonymousHost = await request(await open(), 'session:join', { sessionId: session.id, role: 'host' });
    expect(anonymousHost.error?.code).to.equal('forbidden');
  });

  it('malformed payloads are validation_failed naming the field; nothing happens', async () => {
    const s = await open();
    for (const payload of [
      undefined,
      {},
      { sessionId: 42 },
      { sessionId: 'abc' },
      { sessionId: session.id, role: 'admin' },
      { sessionId: session.id, extra: 1 },
      'text',
      [1],
    ]) {
      const reply = await request(s, 'session:join', payload);
      expect(reply.error?.code, JSON.stringify(payload)).to.equal('validation_failed');
    }
    expect((await request(s, 'session:join', { sessionId: 'abc' })).error?.message).to.include('sessionId');
    // Before joining, other requests are refused.
    expect((await request(s, 'chat:send', { text: 'hi' })).error?.code).to.equal('not_joined');
    expect((await request(s, 'media:createTransport', { direction: 'recv' })).error?.code).to.equal('not_joined');
    expect((await request(s, 'media:createTransport', { direction: 'sideways' })).error?.code).to.equal('validation_failed');
    expect((await request(s, 'media:connectTransport', { transportId: 'x', dtlsParameters: {} })).error?.code).to.equal(
      'validation_failed',
    );
  });

  it('a bad token is refused at connection; an invalid emit without ack gets a live:error event', async () => {
    let refused = false;
    try {
      await connectLive('not-a-jwt');
    } catch (err) {
      refused = /invalid token/.test(String((err as Error).message));
    }
    expect(refused).to.equal(true);
    const s = await open();
    const error = nextEvent<{ event: string; code: string }>(s, 'live:error');
    s.emit('session:join', { sessionId: 'abc' });
    expect(await error).to.include({ event: 'session:join', code: 'validation_failed' });
  });

  it('viewers join, the host sees the count; wrong-role actions are forbidden; ended sessions refuse joins', async () => {
    const host = await open(world.cast.host.token);
    const joinedHost = await request(host, 'session:join', { sessionId: session.id, role: 'host' });
    expect(joinedHost.error).to.equal(undefined);
    expect(joinedHost.data.role).to.equal('host');
    expect(joinedHost.data.shelf.map((p: { id: string }) => p.id)).to.deep.equal(world.products.map((p) => p.id));
    expect(joinedHost.data.sales).to.deep.equal({ orders: 0, quantity: 0, amountFen: 0 });

    const counted = nextEvent<{ count: number }>(host, 'viewers', (v) => v.count === 2);
    const v1 = await open((await createUser('auditor')).token);
    const v2 = await open();
    expect((await request(v1, 'session:join', { sessionId: session.id })).data.role).to.equal('viewer');
    expect((await request(v2, 'session:join', { sessionId: session.id, role: 'viewer' })).data.session.title).to.be.a('string');
    expect((await counted).count).to.equal(2);
    expect((await request(v1, 'session:join', { sessionId: session.id })).error?.code).to.equal('already_joined');

    expect((await request(v1, 'product:pin', { productId: world.products[0]!.id })).error?.code).to.equal('forbidden');
    expect((await request(v1, 'session:end', {})).error?.code).to.equal('forbidden');
    expect((await request(v1, 'media:createTransport', { direction: 'send' })).error?.code).to.equal('forbidden');

    const dropped = nextEvent<{ count: number }>(host, 'viewers', (v) => v.count === 1);
    v2.disconnect();
    expect((await dropped).count).to.equal(1);

    const ended = await expectStatus(
      await bookSession(world, {
        startsAt: new Date(Date.now() + 90 * 86400_000).toISOString(),
        endsAt: new Date(Date.now() + 90 * 86400_000 + 3600_000).toISOString(),
      }),
      201,
    );
    await api('DELETE', `/api/v1/sessions/${ended.id}`, { token: world.cast.associationUser.token });
    expect((await request(await open(), 'session:join', { sessionId: ended.id })).error?.code).to.equal('wrong_state');
  });

  it('the host pins and unpins shelf products; every viewer gets the product card', async () => {
    const host = await open(world.cast.host.token);
    await request(host, 'session:join', { sessionId: session.id, role: 'host' });
    const viewers = await Promise.all([open(), open()]);
    for (const v of viewers) await request(v, 'session:join', { sessionId: session.id });
    const pinned = viewers.map((v) =>
      nextEvent<{ product: { id: string; priceFen: number } | null }>(v, 'product:pinned', (e) => e.product !== null),
    );
    const reply = await request(host, 'product:pin', { productId: world.products[1]!.id });
    expect(reply.error).to.equal(undefined);
    for (const p of await Promise.all(pinned)) expect(p.product).to.include({ id: world.products[1]!.id, priceFen: 3300 });
    // A late viewer sees the pin on join.
    const late = await open();
    expect((await request(late, 'session:join', { sessionId: session.id })).data.pinned.id).to.equal(world.products[1]!.id);
    const notOnShelf = await request(host, 'product:pin', { productId: '0123456789abcdef01234567' });
    expect(notOnShelf.error?.code).to.equal('bad_request');
    const unpinned = nextEvent<{ product: unknown }>(viewers[0]!, 'product:pinned', (e) => e.product === null);
    expect((await request(host, 'product:pin', { productId: null })).data.pinnedProductId).to.equal(null);
    await unpinned;
  });

  it('chat is text, bounded, rate-limited per viewer, and moderated by the host (mute, remove)', async () => {
    const host = await open(world.cast.host.token);
    await request(host, 'session:join', { sessionId: session.id, role: 'host' });
    const buyer = await createUser('bureau');
    const viewer = await open(buyer.token);
    await request(viewer, 'session:join', { sessionId: session.id });

    const html = '<img src=x onerror=alert(1)> 好看！';
    const seen = nextEvent<{ text: string; id: string }>(host, 'chat:message', (m) => m.text.includes('onerror'));
    const sent = await request(viewer, 'chat:send', { text: `  ${html}\u202e\u0000 ` });
    expect(sent.data.message.text).to.equal(html);
    expect((await seen).text).to.equal(html);

    expect((await request(viewer, 'chat:send', { text: 'x'.repeat(201) })).error?.code).to.equal('bad_request');
    expect((await request(viewer, 'chat:send', { text: '   ' })).error?.code).to.equal('bad_request');
    expect((await request(viewer, 'chat:send', { text: 5 })).error?.code).to.equal('validation_failed');
    const anonymous = await open();
    await request(anonymous, 'session:join', { sessionId: session.id });
    expect((await request(anonymous, 'chat:send', { text: 'hi' })).error?.code).to.equal('unauthenticated');

    const replies = [];
    for (let i = 0; i < CHAT_RATE_MESSAGES + 2; i += 1) replies.push(await request(viewer, 'chat:send', { text: `第${i}条` }));
    const limited = replies.filter((r) => r.error?.code === 'too_many_requests');
    // One message was already sent in this window, so CHAT_RATE_MESSAGES - 1 more pass.
    expect(replies.filter((r) => r.data)).to.have.length(CHAT_RATE_MESSAGES - 1);
    expect(limited).to.have.length(3);
    expect((limited[0]!.error!.details as { retryAfterMs: number }).retryAfterMs).to.be.within(1, 10_000);

    const removed = nextEvent<{ messageId: string }>(viewer, 'chat:removed');
    expect((await request(host, 'chat:remove', { messageId: sent.data.message.id })).error).to.equal(undefined);
    expect((await removed).messageId).to.equal(sent.data.message.id);
    expect((await request(viewer, 'chat:remove', { messageId: randomUUID() })).error?.code).to.equal('forbidden');

    const muted = nextEvent(viewer, 'chat:muted');
    expect((await request(host, 'chat:mute', { userId: buyer.id })).data.muted).to.equal(true);
    await muted;
    const other = await createUser('bureau');
    const otherViewer = await open(other.token);
    await request(otherViewer, 'session:join', { sessionId: session.id });
    expect((await request(otherViewer, 'chat:send', { text: '还有货吗' })).data.message.text).to.equal('还有货吗');
    const history = await request(await open(), 'session:join', { sessionId: session.id });
    const texts = history.data.chat.map((m: { text: string }) => m.text);
    expect(texts).to.include('还有货吗');
    expect(texts).to.not.include(html);
  });

  it('a muted viewer cannot chat', async () => {
    const host = await open(world.cast.host.token);
    await request(host, 'session:join', { sessionId: session.id, role: 'host' });
    const buyer = await createUser('bureau');
    const viewer = await open(buyer.token);
    await request(viewer, 'session:join', { sessionId: session.id });
    await request(host, 'chat:mute', { userId: buyer.id, muted: true });
    expect((await request(viewer, 'chat:send', { text: '我被禁言了吗' })).error?.code).to.equal('forbidden');
    await request(host, 'chat:mute', { userId: buyer.id, muted: false });
    expect((await request(viewer, 'chat:send', { text: '恢复了' })).data.message.text).to.equal('恢复了');
  });

  it("orders attributed to the session move the host's sales ticker", async () => {
    const host = await open(world.cast.host.token);
    await request(host, 'session:join', { sessionId: session.id, role: 'host' });
    const ticker = nextEvent<{ orders: number; amountFen: number }>(host, 'sales', (s) => s.orders >= 1);
    const buyer = await createUser('bureau');
    const res = await api('POST', '/api/v1/orders', {
      token: buyer.token,
      headers: { 'Idempotency-Key': randomUUID() },
      body: { productId: world.products[0]!.id, quantity: 2, sessionId: session.id },
    });
    expect(res.status).to.equal(201);
    const sales = await ticker;
    expect(sales).to.include({ orders: 1, quantity: 2, amountFen: 13200 });
  });

  it('a host that reconnects resumes the same live session', async () => {
    const first = await open(world.cast.host.token);
    await request(first, 'session:join', { sessionId: session.id, role: 'host' });
    first.disconnect();
    const again = await open(world.cast.host.token);
    const rejoined = await request(again, 'session:join', { sessionId: session.id, role: 'host' });
    expect(rejoined.data.session).to.include({ id: session.id, status: 'live' });
    expect((await request(again, 'session:start', {})).data.status).to.equal('live');
    expect(rejoined.data.sales.orders).to.be.at.least(1);
  });

  it('the viewer peak and the sales are kept on the session after it ends; REST pin reaches viewers too', async () => {
    const w = await liveWorld({ products: [{ stock: 5, priceFen: 1000 }] });
    const live = await liveSession(w);
    const host = await open(w.cast.host.token);
    await request(host, 'session:join', { sessionId: live.id, role: 'host' });
    const peak = nextEvent<{ count: number }>(host, 'viewers', (v) => v.count === 3);
    const viewers = await Promise.all([open(), open(), open()]);
    for (const v of viewers) await request(v, 'session:join', { sessionId: live.id });
    await peak;
    const pinned = nextEvent<{ product: { id: string } | null }>(viewers[0]!, 'product:pinned', (e) => e.product !== null);
    const rest = await api('PUT', `/api/v1/sessions/${live.id}/pin`, { token: w.cast.host.token, body: { productId: w.products[0]!.id } });
    expect(rest.status).to.equal(200);
    expect((await pinned).product!.id).to.equal(w.products[0]!.id);
    expect(
      (await api('PUT', `/api/v1/sessions/${live.id}/pin`, { token: w.cast.associationUser.token, body: { productId: null } })).status,
    ).to.equal(403);
    viewers[1]!.disconnect();
    viewers[2]!.disconnect();
    await nextEvent<{ count: number }>(host, 'viewers', (v) => v.count === 1);
    const statusSeen = nextEvent<{ status: string }>(viewers[0]!, 'session:status', (e) => e.status === 'ended');
    const ended = await api('POST', `/api/v1/sessions/${live.id}/end`, { token: w.cast.host.token });
    expect(ended.body).to.include({ status: 'ended', peakViewers: 3, pinnedProductId: null });
    await statusSeen;
    expect((await api('GET', `/api/v1/sessions/${live.id}`, { token: w.cast.auditor.token })).body.peakViewers).to.equal(3);
  });

  it('30 anonymous sockets asking 4 receive transports each exhaust nothing: caps answer media_full, a viewer elsewhere still gets media', async function () {
    const hub = await getLiveHub();
    if (!hub.ctx.services.liveMedia) this.skip();
    const config = hub.ctx.config;
    const live = await liveSession(await liveWorld());
    const crowd = await Promise.all(Array.from({ length: 30 }, () => open()));
    await Promise.all(crowd.map((s) => request(s, 'session:join', { sessionId: live.id })));
    const replies = (
      await Promise.all(
        crowd.map((s) => Promise.all(Array.from({ length: 4 }, () => request(s, 'media:createTransport', { direction: 'recv' })))),
      )
    ).flat();
    const granted = replies.filter((r) => r.data);
    const refused = replies.filter((r) => r.error);
    expect(
      refused.map((r) => r.error!.code).every((c) => c === 'media_full'),
      JSON.stringify(refused.find((r) => r.error!.code !== 'media_full')),
    ).to.equal(true);
    expect(granted.length).to.equal(
      Math.min(30 * config.MEDIASOUP_MAX_TRANSPORTS_PER_CONNECTION, config.MEDIASOUP_MAX_TRANSPORTS_PER_ADDRESS),
    );
    const scopes = new Set(refused.map((r) => (r.error!.details as { scope: string }).scope));
    expect([...scopes].sort()).to.deep.equal(['address', 'connection']);
    // Every transport shares its worker's one UDP and one TCP port.
    const ports = new Set(granted.flatMap((r) => (r.data.iceCandidates as { port: number }[]).map((c) => c.port)));
    expect(ports.size).to.be.at.most(2 * (hub.ctx.services.liveMedia as { workers: unknown[] }).workers.length);
    // A real viewer behind another address (through a trusted proxy) still gets its transport.
    const trusted = config.HUB_TRUST_PROXY;
    config.HUB_TRUST_PROXY = true;
    try {
      const other = connectClient(`${hub.baseUrl}/live`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { 'x-forwarded-for': '198.51.100.7' },
      });
      sockets.push(other);
      await new Promise<void>((resolve, reject) => {
        other.once('connect', () => resolve());
        other.once('connect_error', reject);
      });
      await request(other, 'session:join', { sessionId: live.id });
      const mine = await request(other, 'media:createTransport', { direction: 'recv' });
      expect(mine.error).to.equal(undefined);
      expect(mine.data.iceCandidates.length).to.be.greaterThan(0);
    } finally {
      config.HUB_TRUST_PROXY = trusted;
    }
    // Leaving gives the address its share back.
    crowd.forEach((s) => s.disconnect());
    const again = await open();
    await request(again, 'session:join', { sessionId: live.id });
    let reply = await request(again, 'media:createTransport', { direction: 'recv' });
    for (let i = 0; i < 50 && reply.error?.code === 'media_full'; i += 1) {
      await new Promise((r) => setTimeout(r, 100)); // disconnects are processed asynchronously
      reply = await request(again, 'media:createTransport', { direction: 'recv' });
    }
    expect(reply.error).to.equal(undefined);
  });
});
