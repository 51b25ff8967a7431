import { expect } from 'chai';
import type { Job } from 'bullmq';
import { api, allPersisted, commerceWorld, expectStatus, getLiveHub, signupBuyer, stock } from './commerceSupport.ts';
import { bookSession, connectLive, liveSession, nextEvent, request } from '../live/liveSupport.ts';
import { processExpiry, type ExpiryJob } from '../../server/commerce/checkout/expiry.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';

describe('live "+1" ordering: reserve from chat, check out, or the reservation expires', function () {
  this.timeout(90_000);

  it('a buyer\'s "+1" reserves the pinned product and opens checkout; the host sees the queue; checkout or expiry follows', async () => {
    const { ctx } = await getLiveHub();
    const w = await commerceWorld(5, 3900);
    const session = await liveSession(w);
    await expectStatus(
      await api('PUT', `/api/v1/sessions/${session.id}/pin`, { token: w.cast.host.token, body: { productId: w.product.id } }),
      200,
    );
    const host = await connectLive(w.cast.host.token);
    expect((await request(host, 'session:join', { sessionId: session.id, role: 'host' })).error).to.equal(undefined);
    const [a, b] = [await signupBuyer(), await signupBuyer()];
    const [sa, sb] = [await connectLive(a.token), await connectLive(b.token)];
    for (const s of [sa, sb])
      expect((await request(s, 'session:join', { sessionId: session.id, role: 'viewer' })).error).to.equal(undefined);

    const opened = nextEvent(sa, 'checkout:open');
    const queued = nextEvent(host, 'plusone:queued');
    const sent = await request(sa, 'chat:send', { text: '+1' });
    if (!sent.data?.reservation) throw new Error(JSON.stringify(sent));
    expect(sent.data.reservation).to.include({ status: 'placed', quantity: 1, awaitingCheckout: true });
    const order = (await opened).order;
    expect((await queued).orderId).to.equal(order.id);
    expect(await stock(w.product.id, a.token)).to.equal(4);
    // Plain chat reserves nothing; staff "+1"s neither.
    expect((await request(sb, 'chat:send', { text: '好漂亮' })).data.reservation).to.equal(undefined);
    expect(await stock(w.product.id, a.token)).to.equal(4);
    const bOpened = nextEvent(sb, 'checkout:open');
    await request(sb, 'chat:send', { text: w.product.name }); // the product's name counts as its keyword
    const bOrder = (await bOpened).order;
    expect(await stock(w.product.id, a.token)).to.equal(3);
    const q = await expectStatus(await api('GET', `/api/v1/sessions/${session.id}/plus-ones`, { token: w.cast.host.token }), 200);
    expect(q.items.map((i: { orderId: string }) => i.orderId)).to.have.members([order.id, bOrder.id]);

    // A checks out with pick-up at the station; the hold's expiry then finds a newer deadline and does nothing.
    expect(
      (
        await api('POST', `/api/v1/orders/${order.id}/checkout`, {
          token: b.token,
          body: { delivery: { mode: 'station', stationOrgId: w.cast.station.id }, payment: 'cod' },
        })
      ).status,
    ).to.equal(404);
    const done = await expectStatus(
      await api('POST', `/api/v1/orders/${order.id}/checkout`, {
        token: a.token,
        body: { delivery: { mode: 'station', stationOrgId: w.cast.station.id }, payment: 'cod' },
      }),
      200,
    );
    expect(done.delivery).to.include({ mode: 'station', stationOrgId: w.cast.station.id });
    expect(done.pickupCode).to.match(/^\d{6}$/);
    expect(await processExpiry({ data: { orderId: order.id } } as Job<ExpiryJob>, ctx)).to.equal('already-moved');
    // B never checks out: its hold expires and the stock comes back, once.
    expect(await processExpiry({ data: { orderId: bOrder.id } } as Job<ExpiryJob>, ctx)).to.equal('expired');
    expect(await processExpiry({ data: { orderId: bOrder.id } } as Job<ExpiryJob>, ctx)).to.equal('already-moved');
    expect(await stock(w.product.id, a.token)).to.equal(4);
    expect(
      (
        await api('POST', `/api/v1/orders/${bOrder.id}/checkout`, {
          token: b.token,
          body: { delivery: { mode: 'station', stationOrgId: w.cast.station.id }, payment: 'cod' },
        })
      ).status,
    ).to.equal(409);

    // The checked-out reservation ships through the station like any order.
    await expectStatus(
      await api('POST', `/api/v1/orders/${order.id}/ship`, { token: w.cast.enterpriseUser.token, body: { viaStation: true } }),
      200,
    );
    await allPersisted();
    expect((await OrderModel.findById(order.id).lean())!.delivery).to.include({ stationOrgId: w.cast.station.id });
    const parcels = await api('GET', '/api/v1/orders?station=1', { token: w.cast.stationUser.token });
    expect(parcels.body.items.map((o: { id: string }) => o.id)).to.include(order.id);
    const stats = await expectStatus(await api('GET', `/api/v1/sessions/${session.id}/analytics`, { token: w.cast.host.token }), 200);
    expect(stats).to.include({ viewers: 2, chatMessages: 3, plusOnes: 2, orders: 1, buyers: 1, paidGmvFen: 0, conversionBp: 5000 });
    expect(stats.products).to.deep.equal([{ productId: w.product.id, name: w.product.name, orders: 1, quantity: 1, paidGmvFen: 0 }]);
    expect((await api('GET', `/api/v1/sessions/${session.id}/analytics`, { token: a.token })).status).to.equal(403);
    for (const s of [host, sa, sb]) s.disconnect();
  });
});

describe('reminders (预约): a viewer subscribed to a scheduled session hears when it goes live', function () {
  this.timeout(60_000);
  it('notifies each subscriber once, in-app', async () => {
    const w = await commerceWorld(5, 100);
    const booked = await expectStatus(await bookSession(w), 201);
    const viewer = await signupBuyer();
    const socket = await connectLive(viewer.token);
    expect(
      (await expectStatus(await api('POST', `/api/v1/sessions/${booked.id}/reminder`, { token: viewer.token }), 200)).subscribed,
    ).to.equal(true);
    const heard = nextEvent(
      socket,
      'notification',
      (n: { kind?: string; sessionId?: string; title?: string }) => n.kind === 'session.live' && n.sessionId === booked.id,
    );
    await expectStatus(await api('POST', `/api/v1/sessions/${booked.id}/start`, { token: w.cast.host.token }), 200);
    expect((await heard).title).to.equal(booked.title);
    expect((await api('POST', `/api/v1/sessions/${booked.id}/reminder`, { token: viewer.token })).status).to.equal(409);
    socket.disconnect();
  });
});
