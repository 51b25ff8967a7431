import { expect } from 'chai';
import { api, allPersisted, commerceWorld, expectStatus, getLiveHub, placeOrder, signupBuyer } from './commerceSupport.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';
import { countsAsGmv, GMV_STATUSES } from '../../server/commerce/orders/gmv.ts';
import { rebuildOverview } from '../../server/openness/overviewRebuild.ts';
import { buildReport } from '../../server/openness/reports/reportService.ts';
import { forgetOverviewCaches } from '../../server/openness/overviewCounters.ts';
import { shanghaiDate } from '../../server/openness/shanghaiTime.ts';
import { waitFor } from '../openness/scriptedDay.ts';

type World = Awaited<ReturnType<typeof commerceWorld>>;

/** GMV summed here from the raw orders, by the status rule alone (cancelled, expired, refunded are out). */
async function gmvFromRecords() {
  await allPersisted();
  const orders = (await OrderModel.find({}, { amountFen: 1, status: 1, createdAt: 1 }).lean()).filter(
    (o) => !['cancelled', 'expired', 'refunded'].includes(o.status ?? 'placed'),
  );
  const today = shanghaiDate(new Date());
  const todays = orders.filter((o) => shanghaiDate(o.createdAt) === today);
  return {
    totalFen: orders.reduce((s, o) => s + o.amountFen, 0),
    ordersTotal: orders.length,
    todayFen: todays.reduce((s, o) => s + o.amountFen, 0),
    ordersToday: todays.length,
  };
}

const overview = async () => (await expectStatus(await api('GET', '/api/v1/public/overview'), 200)).gmv;
const figures = (g: { totalFen: number; ordersTotal: number; todayFen: number; ordersToday: number }) => ({
  totalFen: g.totalFen,
  ordersTotal: g.ordersTotal,
  todayFen: g.todayFen,
  ordersToday: g.ordersToday,
});

describe('GMV: one definition for the live counters, the rebuild and the reports', function () {
  this.timeout(120_000);
  let w: World;
  let buyer: Awaited<ReturnType<typeof signupBuyer>>;
  const order = async (payment: 'cod' | 'transfer' = 'transfer') =>
    expectStatus(
      await placeOrder(buyer.token, {
        productId: w.product.id,
        quantity: 1,
        delivery: { mode: 'station', stationOrgId: w.cast.station.id },
        payment,
      }),
      201,
    );

  before(async () => {
    const { ctx } = await getLiveHub();
    w = await commerceWorld(50, 8800);
    buyer = await signupBuyer();
    await allPersisted();
    forgetOverviewCaches();
    await rebuildOverview(ctx);
  });

  it('is a pure status rule: awaiting payment to refund requested count, cancelled, expired and refunded do not', () => {
    expect(GMV_STATUSES).to.deep.equal(['placed', 'paid', 'shipped', 'arrived', 'delivered', 'completed', 'refund_requested']);
    expect(countsAsGmv(undefined)).to.equal(true);
    for (const s of ['cancelled', 'expired', 'refunded']) expect(countsAsGmv(s), s).to.equal(false);
  });

  it('a cancelled and a refunded order leave the live counters; a paid one stays; the rebuild and the report agree', async () => {
    const { ctx } = await getLiveHub();
    const before = await overview();
    const [kept, cancelled, refunded] = [await order(), await order(), await order()];
    await waitFor('three orders to count', async () => (await overview()).ordersTotal === before.ordersTotal + 3);
    await expectStatus(
      await api('POST', `/api/v1/orders/${kept.id}/payment`, { token: w.cast.enterpriseUser.token, body: { reference: 'BANK-GMV-1' } }),
      200,
    );
    await expectStatus(await api('POST', `/api/v1/orders/${cancelled.id}/cancel`, { token: buyer.token }), 200);
    await expectStatus(
      await api('POST', `/api/v1/orders/${refunded.id}/payment`, { token: w.cast.enterpriseUser.token, body: { reference: 'BANK-GMV-2' } }),
      200,
    );
    await expectStatus(
      await api('POST', `/api/v1/orders/${refunded.id}/refund-request`, { token: buyer.token, body: { reason: '拍错了' } }),
      200,
    );
    await expectStatus(
      await api('POST', `/api/v1/orders/${refunded.id}/refund`, {
        token: w.cast.enterpriseUser.token,
        body: { reference: 'REFUND-GMV-2' },
      }),
      200,
    );
    const live = await waitFor('both reversals to count', async () => {
      const g = await overview();
      return g.ordersTotal === before.ordersTotal + 1 ? g : null;
    });
    expect(live.totalFen - before.totalFen).to.equal(kept.amountFen);
    expect(live.todayFen - before.todayFen).to.equal(kept.amountFen);
    const truth = await gmvFromRecords();
    expect(figures(live)).to.deep.equal(truth);
    const rebuilt = await rebuildOverview(ctx);
    expect({ orders: rebuilt.orders, totalFen: rebuilt.totalFen }).to.deep.equal({ orders: truth.ordersTotal, totalFen: truth.totalFen });
    expect(figures(await overview())).to.deep.equal(truth);
    const today = shanghaiDate(new Date());
    const report = await buildReport(ctx, { from: today, to: today });
    expect({ orders: report.totals.orders, gmvFen: report.totals.gmvFen }).to.deep.equal({
      orders: truth.ordersToday,
      gmvFen: truth.todayFen,
    });
  });

  it('orders cancelled while a rebuild runs leave GMV exactly once', async () => {
    const { ctx } = await getLiveHub();
    const before = await overview();
    const placed = [];
    for (let i = 0; i < 6; i += 1) placed.push(await order());
    await waitFor('six orders to count', async () => (await overview()).ordersTotal === before.ordersTotal + 6);
    await allPersisted();
    // Cancellations race two rebuilds: some land before a scan reads the order, some after, some after the swap.
    const cancelling = (async () => {
      for (const o of placed.slice(0, 4))
        await expectStatus(await api('POST', `/api/v1/orders/${o.id}/cancel`, { token: buyer.token }), 200);
      await allPersisted();
    })();
    await Promise.all([cancelling, rebuildOverview(ctx), new Promise((r) => setTimeout(r, 40)).then(() => rebuildOverview(ctx))]);
    const truth = await gmvFromRecords();
    expect(truth.ordersTotal).to.equal(before.ordersTotal + 2);
    const live = await waitFor('the counters to settle on the records', async () => {
      const g = await overview();
      return g.ordersTotal === truth.ordersTotal ? g : null;
    });
    expect(figures(live)).to.deep.equal(truth);
  });
});
