/**
 * Issue 11.8: SIGTERM during order traffic. A web process (server/main.ts as `npm start` runs it) under a
 * closed loop of buyers is stopped: it must answer what it accepted, refuse the rest cleanly (connection
 * refused, never reset), flush its order queue to the database and exit 0.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { ROOT, deleteRedisPrefix, freePort } from '../../scripts/services.ts';
import { liveWorld } from './liveSupport.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';

describe('shutdown under load (SIGTERM)', function () {
  this.timeout(120_000);

  it('every order answered 201 is in the database afterwards and no request is reset', async () => {
    const world = await liveWorld({ products: [{ stock: 1_000_000, priceFen: 500 }] });
    const productId = world.products[0]!.id as string;
    const token = world.cast.host.token;
    // A key prefix of its own: the child's persister is the only one that can write these orders.
    const prefix = `${process.env.REDIS_PREFIX}sd`;
    const port = await freePort();
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'server/main.ts')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', HUB_WEB_PROCESSES: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        output += d;
        if (output.includes('Dehua Live Hub is up')) resolve();
      });
      void exited.then((code) => reject(new Error(`web process exited (${code}) before listening: ${output}`)));
    });

    const acknowledged: string[] = [];
    const statuses: Record<string, number> = {};
    const failures: string[] = [];
    let refused = 0;
    let signalled = false;
    let termAt = 0;
    let sigterm!: () => void;
    const enoughLoad = new Promise<void>((resolve) => (sigterm = resolve));
    const buyer = async (n: number) => {
      for (let i = 0; ; i += 1) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/orders`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${token}`,
              'idempotency-key': `sd-${n}-${i}-${Date.now()}`,
            },
            body: JSON.stringify({ productId, quantity: 1 }),
          });
          const body = (await res.json()) as { id?: string };
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status === 201) acknowledged.push(body.id!);
          if (acknowledged.length >= 200 && !signalled) sigterm();
        } catch (err) {
          const code = (err as { cause?: { code?: string } }).cause?.code;
          if (code === 'ECONNREFUSED') refused += 1;
          else
            failures.push(
              `${Date.now() - termAt} ms after SIGTERM: ${code ?? ''} ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? '')}`,
            );
          return;
        }
      }
    };
    const buyers = Promise.all(Array.from({ length: 16 }, (_, n) => buyer(n)));
    await Promise.race([enoughLoad, exited]);
    signalled = true;
    termAt = Date.now();
    child.kill('SIGTERM');
    const [code] = await Promise.all([exited, buyers]);

    expect(failures, 'requests reset or broken').to.deep.equal([]);
    expect(code, output).to.equal(0);
    expect(refused).to.equal(16);
    expect(Object.keys(statuses)).to.deep.equal(['201']);
    expect(acknowledged.length).to.be.greaterThan(200);
    expect(await OrderModel.countDocuments({ _id: { $in: acknowledged } })).to.equal(acknowledged.length);

    const redis = new Redis(process.env.REDIS_URL!);
    expect(await redis.llen(`${prefix}:orders:pending`)).to.equal(0);
    await deleteRedisPrefix(redis, prefix);
    redis.disconnect();
  });
});
