import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ROOT, freePort, waitForPort } from '../../scripts/services.ts';
import { sessionSlot } from '../../server/webCluster.ts';

/**
 * A web process killed while the primary hands it a connection (server/webCluster.ts): the connection is
 * closed, so the client sees it and retries, instead of waiting forever for an answer (what stalled
 * `npm run chaos`: the primary kept its copy of the socket open, waiting for the dead process's ack).
 * The process is stopped (SIGSTOP) first, so the hand-off is certainly in flight when it is killed.
 */
describe('web cluster: a connection handed to a web process that dies is closed, not left hanging', function () {
  this.timeout(240_000);
  let primary: ChildProcess | null = null;
  let port = 0;

  before(async () => {
    port = await freePort();
    primary = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', HUB_WEB_PROCESSES: '2', HUB_RTMP_PORT: '0', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    process.once('exit', () => primary?.kill('SIGKILL'));
    await waitForPort('127.0.0.1', port, 'the web cluster', 180_000, primary);
  });

  after(async () => {
    const child = primary;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // SIGTERM: the primary stops its web processes itself (a SIGKILL would leave them writing to a closed channel).
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 60_000).unref();
    });
  });

  /** The web process in slot `index` (its HUB_WEB_PROCESS_INDEX), a child of the primary. */
  function webProcess(index: number): number {
    const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(primary!.pid)])
      .toString()
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter(Boolean);
    const pid = pids.find((p) => readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').includes(`HUB_WEB_PROCESS_INDEX=${index}`));
    if (!pid) throw new Error(`no web process in slot ${index} among ${pids.join(', ')}`);
    return pid;
  }

  /** A request whose outcome is either an answer or the connection closing; never a hang past `boundMs`. */
  function get(pathAndQuery: string, boundMs: number): Promise<string> {
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: pathAndQuery, agent: false }, (res) => {
        res.resume();
        res.once('end', () => resolve(`answered ${res.statusCode}`));
        res.once('error', () => resolve('closed'));
      });
      req.once('error', () => resolve('closed'));
      req.setTimeout(boundMs, () => {
        resolve('no answer');
        req.destroy();
      });
    });
  }

  it('SIGKILL of the web process holding a handed connection closes that connection', async () => {
    // A session id the primary routes to slot 1, so the request goes to the process that is stopped below.
    let session = '';
    for (let i = 0; session === '' || sessionSlot(session, 2) !== 1; i += 1) session = i.toString(16).padStart(24, '0');
    const target = webProcess(1);
    process.kill(target, 'SIGSTOP');
    let outcome: Promise<string>;
    try {
      outcome = get(`/api/v1/health?session=${session}`, 60_000);
      // The primary hands the connection over as soon as it has read the request line; the stopped process cannot take it.
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      process.kill(target, 'SIGKILL');
    }
    expect(await outcome).to.equal('closed');
    // The slot's process is started again and serves the session's connections.
    await waitForAnswer(`/api/v1/health?session=${session}`);
  });

  async function waitForAnswer(route: string) {
    for (let attempt = 0; attempt < 120; attempt += 1) {
      if ((await get(route, 30_000)).startsWith('answered')) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`no answer on ${route} after the web process restarted`);
  }
});
