/**
 * Start-up failures are one clear message naming what to fix, not a stack trace.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { ROOT, freePort, startRedis } from '../../scripts/services.ts';

function startServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      [path.join(ROOT, 'server/main.ts')],
      // One web process: the errors are the same behind the cluster primary, which only adds a second start-up.
      { env: { ...process.env, LOG_LEVEL: 'silent', HUB_WEB_PROCESSES: '1', ...env }, timeout: 30_000 },
      (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stderr }),
    );
  });
}

describe('start-up errors', function () {
  this.timeout(40_000);

  it('a malformed setting names the variable and the fix', async () => {
    const { code, stderr } = await startServer({ PORT: 'eighty', REDIS_URL: 'http://wrong' });
    expect(code).to.equal(1);
    expect(stderr).to.include('PORT');
    expect(stderr).to.include('REDIS_URL: must start with redis://');
    expect(stderr).to.not.match(/\n\s+at /);
  });

  it('an unreachable MongoDB says where it looked and what to do', async () => {
    const port = await freePort();
    const { code, stderr } = await startServer({ MONGODB_URI: `mongodb://127.0.0.1:${port}/x` });
    expect(code).to.equal(1);
    expect(stderr).to.include(`Cannot reach MongoDB at mongodb://127.0.0.1:${port}/x`);
    expect(stderr).to.include('set MONGODB_URI');
    expect(stderr).to.not.match(/\n\s+at /);
  });

  it('an unreachable Redis says where it looked and what to do', async () => {
    const port = await freePort();
    const { code, stderr } = await startServer({ REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(code).to.equal(1);
    expect(stderr).to.include(`Cannot reach Redis at redis://127.0.0.1:${port}`);
    expect(stderr).to.include('set REDIS_URL');
  });

  it('a Redis that keeps nothing on disk is refused in production, naming the setting to change', async () => {
    const port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-startup-redis-'));
    const redis = await startRedis(dir, port, { persistent: false });
    const { code, stderr } = await startServer({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      NODE_ENV: 'production',
      HUB_JWT_SECRET: 'x'.repeat(40),
      HUB_ADMIN_PASSWORD: 'a-production-password',
      PORT: String(await freePort()),
    });
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
    expect(code).to.equal(1);
    expect(stderr).to.include('REDIS_URL: refused in production');
    expect(stderr).to.include('appendonly yes');
    expect(stderr).to.not.match(/\n\s+at /);
  });
});
