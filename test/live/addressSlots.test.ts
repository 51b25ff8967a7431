import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { AddressSlots } from '../../server/live/media/addressSlots.ts';
import { ROOT } from '../../scripts/services.ts';

/**
 * The per-address media cap across web processes (MEDIASOUP_MAX_TRANSPORTS_PER_ADDRESS): slots live in
 * Redis, so a second process cannot open the address's share again, and a process killed with SIGKILL
 * gives its slots back once they stop being renewed.
 */
describe('media address cap across processes (Redis slots with a renewed expiry)', function () {
  this.timeout(60_000);
  const TTL_MS = 3000;
  // Read when the tests run: the global setup (test/setup/hooks.ts) sets the URL and prefix after files load.
  let redis: Redis;
  before(() => {
    redis = new Redis(process.env.REDIS_URL!);
  });
  after(() => redis.disconnect());

  function startHolder(address: string, count: number, limit: number): Promise<{ child: ChildProcess; taken: number }> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test/support/addressSlotsChild.ts'), address, String(count), String(limit), String(TTL_MS)],
      {
        env: process.env,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve({ child, taken: (JSON.parse(out.split('\n')[0]!) as { taken: number }).taken });
      });
      child.once('exit', (code) => reject(new Error(`slot holder exited (${code}) before it took its slots`)));
    });
  }

  const killed = (child: ChildProcess) =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGKILL')),
    );

  it("a second process gets only what the first left of the share; a killed holder's slots expire and free the address", async () => {
    const address = `198.51.100.${process.pid % 250}`;
    const here = new AddressSlots(redis, process.env.REDIS_PREFIX!, 3, TTL_MS);
    const { child, taken } = await startHolder(address, 2, 3);
    try {
      expect(taken).to.equal(2);
      const mine = await here.take(address);
      expect(mine).to.be.a('string');
      // The address has its share across both processes: refused here though this process holds only one.
      expect(await here.take(address)).to.equal(null);
      expect(await here.count(address)).to.equal(3);
      // The holder keeps renewing: its slots outlive several TTLs while it runs.
      await new Promise((r) => setTimeout(r, TTL_MS * 2));
      expect(await here.count(address)).to.equal(3);
      await killed(child);
      // No renewal any more: within about one TTL the crashed process's slots are gone (bounded wait).
      const deadline = Date.now() + TTL_MS * 10;
      while ((await here.count(address)) > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await here.count(address)).to.equal(1);
      expect(await here.take(address)).to.be.a('string');
      expect(await here.take(address)).to.be.a('string');
      expect(await here.take(address)).to.equal(null);
      // This process's own slots are renewed, not expired.
      await new Promise((r) => setTimeout(r, TTL_MS * 2));
      expect(await here.count(address)).to.equal(3);
    } finally {
      await killed(child);
      await here.close();
    }
    expect(await here.count(address)).to.equal(0);
  });
});
