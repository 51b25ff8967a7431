/**
 * Issue 11.8: SIGTERM during order traffic. A web process (server/main.ts as `npm start` runs it) under a
 * closed loop of buyers is stopped: it must answer what it accepted, refuse the rest cleanly (connection
 * refused, never reset), flush its order queue to the database and exit 0.
 *
 * The buyers share a fixed pool of 16 keep-alive connections, opened before the signal: a new connection is
 * opened only after the hub closed one, which it does only after it stopped listening. A client that opens
 * connections at any moment can race the close itself: Linux resets connections still queued in a listening
 * socket's backlog when it closes, which no server can avoid, so such a test would pass or fail by luck.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import http from 'node:http';
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
    const pool = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const placeOrder = (key: string) =>
      new Promise<{ status: number; body: { id?: string } }>((resolve, reject) => {
        const payload = JSON.stringify({ productId, quantity: 1 });
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/v1/orders',
            method: 'POST',
            agent: pool,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
              authorization: `Bearer ${token}`,
              'idempotency-key': key,
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { id?: string } }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    const buyer = async (n: number) => {
      for (let i = 0; ; i += 1) {
        try {
          const { status, body } = await placeOrder(`sd-${n}-${i}-${Date.now()}`);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 201) acknowledged.push(body.id!);
          if (acknowledged.length >= 200 && !signalled) sigterm();
        } catch (err) {
          const { code, syscall } = err as { code?: string; syscall?: string };
          if (code === 'ECONNREFUSED' && syscall === 'connect') refused += 1;
          else failures.push(`${Date.now() - termAt} ms after SIGTERM: ${syscall ?? ''} ${code ?? ''} ${(err as Error).message}`);
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
    pool.destroy();

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
