import { expect } from 'chai';
import { api, allPersisted, commerceWorld, expectStatus, getLiveHub, placeOrder, signupBuyer, stock } from './commerceSupport.ts';
import { AuditEventModel } from '../../server/platform/audit/auditEvent.model.ts';
import { checkPickupCode, pickupLockKey } from '../../server/commerce/fulfilment/pickupCodeGuard.ts';
import { connectLive, nextEvent } from '../live/liveSupport.ts';

type World = Awaited<ReturnType<typeof commerceWorld>>;

describe('after-sale: refund rejection and the pick-up code limit', function () {
  this.timeout(120_000);
  let w: World;
  let buyer: Awaited<ReturnType<typeof signupBuyer>>;
  const seller = () => w.cast.enterpriseUser.token;
  const station = () => w.cast.stationUser.token;

  /** A paid (bank transfer) order routed to the station, moved on to `upTo`. */
  async function stationOrder(upTo: 'paid' | 'shipped' | 'arrived') {
    const o = await expectStatus(
      await placeOrder(buyer.token, {
        productId: w.product.id,
        quantity: 1,
        delivery: { mode: 'station', stationOrgId: w.cast.station.id },
        payment: 'transfer',
      }),
      201,
    );
    await expectStatus(
      await api('POST', `/api/v1/orders/${o.id}/payment`, { token: seller(), body: { reference: `BANK-${o.id.slice(-6)}` } }),
      200,
    );
    if (upTo !== 'paid')
      await expectStatus(await api('POST', `/api/v1/orders/${o.id}/ship`, { token: seller(), body: { viaStation: true } }), 200);
    if (upTo === 'arrived') await expectStatus(await api('POST', `/api/v1/orders/${o.id}/arrive`, { token: station() }), 200);
    return o as { id: string; pickupCode: string; trackingCode: string };
  }
  const wrongCode = (code: string) => (code === '000000' ? '111111' : '000000');

  before(async () => {
    await getLiveHub();
    w = await commerceWorld(40, 8800);
    buyer = await signupBuyer();
  });

  it('the seller declines a refund with a reason: back to the status before the request, audited, the buyer told, stock untouched', async () => {
    const o = await stationOrder('shipped');
    await expectStatus(
      await api('POST', `/api/v1/orders/${o.id}/refund-request`, { token: buyer.token, body: { reason: '不想要了' } }),
      200,
    );
    // Bad input and the wrong people change nothing.
    const noReason = await api('POST', `/api/v1/orders/${o.id}/refund-reject`, { token: seller(), body: {} });
    expect(noReason.status).to.equal(400);
    expect(noReason.body.error.message).to.include('"reason"');
    expect((await api('POST', `/api/v1/orders/${o.id}/refund-reject`, { token: station(), body: { reason: '不行' } })).status).to.equal(
      403,
    );
    expect((await api('POST', `/api/v1/orders/${o.id}/refund-reject`, { token: buyer.token, body: { reason: '不行' } })).status).to.equal(
      403,
    );
    const stockBefore = await stock(w.product.id, buyer.token);
    const socket = await connectLive(buyer.token);
    const told = nextEvent(
      socket,
      'notification',
      (n: { orderId?: string; event?: string; messageEn?: string }) => n.orderId === o.id && n.event === 'refund_rejected',
    );
    const back = await expectStatus(
      await api('POST', `/api/v1/orders/${o.id}/refund-reject`, { token: seller(), body: { reason: '商品已发出，请签收后再申请' } }),
      200,
    );
    expect(back.status).to.equal('shipped');
    const notice = await told;
    expect(notice).to.include({ status: 'shipped', message: '商家未同意退款：商品已发出，请签收后再申请' });
    expect(notice.messageEn).to.equal('The seller declined the refund: 商品已发出，请签收后再申请');
    socket.disconnect();
    expect(back.history.map((h: { status: string }) => h.status).slice(-2)).to.deep.equal(['refund_requested', 'shipped']);
    expect(await stock(w.product.id, buyer.token)).to.equal(stockBefore);
    // Declining twice: there is no request any more.
    const again = await api('POST', `/api/v1/orders/${o.id}/refund-reject`, { token: seller(), body: { reason: '重复点击' } });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('wrong_state');
    // The order carries on: arrival, and the tracking page shows the declined request with its reason.
    await expectStatus(await api('POST', `/api/v1/orders/${o.id}/arrive`, { token: station() }), 200);
    const tracking = await expectStatus(await api('GET', `/api/v1/public/orders/${o.id}/tracking?code=${o.trackingCode}`), 200);
    expect(tracking.history.find((h: { event?: string }) => h.event === 'refund_rejected')).to.include({
      status: 'shipped',
      note: '商品已发出，请签收后再申请',
    });
    await allPersisted();
    const audit = await AuditEventModel.find({ 'target.id': o.id }).lean();
    expect(audit.map((e) => e.action)).to.include.members(['order.refund_requested', 'order.refund_rejected', 'order.arrived']);
  });

  it('a paid order whose refund is declined is paid again; a refund and a rejection at once: exactly one wins', async () => {
    for (let i = 0; i < 3; i += 1) {
      const o = await stationOrder('paid');
      await expectStatus(
        await api('POST', `/api/v1/orders/${o.id}/refund-request`, { token: buyer.token, body: { reason: '拍多了' } }),
        200,
      );
      const before = await stock(w.product.id, buyer.token);
      const [refund, reject] = await Promise.all([
        api('POST', `/api/v1/orders/${o.id}/refund`, { token: seller(), body: { reference: `RF-${i}-XYZ` } }),
        api('POST', `/api/v1/orders/${o.id}/refund-reject`, { token: seller(), body: { reason: '已备货' } }),
      ]);
      expect([refund.status, reject.status].sort()).to.deep.equal([200, 409]);
      const final = await expectStatus(await api('GET', `/api/v1/orders/${o.id}`, { token: buyer.token }), 200);
      if (refund.status === 200) {
        expect(final.status).to.equal('refunded');
        expect(await stock(w.product.id, buyer.token)).to.equal(before + 1);
      } else {
        expect(final.status).to.equal('paid');
        expect(await stock(w.product.id, buyer.token)).to.equal(before);
      }
    }
  });

  it('rejection racing the station hand-over: a parcel is never handed over while its refund is pending, and ends in one consistent state', async () => {
    for (let i = 0; i < 4; i += 1) {
      const o = await stationOrder('arrived');
      await expectStatus(
        await api('POST', `/api/v1/orders/${o.id}/refund-request`, { token: buyer.token, body: { reason: '到站太慢' } }),
        200,
      );
      const [reject, pickup] = await Promise.all([
        api('POST', `/api/v1/orders/${o.id}/refund-reject`, { token: seller(), body: { reason: '包裹已到站' } }),
        api('POST', `/api/v1/orders/${o.id}/pickup`, { token: station(), body: { pickupCode: o.pickupCode } }),
      ]);
      expect(reject.status).to.equal(200);
      const statuses = (await expectStatus(await api('GET', `/api/v1/orders/${o.id}`, { token: buyer.token }), 200)).history.map(
        (h: { status: string }) => h.status,
      );
      if (pickup.status === 200) expect(statuses.slice(-3)).to.deep.equal(['refund_requested', 'arrived', 'delivered']);
      else {
        // The hand-over came while the request was pending: refused, the parcel waits at the station.
        expect(pickup.status).to.equal(409);
        expect(statuses.slice(-2)).to.deep.equal(['refund_requested', 'arrived']);
        await expectStatus(
          await api('POST', `/api/v1/orders/${o.id}/pickup`, { token: station(), body: { pickupCode: o.pickupCode } }),
          200,
        );
      }
    }
  });

  it('wrong pick-up codes are limited per order: the fifth wrong one locks the hand-over, even racing guesses cannot pass it', async () => {
    const { ctx } = await getLiveHub();
    const max = ctx.config.HUB_PICKUP_MAX_WRONG_CODES;
    const o = await stationOrder('arrived');
    const other = await stationOrder('arrived');
    const first = await api('POST', `/api/v1/orders/${o.id}/pickup`, { token: station(), body: { pickupCode: wrongCode(o.pickupCode) } });
    expect(first.status).to.equal(400);
    expect(first.body.error).to.deep.include({ code: 'pickup_code_wrong' });
    expect(first.body.error.params).to.include({ field: 'pickupCode', triesLeft: max - 1 });
    // The rest of the allowance and more, all at once: exactly the allowance is answered "wrong", the rest "locked".
    const burst = await Promise.all(
      Array.from({ length: max + 3 }, () =>
        api('POST', `/api/v1/orders/${o.id}/pickup`, { token: station(), body: { pickupCode: wrongCode(o.pickupCode) } }),
      ),
    );
    expect(burst.filter((r) => r.status === 400)).to.have.length(max - 2);
    const locked = burst.filter((r) => r.status === 429);
    expect(locked).to.have.length(5);
    expect(locked[0]!.body.error.code).to.equal('pickup_locked');
    expect(Number(locked[0]!.headers.get('retry-after'))).to.be.within(1, ctx.config.HUB_PICKUP_LOCK_SECONDS);
    // Locked: the right code is refused too, and the parcel stays at the station.
    const right = await api('POST', `/api/v1/orders/${o.id}/pickup`, { token: station(), body: { pickupCode: o.pickupCode } });
    expect(right.status).to.equal(429);
    expect((await expectStatus(await api('GET', `/api/v1/orders/${o.id}`, { token: buyer.token }), 200)).status).to.equal('arrived');
    // Another order is not affected.
    expect(
      (
        await expectStatus(
          await api('POST', `/api/v1/orders/${other.id}/pickup`, { token: station(), body: { pickupCode: other.pickupCode } }),
          200,
        )
      ).status,
    ).to.equal('delivered');
    // Once the lock lapses (ended here rather than waited for), the right code hands over.
    await ctx.redis.del(pickupLockKey(ctx.config.REDIS_PREFIX, o.id));
    expect(
      (
        await expectStatus(
          await api('POST', `/api/v1/orders/${o.id}/pickup`, { token: station(), body: { pickupCode: o.pickupCode } }),
          200,
        )
      ).status,
    ).to.equal('delivered');
  });

  it('a right code clears the wrong-code count; guesses by others or at a parcel not yet arrived count nothing', async () => {
    const { ctx } = await getLiveHub();
    const max = ctx.config.HUB_PICKUP_MAX_WRONG_CODES;
    const o = await stationOrder('shipped');
    for (let i = 0; i < max + 1; i += 1) {
      expect(
        (await api('POST', `/api/v1/orders/${o.id}/pickup`, { token: station(), body: { pickupCode: wrongCode(o.pickupCode) } })).status,
      ).to.equal(409);
    }
    await expectStatus(await api('POST', `/api/v1/orders/${o.id}/arrive`, { token: station() }), 200);
    for (let i = 0; i < max + 1; i += 1) {
      expect(
        (await api('POST', `/api/v1/orders/${o.id}/pickup`, { token: seller(), body: { pickupCode: wrongCode(o.pickupCode) } })).status,
      ).to.equal(403);
    }
    const wrong = await api('POST', `/api/v1/orders/${o.id}/pickup`, { token: station(), body: { pickupCode: wrongCode(o.pickupCode) } });
    expect(wrong.body.error.params.triesLeft).to.equal(max - 1);
    // The guard itself: wrong codes up to one short of the limit, then the right one, and the count starts again.
    const limits = { maxWrong: max, lockSeconds: 60 };
    const id = `guard-${o.id}`;
    for (let i = 0; i < max - 1; i += 1) {
      await checkPickupCode(ctx.redis, ctx.config.REDIS_PREFIX, id, '000001', '123456', limits).catch((err: { code: string }) =>
        expect(err.code).to.equal('pickup_code_wrong'),
      );
    }
    await checkPickupCode(ctx.redis, ctx.config.REDIS_PREFIX, id, '123456', '123456', limits);
    const after = await checkPickupCode(ctx.redis, ctx.config.REDIS_PREFIX, id, '000001', '123456', limits).catch(
      (err: { details: { triesLeft: number } }) => err.details.triesLeft,
    );
    expect(after).to.equal(max - 1);
  });
});
