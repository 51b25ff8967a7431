import http from 'node:http';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, createOrg, createUser } from '../support/factories.ts';
import { createApp } from '../../server/app.ts';
import { createLogger } from '../../server/platform/logger.ts';

const raw = (baseUrl: string, path: string, headers: Record<string, string> = {}) => fetch(baseUrl + path, { headers, redirect: 'manual' });

async function boardCode(token: string): Promise<{ code: string; url: string; expiresIn: number }> {
  const res = await api('POST', '/api/v1/admin/queues/code', { token });
  expect(res.status).to.equal(201);
  return res.body;
}

describe('security: no secrets in logs, a one-time code for the job board (issue 11 items 4 and 9)', () => {
  it('logs of board and API requests carry no token, code, cookie or password', async () => {
    const { ctx } = await getTestHub();
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = createApp(ctx, { logger: createLogger(destination, { level: 'trace' }) });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const bureau = await bureauToken();
      const org = await createOrg('association');
      const user = await createUser('association', org.id);
      const { code } = await boardCode(bureau);
      const cookie = `hub_session=${user.token}; hub_board=board-secret-value`;
      await raw(baseUrl, `/admin/queues?token=${encodeURIComponent(bureau)}`, { cookie });
      await raw(baseUrl, `/admin/queues?token=${encodeURIComponent(bureau)}`, { authorization: `Bearer ${bureau}`, cookie });
      const redirect = await raw(baseUrl, `/admin/queues?code=${code}`);
      const boardCookie = (redirect.headers.get('set-cookie') ?? '').split(';')[0]!;
      await raw(baseUrl, '/admin/queues', { cookie: boardCookie });
      await raw(baseUrl, '/api/v1/auth/me', { authorization: `Bearer ${user.token}`, cookie });
      await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user.username, password: user.password }),
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    const log = lines.join('');
    expect(log).to.include('/admin/queues'); // the requests were logged
    const bureau = await bureauToken();
    const boardValue = /hub_board=/.test(log);
    expect(log).to.not.include(bureau);
    expect(log).to.not.include(bureau.split('.')[2]!); // not even the signature
    expect(log).to.not.include('board-secret-value');
    expect(log).to.not.include('password-123');
    expect(log).to.not.match(/code=(?!\[Redacted\])/);
    expect(log).to.not.match(/eyJ[A-Za-z0-9_-]{10,}/); // no JWT at all
    expect(boardValue).to.equal(false);
  });

  it("the board: a bureau user gets a one-time code; the link sets the board's own HttpOnly cookie (not the JWT); the code works once", async () => {
    const { baseUrl } = await getTestHub();
    const bureau = await bureauToken();
    const { code, url, expiresIn } = await boardCode(bureau);
    expect(url).to.equal(`/admin/queues?code=${code}`);
    expect(expiresIn).to.equal(60);
    const first = await raw(baseUrl, url);
    expect(first.status).to.equal(303);
    expect(first.headers.get('location')).to.equal('/admin/queues');
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie)
      .to.match(/^hub_board=/)
      .and.match(/HttpOnly/i)
      .and.match(/SameSite=Strict/i)
      .and.match(/Path=\/admin\/queues/);
    expect(setCookie).to.not.include(bureau);
    expect(setCookie).to.not.match(/eyJ/);
    const board = await raw(baseUrl, '/admin/queues', { cookie: setCookie.split(';')[0]! });
    expect(board.status).to.equal(200);
    expect(await board.text()).to.match(/<html/i);
    expect((await raw(baseUrl, url)).status).to.equal(401); // spent
    expect((await raw(baseUrl, '/admin/queues')).status).to.equal(401);
    // A JWT in the URL no longer opens the board.
    expect((await raw(baseUrl, `/admin/queues?token=${encodeURIComponent(bureau)}`)).status).to.equal(401);
  });

  it('only bureau users get codes; a bureau Bearer header plus ?token= of another user stores nothing in a cookie', async () => {
    const { baseUrl } = await getTestHub();
    const org = await createOrg('association');
    const user = await createUser('association', org.id);
    expect((await api('POST', '/api/v1/admin/queues/code', { token: user.token })).status).to.equal(403);
    const res = await raw(baseUrl, `/admin/queues?token=${encodeURIComponent(user.token)}`, {
      authorization: `Bearer ${await bureauToken()}`,
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('set-cookie')).to.equal(null);
    // The other user's token alone does not open the board either.
    expect((await raw(baseUrl, `/admin/queues?token=${encodeURIComponent(user.token)}`)).status).to.equal(401);
  });

  it('a board session ends when its bureau user is deactivated', async () => {
    const { baseUrl } = await getTestHub();
    const bureau = await createUser('bureau');
    const { url } = await boardCode(bureau.token);
    const cookie = ((await raw(baseUrl, url)).headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await raw(baseUrl, '/admin/queues', { cookie })).status).to.equal(200);
    expect((await api('PATCH', `/api/v1/users/${bureau.id}`, { token: await bureauToken(), body: { active: false } })).status).to.equal(
      200,
    );
    expect((await raw(baseUrl, '/admin/queues', { cookie })).status).to.equal(401);
  });
});
