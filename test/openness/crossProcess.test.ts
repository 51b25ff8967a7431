import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { io as connectClient } from 'socket.io-client';
import { ROOT } from '../../scripts/services.ts';
import { getScreenHub } from './screenHub.ts';
import { bookAndStart, expectOk, scriptedWorld } from './scriptedDay.ts';
import { api } from '../support/testHub.ts';

const run = promisify(execFile);

describe('openness: events from another process reach the screen', function () {
  this.timeout(60_000);

  it('relays a counter update made in a worker-like process to /screen sockets of the web process', async () => {
    const { baseUrl } = await getScreenHub();
    const world = await scriptedWorld();
    const session = await bookAndStart(world, '跨进程专场', 60_000);
    const socket = connectClient(`${baseUrl}/screen`, { transports: ['websocket'], forceNew: true, reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const viewers = 4000 + Math.floor(Math.random() * 1000);
      const pushed = new Promise<any>((resolve) =>
        socket.on('overview:updates', (batch: any[]) => {
          const push = batch.find((p) => p.kind === 'sessions' && p.viewers >= viewers);
          if (push) resolve(push);
        }),
      );
      // The child has its own hubEvents bus: only Redis connects it to this process.
      await run(process.execPath, ['--import', 'tsx', 'test/openness/otherProcess.ts', session.id, String(viewers)], {
        cwd: ROOT,
        env: process.env,
      });
      const push = await pushed;
      expect(push.liveNow).to.be.at.least(1);
      const overview = await expectOk(await api('GET', '/api/v1/public/overview'));
      expect(overview.sessions.viewers).to.be.at.least(viewers);
      await expectOk(await api('POST', `/api/v1/sessions/${session.id}/end`, { token: world.cast.host.token }));
    } finally {
      socket.close();
    }
  });
});
