import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import { api } from '../support/testHub.ts';
import { bureauToken, createOrg, createUser, login } from '../support/factories.ts';
import { connectLive } from '../live/liveSupport.ts';

const disconnected = (socket: Socket) => new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
const me = (token: string) => api('GET', '/api/v1/auth/me', { token });

describe('security: deactivation, sign-out and password changes take effect at once (issue 11 item 5)', () => {
  it('PATCH /users/:id {active: false}: 200 the user; their tokens stop working and their live sockets close at once', async () => {
    const org = await createOrg('association');
    const user = await createUser('association', org.id);
    const second = await login(user.username, user.password);
    const socket = await connectLive(user.token);
    const closed = disconnected(socket);
    expect((await me(user.token)).status).to.equal(200);

    const res = await api('PATCH', `/api/v1/users/${user.id}`, { token: await bureauToken(), body: { active: false } });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ id: user.id, active: false, username: user.username });
    expect(res.body).to.not.have.property('passwordHash');

    for (const token of [user.token, second]) {
      const after = await me(token);
      expect(after.status).to.equal(401);
      expect(after.body.error.code).to.equal('unauthenticated');
    }
    expect((await api('POST', '/api/v1/bases', { token: user.token, body: { name: '基地' } })).status).to.equal(401);
    expect(await closed).to.equal('io server disconnect');
    // A new socket with the old token is refused.
    let refused = false;
    await connectLive(user.token).catch(() => (refused = true));
    expect(refused).to.equal(true);
    expect((await api('POST', '/api/v1/auth/login', { body: { username: user.username, password: user.password } })).status).to.equal(401);

    // Re-activated: old tokens stay dead, a new sign-in works.
    const back = await api('PATCH', `/api/v1/users/${user.id}`, { token: await bureauToken(), body: { active: true } });
    expect(back.status).to.equal(200);
    expect(back.body.active).to.equal(true);
    expect((await me(user.token)).status).to.equal(401);
    expect((await me(await login(user.username, user.password))).status).to.equal(200);
  });

  it('PATCH /users/:id {password}: the old password and old tokens stop working, the new password signs in', async () => {
    const org = await createOrg('enterprise');
    const user = await createUser('enterprise', org.id);
    const res = await api('PATCH', `/api/v1/users/${user.id}`, { token: await bureauToken(), body: { password: 'brand-new-pass-1' } });
    expect(res.status).to.equal(200);
    expect((await me(user.token)).status).to.equal(401);
    expect((await api('POST', '/api/v1/auth/login', { body: { username: user.username, password: user.password } })).status).to.equal(401);
    expect((await me(await login(user.username, 'brand-new-pass-1'))).status).to.equal(200);
  });

  it('PATCH /users/:id: bureau only, validated, a bureau user cannot deactivate themselves', async () => {
    const org = await createOrg('association');
    const user = await createUser('association', org.id);
    const other = await createUser('association', org.id);
    expect((await api('PATCH', `/api/v1/users/${other.id}`, { token: user.token, body: { active: false } })).status).to.equal(403);
    const bad = await api('PATCH', `/api/v1/users/${other.id}`, { token: await bureauToken(), body: { active: 'no' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.include('active');
    const short = await api('PATCH', `/api/v1/users/${other.id}`, { token: await bureauToken(), body: { password: 'short' } });
    expect(short.status).to.equal(400);
    expect(short.body.error.message).to.include('password');
    expect(
      (await api('PATCH', '/api/v1/users/6650a1b2c3d4e5f601234567', { token: await bureauToken(), body: { active: false } })).status,
    ).to.equal(404);
    const bureau = await createUser('bureau');
    const self = await api('PATCH', `/api/v1/users/${bureau.id}`, { token: bureau.token, body: { active: false } });
    expect(self.status).to.equal(409);
    expect(self.body.error.code).to.equal('cannot_deactivate_self');
    expect((await me(other.token)).status).to.equal(200);
  });

  it("POST /auth/logout: 204; that token stops working and its live socket closes; the user's other tokens keep working", async () => {
    const org = await createOrg('association');
    const user = await createUser('association', org.id);
    const other = await login(user.username, user.password);
    const socket = await connectLive(user.token);
    const otherSocket = await connectLive(other);
    const closed = disconnected(socket);
    const res = await api('POST', '/api/v1/auth/logout', { token: user.token });
    expect(res.status).to.equal(204);
    expect((await me(user.token)).status).to.equal(401);
    expect(await closed).to.equal('io server disconnect');
    expect((await me(other)).status).to.equal(200);
    expect(otherSocket.connected).to.equal(true);
    otherSocket.close();
    expect((await api('POST', '/api/v1/auth/logout', { token: user.token })).status).to.equal(401);
  });

  it('POST /auth/password: checks the current password, ends older tokens, answers with a new token', async () => {
    const org = await createOrg('enterprise');
    const user = await createUser('enterprise', org.id);
    const wrong = await api('POST', '/api/v1/auth/password', {
      token: user.token,
      body: { currentPassword: 'not-mine-123', newPassword: 'another-pass-1' },
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.code).to.equal('wrong_password');
    expect(wrong.body.error.message).to.include('currentPassword');
    const weak = await api('POST', '/api/v1/auth/password', {
      token: user.token,
      body: { currentPassword: user.password, newPassword: 'x' },
    });
    expect(weak.status).to.equal(400);
    expect(weak.body.error.message).to.include('newPassword');

    const ok = await api('POST', '/api/v1/auth/password', {
      token: user.token,
      body: { currentPassword: user.password, newPassword: 'another-pass-1' },
    });
    expect(ok.status).to.equal(200);
    expect(ok.body.user.id).to.equal(user.id);
    expect((await me(ok.body.token)).status).to.equal(200);
    expect((await me(user.token)).status).to.equal(401);
    expect(await login(user.username, 'another-pass-1')).to.be.a('string');
  });

  it('the browser session: sign-in sets an HttpOnly SameSite=Strict cookie that authenticates; logout clears it', async () => {
    const org = await createOrg('association');
    const user = await createUser('association', org.id);
    const res = await api('POST', '/api/v1/auth/login', { body: { username: user.username, password: user.password } });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie)
      .to.match(/^hub_session=/)
      .and.match(/HttpOnly/i)
      .and.match(/SameSite=Strict/i);
    const cookie = setCookie.split(';')[0]!;
    const viaCookie = await api('GET', '/api/v1/auth/me', { headers: { cookie } });
    expect(viaCookie.status).to.equal(200);
    expect(viaCookie.body.id).to.equal(user.id);
    const out = await api('POST', '/api/v1/auth/logout', { headers: { cookie } });
    expect(out.status).to.equal(204);
    expect(out.headers.get('set-cookie')).to.match(/hub_session=;/);
    expect((await api('GET', '/api/v1/auth/me', { headers: { cookie } })).status).to.equal(401);
    // Bearer clients keep working.
    expect((await me(await login(user.username, user.password))).status).to.equal(200);
  });
});
