import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { api, commerceWorld, expectStatus, getLiveHub, signupBuyer, stock, allPersisted } from './commerceSupport.ts';
import { connectLive, liveSession, nextEvent, request } from '../live/liveSupport.ts';
import { processExpiry, type ExpiryJob } from '../../server/commerce/checkout/expiry.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';

describe('flash sale: timed price, quantity and per-buyer limit under concurrency', function () {
  this.timeout(120_000);

  it('24 buyers × 3 concurrent tries for 30 units, limit 2: exactly 30 sold, nobody above 2; the unsold rest returns once', async () => {
    const { ctx } = await getLiveHub();
    const w = await commerceWorld(100, 9900);
    const session = await liveSession(w);
    const path = `/api/v1/sessions/${session.id}/flash-sale`;
    const host = w.cast.host.token;
    const sale = { productId: w.product.id, priceFen: 4900, quantity: 30, perBuyerLimit: 2, durationSeconds: 600 };
    expect((await api('POST', path, { token: host, body: sale })).status).to.equal(400); // not pinned
    await expectStatus(await api('PUT', `/api/v1/sessions/${session.id}/pin`, { token: host, body: { productId: w.product.id } }), 200);
    expect((await api('POST', path, { token: w.cast.enterpriseUser.token, body: sale })).status).to.equal(403);
    expect((await api('POST', path, { token: host, body: { ...sale, perBuyerLimit: 0 } })).body.error.message).to.include(
      '"perBuyerLimit"',
    );
    const started = await expectStatus(await api('POST', path, { token: host, body: sale }), 201);
    expect(started.sale).to.include({ status: 'running', remaining: 30, priceFen: 4900 });
    expect(await stock(w.product.id, host)).to.equal(70);
    expect((await api('POST', path, { token: host, body: sale })).status).to.equal(409);

    const buyers = await Promise.all(Array.from({ length: 24 }, () => signupBuyer()));
    const delivery = { mode: 'station', stationOrgId: w.cast.station.id };
    const tries = buyers.flatMap((b) => [1, 2, 3].map(() => ({ b, q: 1 })));
    const results = await Promise.all(
      tries.map(({ b, q }) =>
        api('POST', `${path}/orders`, {
          token: b.token,
          body: { quantity: q, delivery, payment: 'cod' },
          headers: { 'Idempotency-Key': randomUUID() },
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 201);
    expect(ok).to.have.length(30);
    expect(ok.every((r) => r.body.unitPriceFen === 4900 && r.body.amountFen === 4900)).to.equal(true);
    const perBuyer = new Map<string, number>();
    for (const r of ok) perBuyer.set(r.body.buyerUserId, (perBuyer.get(r.body.buyerUserId) ?? 0) + 1);
    expect(Math.max(...perBuyer.values())).to.be.at.most(2);
    const codes = new Set(results.filter((r) => r.status !== 201).map((r) => r.body.error.code));
    expect([...codes].every((c) => c === 'sold_out' || c === 'flash_sale_limit')).to.equal(true);
    expect((await api('GET', path)).body.sale.remaining).to.equal(0);

    // A buyer's order still needs delivery and payment; the end job returns nothing twice.
    const late = await api('POST', `${path}/orders`, {
      token: buyers[0]!.token,
      body: { quantity: 1 },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(late.status).to.equal(400);
    const job = { data: { orderId: '', flash: { sessionId: session.id, saleId: started.sale.id } } } as Job<ExpiryJob>;
    expect(await processExpiry(job, ctx)).to.equal('flash-ended:0');
    expect(await processExpiry(job, ctx)).to.equal('flash-already-ended');
    expect(await stock(w.product.id, host)).to.equal(70);
    await allPersisted();
    expect(await OrderModel.countDocuments({ productId: w.product.id, unitPriceFen: 4900 })).to.equal(30);
  });

  it('ending early returns the unsold units to stock exactly once', async () => {
    const w = await commerceWorld(20, 1000);
    const session = await liveSession(w);
    const host = w.cast.host.token;
    await expectStatus(await api('PUT', `/api/v1/sessions/${session.id}/pin`, { token: host, body: { productId: w.product.id } }), 200);
    await expectStatus(
      await api('POST', `/api/v1/sessions/${session.id}/flash-sale`, {
        token: host,
        body: { productId: w.product.id, priceFen: 500, quantity: 10, perBuyerLimit: 1, durationSeconds: 60 },
      }),
      201,
    );
    expect(await stock(w.product.id, host)).to.equal(10);
    const buyer = await signupBuyer();
    await expectStatus(
      await api('POST', `/api/v1/sessions/${session.id}/flash-sale/orders`, {
        token: buyer.token,
        body: { quantity: 1, delivery: { mode: 'station', stationOrgId: w.cast.station.id }, payment: 'cod' },
        headers: { 'Idempotency-Key': randomUUID() },
      }),
      201,
    );
    const stops = await Promise.all([1, 2].map(() => api('DELETE', `/api/v1/sessions/${session.id}/flash-sale`, { token: host })));
    expect(stops.every((s) => s.status === 200)).to.equal(true);
    expect(await stock(w.product.id, host)).to.equal(19);
  });
  it("pushes the sale to the session's viewers over Socket.IO: start, each sale's remaining, sold out, and the end", async () => {
    const w = await commerceWorld(20, 9900);
    const session = await liveSession(w);
    const path = `/api/v1/sessions/${session.id}/flash-sale`;
    const host = w.cast.host.token;
    await expectStatus(await api('PUT', `/api/v1/sessions/${session.id}/pin`, { token: host, body: { productId: w.product.id } }), 200);
    const viewer = await connectLive();
    try {
      expect((await request(viewer, 'session:join', { sessionId: session.id, role: 'viewer' })).error).to.equal(undefined);
      type Pushed = { sessionId: string; sale: { id: string; status: string; remaining: number } | null };
      const startedPush = nextEvent<Pushed>(viewer, 'flash:sale', (e) => e.sale?.status === 'running');
      const started = await expectStatus(
        await api('POST', path, {
          token: host,
          body: { productId: w.product.id, priceFen: 4900, quantity: 2, perBuyerLimit: 1, durationSeconds: 600 },
        }),
        201,
      );
      expect((await startedPush).sale).to.include({ id: started.sale.id, remaining: 2 });
      const delivery = { mode: 'station', stationOrgId: w.cast.station.id };
      for (const left of [1, 0]) {
        const pushed = nextEvent<Pushed>(viewer, 'flash:sale', (e) => e.sale?.remaining === left);
        const b = await signupBuyer();
        await expectStatus(
          await api('POST', `${path}/orders`, {
            token: b.token,
            body: { quantity: 1, delivery, payment: 'cod' },
            headers: { 'Idempotency-Key': randomUUID() },
          }),
          201,
        );
        expect((await pushed).sale).to.include({ status: 'running', remaining: left }); // 0: sold out
      }
      const endedPush = nextEvent<Pushed>(viewer, 'flash:sale', (e) => e.sale?.status === 'ended');
      await expectStatus(await api('DELETE', path, { token: host }), 200);
      expect((await endedPush).sale).to.include({ id: started.sale.id, status: 'ended' });
    } finally {
      viewer.disconnect();
    }
  });
});
