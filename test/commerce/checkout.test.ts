import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import {
  api,
  allPersisted,
  commerceWorld,
  courierAddress,
  expectStatus,
  getLiveHub,
  placeOrder,
  signupBuyer,
  stock,
} from './commerceSupport.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';
import { ProductModel } from '../../server/commerce/products/product.model.ts';
import { AuditEventModel } from '../../server/platform/audit/auditEvent.model.ts';
import { ORDER_EXPIRY_QUEUE, expiryJobId, processExpiry, type ExpiryJob } from '../../server/commerce/checkout/expiry.ts';
import { queueOptions } from '../../server/platform/queues.ts';
import { connectLive, nextEvent } from '../live/liveSupport.ts';

type World = Awaited<ReturnType<typeof commerceWorld>>;

describe('checkout: delivery, payment, order states, expiry and races', function () {
  this.timeout(120_000);
  let w: World;
  let buyer: Awaited<ReturnType<typeof signupBuyer>>;
  const seller = () => w.cast.enterpriseUser.token;
  const station = () => w.cast.stationUser.token;
  const viaStation = () => ({ mode: 'station', stationOrgId: w.cast.station.id });

  before(async () => {
    await getLiveHub();
    w = await commerceWorld(20, 8800);
    buyer = await signupBuyer();
  });

  it("a buyer's order needs delivery and payment; bad addresses and quantities are 400 naming the field and sell nothing", async () => {
    const p = w.product.id;
    const cases: [Record<string, unknown>, string][] = [
      [{ productId: p, quantity: 1, payment: 'cod' }, 'delivery'],
      [{ productId: p, quantity: 1, delivery: viaStation() }, 'payment'],
      [{ productId: p, quantity: 1, delivery: viaStation(), payment: 'bitcoin' }, 'payment'],
      [{ productId: p, quantity: 0, delivery: viaStation(), payment: 'cod' }, 'quantity'],
      [
        { productId: p, quantity: 1, delivery: { mode: 'courier', address: { ...courierAddress, township: '厦门' } }, payment: 'cod' },
        'delivery.address.township',
      ],
      [
        { productId: p, quantity: 1, delivery: { mode: 'courier', address: { ...courierAddress, village: '某某地方' } }, payment: 'cod' },
        'delivery.address.village',
      ],
      [
        { productId: p, quantity: 1, delivery: { mode: 'courier', address: { ...courierAddress, phone: '110' } }, payment: 'cod' },
        'delivery.address.phone',
      ],
      [
        { productId: p, quantity: 1, delivery: { mode: 'station', stationOrgId: w.cast.enterprise.id }, payment: 'cod' },
        'delivery.stationOrgId',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await placeOrder(buyer.token, body);
      expect(res.status, field).to.equal(400);
      expect(res.body.error.message, field).to.include(`"${field}"`);
    }
    expect(await stock(p, buyer.token)).to.equal(20);
  });

  it('station pick-up with cash on delivery: placed → shipped → arrived → delivered → completed, each notified and audited', async () => {
    const socket = await connectLive(buyer.token);
    const placed = await expectStatus(
      await placeOrder(buyer.token, { productId: w.product.id, quantity: 2, delivery: viaStation(), payment: 'cod' }),
      201,
    );
    expect(placed).to.include({ status: 'placed', amountFen: 17600 });
    expect(placed.payment).to.include({ method: 'cod', status: 'due' });
    expect(placed.pickupCode).to.match(/^\d{6}$/);
    expect(placed.expiresAt).to.equal(null);
    const id = placed.id as string;
    // The seller sees no pick-up code; the station may not ship; a stranger buyer sees nothing.
    expect((await api('GET', `/api/v1/orders/${id}`, { token: seller() })).body.pickupCode).to.equal(undefined);
    expect((await api('POST', `/api/v1/orders/${id}/ship`, { token: station(), body: { viaStation: true } })).status).to.equal(403);
    const shippedEvent = nextEvent(
      socket,
      'notification',
      (n: { orderId?: string; status?: string; message?: string }) => n.orderId === id && n.status === 'shipped',
    );
    const shipped = await expectStatus(
      await api('POST', `/api/v1/orders/${id}/ship`, { token: seller(), body: { viaStation: true } }),
      200,
    );
    expect(shipped.status).to.equal('shipped');
    expect((await shippedEvent).message).to.be.a('string');
    expect(
      (await api('POST', `/api/v1/orders/${id}/pickup`, { token: station(), body: { pickupCode: placed.pickupCode } })).status,
    ).to.equal(409);
    expect((await api('POST', `/api/v1/orders/${id}/arrive`, { token: seller() })).status).to.equal(403);
    expect((await expectStatus(await api('POST', `/api/v1/orders/${id}/arrive`, { token: station() }), 200)).status).to.equal('arrived');
    const wrong = await api('POST', `/api/v1/orders/${id}/pickup`, {
      token: station(),
      body: { pickupCode: placed.pickupCode === '000000' ? '111111' : '000000' },
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.code).to.equal('pickup_code_wrong');
    const picked = await expectStatus(
      await api('POST', `/api/v1/orders/${id}/pickup`, { token: station(), body: { pickupCode: placed.pickupCode } }),
      200,
    );
    expect(picked.status).to.equal('delivered');
    expect(picked.payment).to.include({ status: 'collected', paidFen: 17600 });
    const done = await expectStatus(await api('POST', `/api/v1/orders/${id}/complete`, { token: buyer.token }), 200);
    expect(done.history.map((h: { status: string }) => h.status)).to.deep.equal(['placed', 'shipped', 'arrived', 'delivered', 'completed']);
    expect(done.history.every((h: { at: string; by: string }) => h.at && h.by)).to.equal(true);
    socket.disconnect();

    await allPersisted();
    const stored = await OrderModel.findById(id).lean();
    expect(stored!.status).to.equal('completed');
    const audited = await AuditEventModel.find({ 'target.id': id }).lean();
    expect(audited.map((e) => e.action)).to.include.members(['order.shipped', 'order.arrived', 'order.delivered', 'order.completed']);
    const throughput = await api('GET', `/api/v1/stations/${w.cast.station.id}/throughput`);
    expect(throughput.body.totalParcels).to.be.at.least(1);
    const parcels = await api('GET', '/api/v1/orders?station=1', { token: station() });
    expect(parcels.body.items.map((o: { id: string }) => o.id)).to.include(id);
  });

  it('bank transfer to the door: must be paid before shipping; the seller confirms with the reference; two confirmations at once pay once', async () => {
    const placed = await expectStatus(
      await placeOrder(buyer.token, {
        productId: w.product.id,
        quantity: 1,
        delivery: { mode: 'courier', address: courierAddress },
        payment: 'transfer',
      }),
      201,
    );
    expect(placed.payment).to.include({ method: 'transfer', status: 'unpaid' });
    expect(placed.expiresAt).to.be.a('string');
    const id = placed.id as string;
    const early = await api('POST', `/api/v1/orders/${id}/ship`, { token: seller(), body: { carrier: '顺丰', waybillNo: 'SF1234567890' } });
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal('not_paid');
    expect((await api('POST', `/api/v1/orders/${id}/payment`, { token: seller(), body: {} })).status).to.equal(400);
    const tabs = await Promise.all(
      [1, 2].map((i) => api('POST', `/api/v1/orders/${id}/payment`, { token: seller(), body: { reference: `BANK-REF-${i}` } })),
    );
    expect(tabs.map((r) => r.status).sort()).to.deep.equal([200, 409]);
    const order = await expectStatus(await api('GET', `/api/v1/orders/${id}`, { token: buyer.token }), 200);
    expect(order.history.filter((h: { status: string }) => h.status === 'paid')).to.have.length(1);
    expect(order.payment.status).to.equal('paid');
    const viaStationForDoor = await api('POST', `/api/v1/orders/${id}/ship`, { token: seller(), body: { viaStation: true } });
    expect(viaStationForDoor.status).to.equal(400);
    expect(
      (
        await expectStatus(
          await api('POST', `/api/v1/orders/${id}/ship`, { token: seller(), body: { carrier: '顺丰', waybillNo: 'SF1234567890' } }),
          200,
        )
      ).shipment,
    ).to.include({ waybillNo: 'SF1234567890' });
    expect((await expectStatus(await api('POST', `/api/v1/orders/${id}/deliver`, { token: seller() }), 200)).status).to.equal('delivered');
  });

  it('a buyer never sees or changes another buyer\'s order (404), and sees only its own in "my orders"', async () => {
    const other = await signupBuyer();
    const mine = await expectStatus(
      await placeOrder(buyer.token, { productId: w.product.id, quantity: 1, delivery: viaStation(), payment: 'cod' }),
      201,
    );
    expect((await api('GET', `/api/v1/orders/${mine.id}`, { token: other.token })).status).to.equal(404);
    expect((await api('POST', `/api/v1/orders/${mine.id}/cancel`, { token: other.token })).status).to.equal(404);
    expect((await api('POST', `/api/v1/orders/${mine.id}/complete`, { token: other.token })).status).to.equal(404);
    expect(
      (await api('POST', `/api/v1/orders/${mine.id}/refund-request`, { token: other.token, body: { reason: '不想要了' } })).status,
    ).to.equal(404);
    await allPersisted();
    expect((await api('GET', '/api/v1/me/orders', { token: other.token })).body.items).to.have.length(0);
    expect((await api('GET', '/api/v1/orders', { token: other.token })).body.items).to.have.length(0);
    const listed = await api('GET', '/api/v1/orders?mine=1', { token: buyer.token });
    expect(listed.body.items.map((o: { id: string }) => o.id)).to.include(mine.id);
    expect(listed.body.items.every((o: { buyerUserId: string }) => o.buyerUserId === buyer.id)).to.equal(true);
    // Cancelling gives the stock back once.
    const before = await stock(w.product.id, buyer.token);
    const cancels = await Promise.all([1, 2].map(() => api('POST', `/api/v1/orders/${mine.id}/cancel`, { token: buyer.token })));
    expect(cancels.map((r) => r.status).sort()).to.deep.equal([200, 409]);
    expect(await stock(w.product.id, buyer.token)).to.equal(before + 1);
  });

  it('expiry (the BullMQ delayed job) racing payment: exactly one happens, and stock comes back at most once', async () => {
    const { ctx } = await getLiveHub();
    const options = queueOptions(ctx.config);
    const queue = new Queue<ExpiryJob>(ORDER_EXPIRY_QUEUE, options);
    const events = new QueueEvents(ORDER_EXPIRY_QUEUE, { connection: options.connection, prefix: options.prefix });
    const worker = new Worker<ExpiryJob>(ORDER_EXPIRY_QUEUE, (job) => processExpiry(job, ctx), {
      connection: options.connection,
      prefix: options.prefix,
    });
    try {
      await events.waitUntilReady();
      // Expiry alone, through the real delayed job (promoted instead of waiting 15 minutes).
      const lonely = await expectStatus(
        await placeOrder(buyer.token, { productId: w.product.id, quantity: 3, delivery: viaStation(), payment: 'transfer' }),
        201,
      );
      const left = await stock(w.product.id, buyer.token);
      const job = (await queue.getJob(expiryJobId(lonely.id)))!;
      expect(job.delay).to.equal(ctx.config.HUB_ORDER_PAYMENT_TIMEOUT_SECONDS * 1000);
      await job.promote();
      expect(await job.waitUntilFinished(events, 30_000)).to.equal('expired');
      expect(await stock(w.product.id, buyer.token)).to.equal(left + 3);
      const expired = await expectStatus(await api('GET', `/api/v1/orders/${lonely.id}`, { token: buyer.token }), 200);
      expect(expired.status).to.equal('expired');
      expect(expired.history.at(-1)).to.include({ status: 'expired', by: 'system' });
      expect(
        (await api('POST', `/api/v1/orders/${lonely.id}/payment`, { token: seller(), body: { reference: 'LATE-PAY-1' } })).status,
      ).to.equal(409);
      // A second run of the job (a retry) changes nothing.
      expect(await processExpiry({ data: { orderId: lonely.id } } as Job<ExpiryJob>, ctx)).to.equal('already-moved');
      expect(await stock(w.product.id, buyer.token)).to.equal(left + 3);

      // Racing: 10 orders, each expired and paid at the same moment.
      for (let i = 0; i < 10; i += 1) {
        const o = await expectStatus(
          await placeOrder(buyer.token, { productId: w.product.id, quantity: 1, delivery: viaStation(), payment: 'transfer' }),
          201,
        );
        const before = await stock(w.product.id, buyer.token);
        const [expiry, pay] = await Promise.all([
          processExpiry({ data: { orderId: o.id } } as Job<ExpiryJob>, ctx),
          api('POST', `/api/v1/orders/${o.id}/payment`, { token: seller(), body: { reference: `RACE-${i}-REF` } }),
        ]);
        const final = (await api('GET', `/api/v1/orders/${o.id}`, { token: buyer.token })).body;
        if (expiry === 'expired') {
          expect(pay.status).to.equal(409);
          expect(final.status).to.equal('expired');
          expect(await stock(w.product.id, buyer.token)).to.equal(before + 1);
        } else {
          expect(pay.status).to.equal(200);
          expect(final.status).to.equal('paid');
          expect(await stock(w.product.id, buyer.token)).to.equal(before);
        }
        expect(final.history.filter((h: { status: string }) => ['paid', 'expired'].includes(h.status))).to.have.length(1);
      }
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
    await allPersisted();
    const product = await ProductModel.findById(w.product.id).lean();
    expect(product!.stock).to.equal(await stock(w.product.id, buyer.token));
  });

  it('refund racing delivery: pick-up and a refund request at the same moment, exactly one wins; refunded returns stock once', async () => {
    for (let i = 0; i < 5; i += 1) {
      const o = await expectStatus(
        await placeOrder(buyer.token, { productId: w.product.id, quantity: 1, delivery: viaStation(), payment: 'transfer' }),
        201,
      );
      await expectStatus(
        await api('POST', `/api/v1/orders/${o.id}/payment`, { token: seller(), body: { reference: `PAID-${i}-XX` } }),
        200,
      );
      await expectStatus(await api('POST', `/api/v1/orders/${o.id}/ship`, { token: seller(), body: { viaStation: true } }), 200);
      await expectStatus(await api('POST', `/api/v1/orders/${o.id}/arrive`, { token: station() }), 200);
      const [pickup, refund] = await Promise.all([
        api('POST', `/api/v1/orders/${o.id}/pickup`, { token: station(), body: { pickupCode: o.pickupCode } }),
        api('POST', `/api/v1/orders/${o.id}/refund-request`, { token: buyer.token, body: { reason: '到站太慢' } }),
      ]);
      // The refund request always lands (before pick-up, or as an after-sale request once delivered); the
      // pick-up either happened first or is refused: never both in the other order, never twice.
      expect(refund.status).to.equal(200);
      const statuses = (await api('GET', `/api/v1/orders/${o.id}`, { token: buyer.token })).body.history.map(
        (h: { status: string }) => h.status,
      );
      if (pickup.status === 200) expect(statuses.slice(-2)).to.deep.equal(['delivered', 'refund_requested']);
      else {
        expect(pickup.status).to.equal(409);
        expect(statuses).to.not.include('delivered');
        expect(statuses.at(-1)).to.equal('refund_requested');
      }
      const before = await stock(w.product.id, buyer.token);
      const refunds = await Promise.all(
        [1, 2].map(() => api('POST', `/api/v1/orders/${o.id}/refund`, { token: seller(), body: { reference: `REFUND-${i}-X` } })),
      );
      expect(refunds.map((r) => r.status).sort()).to.deep.equal([200, 409]);
      const refunded = refunds.find((r) => r.status === 200)!.body;
      expect(refunded.status).to.equal('refunded');
      expect(refunded.payment).to.include({ status: 'refunded', refundedFen: 8800 });
      expect(await stock(w.product.id, buyer.token)).to.equal(before + 1);
      // A pick-up after the refund is refused.
      expect(
        (await api('POST', `/api/v1/orders/${o.id}/pickup`, { token: station(), body: { pickupCode: o.pickupCode } })).status,
      ).to.equal(409);
    }
  });

  it('orders of other roles (a bureau user here) without checkout keep working as before', async () => {
    const res = await placeOrder(w.cast.bureau.token, { productId: w.product.id, quantity: 1 }, randomUUID());
    expect(res.status).to.equal(201);
    expect(res.body.status).to.equal('placed');
    const got = await expectStatus(await api('GET', `/api/v1/orders/${res.body.id}`, { token: w.cast.bureau.token }), 200);
    expect(got).to.include({ status: 'placed', delivery: null, payment: null });
  });
});
