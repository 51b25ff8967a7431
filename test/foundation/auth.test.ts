import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, createOrg, createUser, login, unique } from '../support/factories.ts';
import { LoginRateLimiter } from '../../server/platform/auth/loginRateLimit.ts';
import { UserModel } from '../../server/registry/users/user.model.ts';

describe('sign-in and tokens', () => {
  it('the first bureau user exists from HUB_ADMIN_USERNAME/PASSWORD', async () => {
    const res = await api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'admin-password-1' } });
    expect(res.status).to.equal(200);
    expect(res.body.user).to.include({ username: 'admin', role: 'bureau', orgId: null });
    expect(res.body.token).to.be.a('string');
    const stored = await UserModel.findOne({ username: 'admin' }).lean();
    expect(stored!.passwordHash)
      .to.match(/^\$argon2id\$/)
      .and.not.include('admin-password-1');
  });

  it('returns the contract shape {token, user: {id, username, role, orgId}}', async () => {
    const org = await createOrg('enterprise');
    const user = await createUser('enterprise', org.id);
    const res = await api('POST', '/api/v1/auth/login', { body: { username: user.username, password: user.password } });
    expect(res.status).to.equal(200);
    expect(res.body.user).to.include({ id: user.id, username: user.username, role: 'enterprise', orgId: org.id });
    const me = await api('GET', '/api/v1/auth/me', { token: res.body.token });
    expect(me.body).to.include({ id: user.id, role: 'enterprise' });
  });

  it('refuses a wrong password, an unknown user, a missing, forged or expired token with 401', async () => {
    expect((await api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'wrong-password' } })).status).to.equal(401);
    expect((await api('POST', '/api/v1/auth/login', { body: { username: unique('ghost'), password: 'whatever-1' } })).status).to.equal(401);
    expect((await api('GET', '/api/v1/orgs')).status).to.equal(401);
    const forged = jwt.sign({ username: 'admin', role: 'bureau', orgId: null }, 'not-the-secret-not-the-secret-not-the-secret', {
      subject: 'x',
      issuer: 'dehua-live-hub',
      expiresIn: 60,
    });
    const forgedRes = await api('GET', '/api/v1/orgs', { token: forged });
    expect(forgedRes.status).to.equal(401);
    expect(forgedRes.body.error.code).to.equal('unauthenticated');

    const { ctx } = await getTestHub();
    const admin = await UserModel.findOne({ username: 'admin' }).lean();
    const expired = jwt.sign(
      { username: 'admin', role: 'bureau', orgId: null, exp: Math.floor(Date.now() / 1000) - 5 },
      ctx.config.HUB_JWT_SECRET,
      { subject: String(admin!._id), issuer: 'dehua-live-hub' },
    );
    const expiredRes = await api('GET', '/api/v1/orgs', { token: expired });
    expect(expiredRes.status).to.equal(401);
    expect(expiredRes.body.error.message).to.match(/expired/i);
  });

  it('a token expires after HUB_TOKEN_TTL_SECONDS', async () => {
    const { ctx } = await getTestHub();
    const token = await bureauToken();
    const decoded = jwt.decode(token) as { iat: number; exp: number };
    expect(decoded.exp - decoded.iat).to.equal(ctx.config.HUB_TOKEN_TTL_SECONDS);
  });

  it('limits failed sign-ins per user: 429 with Retry-After, and the right password is refused meanwhile', async () => {
    const org = await createOrg('association');
    const user = await createUser('association', org.id);
    const { ctx } = await getTestHub();
    for (let i = 0; i < ctx.config.HUB_LOGIN_MAX_FAILURES_PER_USER; i += 1) {
      const res = await api('POST', '/api/v1/auth/login', { body: { username: user.username, password: 'bad-password' } });
      expect(res.status).to.equal(401);
    }
    const blocked = await api('POST', '/api/v1/auth/login', { body: { username: user.username, password: user.password } });
    expect(blocked.status).to.equal(429);
    expect(blocked.body.error.code).to.equal('too_many_requests');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).to.be.greaterThan(0).and.at.most(ctx.config.HUB_LOGIN_WINDOW_SECONDS);
    // Another user from the same address is not affected by this user's limit.
    expect(await login('admin', 'admin-password-1')).to.be.a('string');
  });

  it('limits failed sign-ins per address across usernames (real Redis)', async () => {
    const { ctx } = await getTestHub();
    const limiter = new LoginRateLimiter(ctx.redis, {
      prefix: `${ctx.config.REDIS_PREFIX}:t${Date.now()}`,
      maxFailuresPerUser: 100,
      maxFailuresPerAddress: 3,
      windowSeconds: 60,
    });
    for (let i = 0; i < 3; i += 1) {
      await limiter.assertAllowed(`user${i}`, '203.0.113.9');
      await limiter.recordFailure(`user${i}`, '203.0.113.9');
    }
    try {
      await limiter.assertAllowed('someone-else', '203.0.113.9');
      expect.fail('should be limited');
    } catch (err) {
      expect((err as { status: number }).status).to.equal(429);
      expect((err as { headers: Record<string, string> }).headers['Retry-After']).to.match(/^\d+$/);
    }
    await limiter.assertAllowed('someone-else', '198.51.100.1');
  });
});
