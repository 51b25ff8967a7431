import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { api } from '../support/testHub.ts';
import { createUser } from '../support/factories.ts';
import { expectStatus, getLiveHub, liveSession, liveWorld, bookSession, ordersPersisted } from './liveSupport.ts';
import { AuditEventModel } from '../../server/platform/audit/auditEvent.model.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';
import { ProductModel } from '../../server/commerce/products/product.model.ts';
import { LiveSessionModel } from '../../server/live/sessions/session.model.ts';

const order = (token: string, body: Record<string, unknown>, key: string | null = randomUUID()) =>
  api('POST', '/api/v1/orders', { token, body, headers: key === null ? {} : { 'Idempotency-Key': key } });

describe('live selling: products, orders, stock and idempotency', function () {
  this.timeout(120_000);
  let world: Awaited<ReturnType<typeof liveWorld>>;

  before(async () => {
    await getLiveHub();
    world = await liveWorld({
      products: [
        { stock: 10, priceFen: 9900 },
        { stock: 5, priceFen: 2500 },
      ],
    });
  });

  it('an enterprise lists products; bad categories, prices or unknown households are 400; other roles 403', async () => {
    const [cup] = world.products;
    expect(cup).to.include({ category: 'ceramic', priceFen: 9900, stock: 10, enterpriseId: world.cast.enterprise.id });
    const t = world.cast.enterpriseUser.token;
    const bad = [
      { name: 'x', category: 'jade', priceFen: 100, stock: 1 },
      { name: 'x', category: 'farm', priceFen: 1.5, stock: 1 },
      { name: 'x', category: 'farm', priceFen: 100, stock: -1 },
      { name: 'x', category: 'farm', priceFen: '100', stock: 1 },
      { name: 'x', category: 'farm', priceFen: 100, stock: 1, householdRegistryNo: 'HH-none' },
    ];
    for (const body of bad) expect((await api('POST', '/api/v1/products', { token: t, body })).status, JSON.stringify(body)).to.equal(400);
    const asHost = await api('POST', '/api/v1/products', {
      token: world.cast.host.token,
      body: { name: 'x', category: 'farm', priceFen: 100, stock: 1 },
    });
    expect(asHost.status).to.equal(403);
  });

  it('100 concurrent buyers for 10 items: exactly 10 orders, 90 sold out, stock 0 and never negative', async () => {
    const product = await expectStatus(
      await api('POST', '/api/v1/products', {
        token: world.cast.enterpriseUser.token,
        body: { name: '限量建白瓷', category: 'ceramic', priceFen: 50000, stock: 10 },
      }),
      201,
    );
    const buyers = await Promise.all(Array.from({ length: 100 }, () => createUser('bureau')));
    const results = await Promise.all(buyers.map((b) => order(b.token, { productId: product.id, quantity: 1 })));
    const created = results.filter((r) => r.status === 201);
    const soldOut = results.filter((r) => r.status === 409);
    expect(created).to.have.length(10);
    expect(soldOut).to.have.length(90);
    expect(soldOut.every((r) => r.body.error.code === 'sold_out')).to.equal(true);
    expect((await api('GET', `/api/v1/products/${product.id}`, { token: buyers[0]!.token })).body.stock).to.equal(0);
    await ordersPersisted();
    expect(await OrderModel.countDocuments({ productId: product.id })).to.equal(10);
    // Every written order is in the audit chain (one event per written batch lists its orders).
    const audited = await AuditEventModel.find({ action: 'order.place' }).lean();
    const auditedIds = audited.flatMap((e) => ((e.after as { orders: { id: string }[] }).orders ?? []).map((o) => o.id));
    expect(auditedIds).to.include.members(created.map((r) => r.body.id));
    expect((await ProductModel.findById(product.id).lean())!.stock).to.equal(0);
  });

  it('a quantity above the stock left is 409 and sells nothing', async () => {
    const [, plate] = world.products;
    const buyer = await createUser('bureau');
    const res = await order(buyer.token, { productId: plate!.id, quantity: 6 });
    expect(res.status).to.equal(409);
    expect(res.body.error.details).to.deep.equal({ stock: 5 });
    expect((await api('GET', `/api/v1/products/${plate!.id}`, { token: buyer.token })).body.stock).to.equal(5);
  });

  it('the same Idempotency-Key returns the same order and sells once, also when retried concurrently', async () => {
    const [, plate] = world.products;
    const buyer = await createUser('bureau');
    const key = randomUUID();
    const first = await order(buyer.token, { productId: plate!.id, quantity: 2 }, key);
    expect(first.status).to.equal(201);
    expect(first.body).to.include({ amountFen: 5000, quantity: 2, buyerUserId: buyer.id });
    const again = await order(buyer.token, { productId: plate!.id, quantity: 2 }, key);
    expect(again.status).to.equal(201);
    expect(again.body.id).to.equal(first.body.id);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');

    const racingKey = randomUUID();
    const racing = await Promise.all(
      Array.from({ length: 20 }, () => order(buyer.token, { productId: plate!.id, quantity: 1 }, racingKey)),
    );
    expect(racing.every((r) => r.status === 201)).to.equal(true);
    expect(new Set(racing.map((r) => r.body.id)).size).to.equal(1);
    // 5 - 2 - 1: each key sold once.
    expect((await api('GET', `/api/v1/products/${plate!.id}`, { token: buyer.token })).body.stock).to.equal(2);
    await ordersPersisted();
    expect(await OrderModel.countDocuments({ buyerUserId: buyer.id })).to.equal(2);
    // Replays after the order reached the database answer the same.
    expect((await order(buyer.token, { productId: plate!.id, quantity: 2 }, key)).body.id).to.equal(first.body.id);
    expect((await api('GET', `/api/v1/orders/${first.body.id}`, { token: buyer.token })).body.amountFen).to.equal(5000);

    // The same key from another buyer is another order.
    const other = await createUser('bureau');
    const theirs = await order(other.token, { productId: plate!.id, quantity: 1 }, key);
    expect(theirs.status).to.equal(201);
    expect(theirs.body.id).to.not.equal(first.body.id);
  });

  it('a key reused for a different order is 409; a missing or malformed key is 400', async () => {
    const [cup] = world.products;
    const buyer = await createUser('bureau');
    const key = randomUUID();
    expect((await order(buyer.token, { productId: cup!.id, quantity: 1 }, key)).status).to.equal(201);
    const reused = await order(buyer.token, { productId: cup!.id, quantity: 3 }, key);
    expect(reused.status).to.equal(409);
    expect(reused.body.error.code).to.equal('idempotency_key_reused');
    const missing = await order(buyer.token, { productId: cup!.id, quantity: 1 }, null);
    expect(missing.status).to.equal(400);
    expect(missing.body.error.message).to.include('Idempotency-Key');
    expect((await order(buyer.token, { productId: cup!.id, quantity: 1 }, 'short')).status).to.equal(400);
    expect((await order(buyer.token, { productId: cup!.id, quantity: 0 })).status).to.equal(400);
    expect((await order(buyer.token, { productId: cup!.id, quantity: 1, price: 1 })).status).to.equal(400);
    expect((await order('', { productId: cup!.id, quantity: 1 })).status).to.equal(401);
    expect((await order(buyer.token, { productId: '0123456789abcdef01234567', quantity: 1 })).status).to.equal(404);
  });

  it('orders placed during a live session are attributed to it; totals are kept after it ends', async () => {
    const w = await liveWorld({ products: [{ stock: 100, priceFen: 1999 }] });
    const [tea] = w.products;
    const scheduled = await expectStatus(await bookSession(w), 201);
    const buyer = await createUser('bureau');
    const notLive = await order(buyer.token, { productId: tea!.id, quantity: 1, sessionId: scheduled.id });
    expect(notLive.status).to.equal(409);
    await api('DELETE', `/api/v1/sessions/${scheduled.id}`, { token: w.cast.associationUser.token });

    const session = await liveSession(w);
    const keys = [randomUUID(), randomUUID(), randomUUID()];
    const placed = await Promise.all(
      [1, 2, 3].map((q, i) => order(buyer.token, { productId: tea!.id, quantity: q, sessionId: session.id }, keys[i]!)),
    );
    expect(placed.map((p) => p.status)).to.deep.equal([201, 201, 201]);
    await order(buyer.token, { productId: tea!.id, quantity: 4 }); // not attributed
    const sales = await api('GET', `/api/v1/sessions/${session.id}/sales`, { token: w.cast.host.token });
    expect(sales.body).to.include({ orders: 3, quantity: 6, amountFen: 6 * 1999 });
    const ended = await api('POST', `/api/v1/sessions/${session.id}/end`, { token: w.cast.host.token });
    expect(ended.body).to.include({ status: 'ended', orderCount: 3, quantitySold: 6, gmvFen: 6 * 1999 });
    const after = await order(buyer.token, { productId: tea!.id, quantity: 1, sessionId: session.id });
    expect(after.status).to.equal(409);
    expect(after.body.error.code).to.equal('wrong_state');
    // A retry of an order placed while live still answers with that order after the end.
    const retried = await order(buyer.token, { productId: tea!.id, quantity: 3, sessionId: session.id }, keys[2]!);
    expect(retried.status).to.equal(201);
    expect(retried.body.id).to.equal(placed[2]!.body.id);
    expect((await LiveSessionModel.findById(session.id).lean())!.gmvFen).to.equal(6 * 1999);
    await ordersPersisted();
    expect(await OrderModel.countDocuments({ sessionId: session.id })).to.equal(3);
    expect((await api('GET', `/api/v1/sessions/${session.id}/sales`, { token: w.cast.auditor.token })).body.amountFen).to.equal(6 * 1999);
  });
});
