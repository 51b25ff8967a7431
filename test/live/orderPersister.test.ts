import { expect } from 'chai';
import { once } from 'node:events';
import { Types } from 'mongoose';
import { getLiveHub, liveWorld, ordersPersisted } from './liveSupport.ts';
import { OrderPersister, type QueuedOrder } from '../../server/commerce/orders/orderPersister.ts';
import { idempotencyKey, stockKey } from '../../server/commerce/orders/stockLedger.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';
import { AuditEventModel } from '../../server/platform/audit/auditEvent.model.ts';

describe('order write-behind (persister): crash recovery and refused orders', function () {
  this.timeout(30_000);

  const queued = (world: Awaited<ReturnType<typeof liveWorld>>, buyerUserId: string, key: string): QueuedOrder => ({
    _id: String(new Types.ObjectId()),
    productId: world.products[0]!.id,
    enterpriseId: world.cast.enterprise.id,
    buyerUserId,
    quantity: 2,
    unitPriceFen: world.products[0]!.priceFen,
    amountFen: 2 * world.products[0]!.priceFen,
    sessionId: null,
    idempotencyKey: key,
    status: 'placed',
    createdAt: new Date().toISOString(),
  });

  it('a batch left by a persister that stopped heart-beating is written by the next one', async () => {
    const { ctx } = await getLiveHub();
    const prefix = ctx.config.REDIS_PREFIX;
    const world = await liveWorld();
    const order = queued(world, world.cast.auditor.id, `crash-${Date.now()}`);
    // A persister that took a batch and died: registered, its processing list filled, no heartbeat left.
    const dead = `dead-host-1-${Date.now()}`;
    await ctx.redis.sadd(`${prefix}:orders:persisters`, dead);
    await ctx.redis.lpush(`${prefix}:orders:processing:${dead}`, JSON.stringify(order));
    const connection = ctx.redis.duplicate();
    const second = new OrderPersister(connection, prefix, { heartbeatMs: 50, aliveTtlMs: 500 });
    const reclaimed = once(second, 'reclaimed');
    await second.start();
    expect((await reclaimed)[0]).to.deep.equal({ owner: dead, moved: 1 });
    // Either running persister (this one or the hub's) may write it: wait until both saw the queue empty.
    await Promise.all([second.drained(), ordersPersisted()]);
    await second.stop();
    connection.disconnect();
    expect(await OrderModel.exists({ _id: order._id })).to.not.equal(null);
    expect(await ctx.redis.exists(`${prefix}:orders:processing:${dead}`)).to.equal(0);
    expect(await ctx.redis.sismember(`${prefix}:orders:persisters`, dead)).to.equal(0);
  });

  it('a running persister takes over the batch of one that stops heart-beating later (another web process died)', async () => {
    const { ctx } = await getLiveHub();
    const prefix = ctx.config.REDIS_PREFIX;
    const world = await liveWorld();
    const connection = ctx.redis.duplicate();
    const survivor = new OrderPersister(connection, prefix, { heartbeatMs: 50, aliveTtlMs: 500 });
    await survivor.start();
    const order = queued(world, world.cast.auditor.id, `late-crash-${Date.now()}`);
    const dead = `dead-host-2-${Date.now()}`;
    const reclaimed = once(survivor, 'reclaimed');
    await ctx.redis.lpush(`${prefix}:orders:processing:${dead}`, JSON.stringify(order));
    await ctx.redis.sadd(`${prefix}:orders:persisters`, dead);
    expect((await reclaimed)[0]).to.deep.equal({ owner: dead, moved: 1 });
    await Promise.all([survivor.drained(), ordersPersisted()]);
    await survivor.stop();
    connection.disconnect();
    expect(await OrderModel.exists({ _id: order._id })).to.not.equal(null);
  });

  it('an order the database refuses (same buyer and key as a written one) gives its stock back', async () => {
    const { ctx } = await getLiveHub();
    const prefix = ctx.config.REDIS_PREFIX;
    const world = await liveWorld();
    const buyer = world.cast.auditor.id;
    const key = `dup-${Date.now()}`;
    const first = queued(world, buyer, key);
    await OrderModel.collection.insertOne({
      ...first,
      _id: new Types.ObjectId(first._id),
      productId: new Types.ObjectId(first.productId),
      enterpriseId: new Types.ObjectId(first.enterpriseId),
      buyerUserId: new Types.ObjectId(buyer),
      createdAt: new Date(),
    });
    // As if Redis had forgotten the key and sold again: stock taken, key held by the new order, order queued.
    const again = queued(world, buyer, key);
    const before = Number(await ctx.redis.get(stockKey(prefix, again.productId)));
    await ctx.redis.decrby(stockKey(prefix, again.productId), again.quantity);
    await ctx.redis.set(idempotencyKey(prefix, buyer, key), `${again._id}|x`);
    await ctx.redis.lpush(`${prefix}:orders:pending`, JSON.stringify(again));
    await ordersPersisted();
    expect(await OrderModel.exists({ _id: again._id })).to.equal(null);
    expect(Number(await ctx.redis.get(stockKey(prefix, again.productId)))).to.equal(before);
    expect(await ctx.redis.exists(idempotencyKey(prefix, buyer, key))).to.equal(0);
  });

  it('a batch written and audited, then retried (a crash before the queue was cleared), is audited once', async () => {
    const { ctx } = await getLiveHub();
    const prefix = ctx.config.REDIS_PREFIX;
    const world = await liveWorld();
    const order = queued(world, world.cast.auditor.id, `replay-${Date.now()}`);
    // Twice the same batch in a dead persister's list: the second time as if the first writer "crashed" after
    // writing and auditing it, before it cleared its processing list.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const dead = `dead-host-replay-${attempt}-${Date.now()}`;
      await ctx.redis.lpush(`${prefix}:orders:processing:${dead}`, JSON.stringify(order));
      await ctx.redis.sadd(`${prefix}:orders:persisters`, dead);
      const connection = ctx.redis.duplicate();
      const persister = new OrderPersister(connection, prefix, { heartbeatMs: 50, aliveTtlMs: 500 });
      const reclaimed = once(persister, 'reclaimed');
      await persister.start();
      await reclaimed;
      await Promise.all([persister.drained(), ordersPersisted()]);
      await persister.stop();
      connection.disconnect();
    }
    expect(await OrderModel.countDocuments({ _id: order._id })).to.equal(1);
    expect(await AuditEventModel.countDocuments({ action: 'order.place', 'target.id': order._id })).to.equal(1);
  });
});
