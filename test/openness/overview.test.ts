import { expect } from 'chai';
import { api, getTestHub } from '../support/testHub.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';
import { ClaimModel } from '../../server/claims/claim.model.ts';
import { ProcurementModel } from '../../server/claims/procurements/procurement.model.ts';
import { LiveSessionModel } from '../../server/live/sessions/session.model.ts';
import { hubEvents } from '../../server/platform/events.ts';
import { forgetOverviewCaches, loadProductFacts } from '../../server/openness/overviewCounters.ts';
import { rebuildOverview } from '../../server/openness/overviewRebuild.ts';
import { shanghaiDate } from '../../server/openness/shanghaiTime.ts';
import { approvedClaims, bookAndStart, expectOk, ordersPersisted, placeOrder, scriptedWorld, waitFor } from './scriptedDay.ts';

/** The big-screen figures recomputed the slow way: every raw record read and summed here. */
async function recompute() {
  await ordersPersisted();
  // GMV as the hub defines it (server/commerce/orders/gmv.ts), decided here order by order from the raw status.
  const orders = (await OrderModel.find({}, { productId: 1, sessionId: 1, amountFen: 1, createdAt: 1, status: 1 }).lean()).filter(
    (o) => !['cancelled', 'expired', 'refunded'].includes(o.status ?? 'placed'),
  );
  const facts = await loadProductFacts([...new Set(orders.map((o) => String(o.productId)))]);
  const today = shanghaiDate(new Date());
  const sum = (map: Map<string, number>, key: string, fen: number) => map.set(key, (map.get(key) ?? 0) + fen);
  const byBrand = new Map<string, number>();
  const byTownship = new Map<string, number>();
  const bySession = new Map<string, number>();
  const byProduct = new Map<string, number>();
  const households = new Set<string>();
  let totalFen = 0,
    todayFen = 0,
    ordersToday = 0,
    householdSalesFen = 0;
  for (const o of orders) {
    const f = facts.get(String(o.productId))!;
    totalFen += o.amountFen;
    if (shanghaiDate(o.createdAt) === today) {
      todayFen += o.amountFen;
      ordersToday += 1;
    }
    sum(byBrand, f.brand, o.amountFen);
    sum(byTownship, f.township, o.amountFen);
    sum(byProduct, String(o.productId), o.amountFen);
    if (o.sessionId) sum(bySession, String(o.sessionId), o.amountFen);
    if (f.householdRegistryNo) {
      households.add(f.householdRegistryNo);
      householdSalesFen += o.amountFen;
    }
  }
  const claims = await ClaimModel.find({ status: { $in: ['approved', 'paid'] } }).lean();
  const approved = new Map<string, number>();
  const paid = new Map<string, number>();
  let procurementFen = 0;
  for (const c of claims) {
    sum(approved, c.program, c.approvedFen ?? 0);
    if (c.status === 'paid') sum(paid, c.program, c.paidFen ?? 0);
    if (c.program === 'poverty_procurement') {
      for (const p of await ProcurementModel.find({ _id: { $in: c.procurementIds } }).lean()) {
        procurementFen += p.amountFen;
        households.add(p.householdRegistryNo);
      }
    }
  }
  const liveNow = await LiveSessionModel.countDocuments({ status: 'live' });
  return {
    totalFen,
    ordersTotal: orders.length,
    todayFen,
    ordersToday,
    byBrand,
    byTownship,
    bySession,
    byProduct,
    approved,
    paid,
    procurementFen,
    householdSalesFen,
    households: households.size,
    liveNow,
  };
}

const asMap = (rows: { key: string; fen: number }[]) => new Map(rows.map((r) => [r.key, r.fen]));

function expectMatches(overview: any, truth: Awaited<ReturnType<typeof recompute>>) {
  expect(overview.gmv.totalFen).to.equal(truth.totalFen);
  expect(overview.gmv.ordersTotal).to.equal(truth.ordersTotal);
  expect(overview.gmv.todayFen).to.equal(truth.todayFen);
  expect(overview.gmv.ordersToday).to.equal(truth.ordersToday);
  expect(asMap(overview.gmv.byBrand)).to.deep.equal(truth.byBrand);
  expect(asMap(overview.gmv.byTownship)).to.deep.equal(truth.byTownship);
  const topSessions = [...truth.bySession].sort((a, b) => b[1] - a[1]).slice(0, 10);
  expect(overview.gmv.bySession.map((s: any) => s.fen)).to.deep.equal(topSessions.map(([, fen]) => fen));
  const topProducts = [...truth.byProduct].sort((a, b) => b[1] - a[1]).slice(0, 10);
  expect(overview.topProducts.map((p: any) => p.fen)).to.deep.equal(topProducts.map(([, fen]) => fen));
  for (const s of overview.subsidies) {
    expect(s.approvedFen, `${s.program} approved`).to.equal(truth.approved.get(s.program) ?? 0);
    expect(s.paidFen, `${s.program} paid`).to.equal(truth.paid.get(s.program) ?? 0);
  }
  const upward = overview.budget.find((b: any) => b.category === 'products_upward');
  expect(upward.approvedFen).to.equal([...truth.approved.values()].reduce((a, b) => a + b, 0));
  expect(upward.paidFen).to.equal([...truth.paid.values()].reduce((a, b) => a + b, 0));
  expect(overview.budget.map((b: any) => b.shareBasisPoints)).to.deep.equal([7000, 1500, 1350, 150]);
  expect(overview.poverty).to.deep.equal({
    householdsBenefiting: truth.households,
    procurementFen: truth.procurementFen,
    householdSalesFen: truth.householdSalesFen,
  });
  expect(overview.sessions.liveNow).to.equal(truth.liveNow);
}

describe('openness: big-screen overview', function () {
  this.timeout(90_000);
  let world: Awaited<ReturnType<typeof scriptedWorld>>;

  before(async () => {
    const { ctx } = await getTestHub();
    // Start from counters that agree with whatever earlier suites left in the database.
    forgetOverviewCaches();
    await rebuildOverview(ctx);
    world = await scriptedWorld();
  });

  it('keeps counters equal to a recomputation from raw records through a scripted day', async () => {
    const before = await expectOk(await api('GET', '/api/v1/public/overview'));
    const morning = await bookAndStart(world, '德化白瓷早场', 60_000);
    const buyer = world.cast.stationUser; // any signed-in user but the auditor may buy
    const expected = { fen: 0, orders: 0, ceramicFen: 0, farmFen: 0 };
    for (const [product, qty, session] of [
      [world.ceramic, 2, morning.id],
      [world.farm, 3, morning.id],
      [world.ceramic, 1, undefined],
      [world.farm, 1, morning.id],
    ] as const) {
      const order = await placeOrder(buyer.token, product.id, qty, session);
      expected.fen += order.amountFen;
      expected.orders += 1;
      if (product === world.ceramic) expected.ceramicFen += order.amountFen;
      else expected.farmFen += order.amountFen;
    }
    await expectOk(await api('POST', `/api/v1/sessions/${morning.id}/end`, { token: world.cast.host.token }));
    const evening = await bookAndStart(world, '三黑三黄三红晚场', 7200_000);
    hubEvents.emit('session.viewers', { sessionId: evening.id, viewers: 321 });
    const last = await placeOrder(buyer.token, world.farm.id, 2, evening.id);
    expected.fen += last.amountFen;
    expected.orders += 1;
    expected.farmFen += last.amountFen;
    const claims = await approvedClaims(world);

    const overview = await waitFor('the counters to take every event', async () => {
      const res = await expectOk(await api('GET', '/api/v1/public/overview'));
      const subsidy = res.subsidies.find((s: any) => s.program === 'poverty_procurement');
      return res.gmv.ordersTotal === before.gmv.ordersTotal + expected.orders &&
        subsidy.approvedFen >= claims.approvedPoverty.approvedFen &&
        res.sessions.viewers >= 321
        ? res
        : null;
    });
    // The script's own arithmetic…
    expect(overview.gmv.totalFen - before.gmv.totalFen).to.equal(expected.fen);
    expect(overview.gmv.todayFen - before.gmv.todayFen).to.equal(expected.fen);
    const brand = asMap(overview.gmv.byBrand);
    const brandBefore = asMap(before.gmv.byBrand);
    expect((brand.get('德化白瓷') ?? 0) - (brandBefore.get('德化白瓷') ?? 0)).to.equal(expected.ceramicFen);
    expect((brand.get('三黑三黄三红') ?? 0) - (brandBefore.get('三黑三黄三红') ?? 0)).to.equal(expected.farmFen);
    expect(overview.sessions.liveIds).to.include(evening.id).and.not.include(morning.id);
    expect(overview.sessions.viewers).to.be.at.least(321);
    expect(overview.gmv.perMinute).to.have.length(60);
    expect(overview.gmv.perMinute.reduce((s: number, m: any) => s + m.orders, 0)).to.be.at.least(expected.orders);
    expect(overview.gmv.bySession.find((s: any) => s.key === morning.id)?.label).to.equal('德化白瓷早场');
    // …and the full recomputation from raw records.
    expectMatches(overview, await recompute());
  });

  it('counts an event delivered twice once', async () => {
    const before = await expectOk(await api('GET', '/api/v1/public/overview'));
    const order = await placeOrder(world.cast.stationUser.token, world.ceramic.id, 1);
    const at = new Date();
    await waitFor(
      'the order to count',
      async () => (await api('GET', '/api/v1/public/overview')).body.gmv.ordersTotal === before.gmv.ordersTotal + 1,
    );
    hubEvents.emit('order.placed', {
      orderId: order.id,
      productId: world.ceramic.id,
      enterpriseId: world.cast.enterprise.id,
      sessionId: null,
      quantity: 1,
      amountFen: order.amountFen,
      at,
    });
    await new Promise((r) => setTimeout(r, 300));
    const after = await expectOk(await api('GET', '/api/v1/public/overview'));
    expect(after.gmv.ordersTotal).to.equal(before.gmv.ordersTotal + 1);
    expect(after.gmv.totalFen).to.equal(before.gmv.totalFen + order.amountFen);
  });

  it('a rebuild from the database gives the same figures as the live counters', async () => {
    const { ctx } = await getTestHub();
    const live = await expectOk(await api('GET', '/api/v1/public/overview'));
    const result = await rebuildOverview(ctx);
    expect(result.orders).to.equal(live.gmv.ordersTotal);
    const rebuilt = await expectOk(await api('GET', '/api/v1/public/overview'));
    expect(rebuilt.version).to.be.above(live.version);
    expect(rebuilt.builtAt).to.equal(result.builtAt);
    for (const path of [
      'gmv.totalFen',
      'gmv.todayFen',
      'gmv.ordersToday',
      'gmv.byBrand',
      'gmv.byTownship',
      'gmv.bySession',
      'subsidies',
      'budget',
      'poverty',
      'topProducts',
    ] as const) {
      const pick = (o: any) => path.split('.').reduce((v, k) => v[k], o);
      expect(pick(rebuilt), path).to.deep.equal(pick(live));
    }
    expectMatches(rebuilt, await recompute());
  });

  it('loses no order placed while a rebuild runs', async () => {
    const { ctx } = await getTestHub();
    const before = await expectOk(await api('GET', '/api/v1/public/overview'));
    const placing = (async () => {
      const orders = [];
      for (let i = 0; i < 6; i += 1)
        orders.push(await placeOrder(world.cast.stationUser.token, i % 2 ? world.farm.id : world.ceramic.id, 1));
      return orders;
    })();
    const [orders] = await Promise.all([
      placing,
      rebuildOverview(ctx),
      new Promise((r) => setTimeout(r, 30)).then(() => rebuildOverview(ctx)),
    ]);
    const after = await waitFor('every order to count', async () => {
      const res = await expectOk(await api('GET', '/api/v1/public/overview'));
      return res.gmv.ordersTotal >= before.gmv.ordersTotal + orders.length ? res : null;
    });
    expect(after.gmv.ordersTotal).to.equal(before.gmv.ordersTotal + orders.length);
    expectMatches(after, await recompute());
  });

  it('is documented in OpenAPI and needs no sign-in', async () => {
    const doc = await expectOk(await api('GET', '/api/v1/openapi.json'));
    const op = doc.paths['/api/v1/public/overview'].get;
    expect(op.security).to.deep.equal([]);
    expect(op.responses['200'].content['application/json'].schema).to.exist;
  });
});
