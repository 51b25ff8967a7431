import { expect } from 'chai';
import bcrypt from 'bcryptjs';
import { api, getTestHub } from '../support/testHub.ts';
import { createOrg, createUser, login, unique } from '../support/factories.ts';
import { UserModel } from '../../server/registry/users/user.model.ts';

describe('security: sign-in limit and password hashing (issue 11 item 1)', () => {
  it('40 parallel wrong passwords with limit 10: only 10 are verified (401), the rest and a right one inside the burst get 429', async () => {
    const { ctx } = await getTestHub();
    const limit = ctx.config.HUB_LOGIN_MAX_FAILURES_PER_USER;
    const org = await createOrg('association');
    const user = await createUser('association', org.id);
    const wrong = Array.from({ length: 40 }, () =>
      api('POST', '/api/v1/auth/login', { body: { username: user.username, password: 'wrong-password' } }),
    );
    const statuses = (await Promise.all(wrong)).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).to.have.length(limit);
    expect(statuses.filter((s) => s === 429)).to.have.length(40 - limit);
    // The right password once the limit is reached is refused too.
    const right = await api('POST', '/api/v1/auth/login', { body: { username: user.username, password: user.password } });
    expect(right.status).to.equal(429);
    expect(right.body.error.code).to.equal('too_many_requests');
  });

  it('a correct password sent in the same burst as wrong ones does not sign in once the limit is taken', async () => {
    const { ctx } = await getTestHub();
    const limit = ctx.config.HUB_LOGIN_MAX_FAILURES_PER_USER;
    const org = await createOrg('association');
    const user = await createUser('association', org.id);
    const attempts = Array.from({ length: 40 }, (_, i) =>
      api('POST', '/api/v1/auth/login', { body: { username: user.username, password: i === 39 ? user.password : 'wrong-password' } }),
    );
    const replies = await Promise.all(attempts);
    // At most `limit` attempts were ever checked, whichever order they arrived in.
    expect(replies.filter((r) => r.status === 401 || r.status === 200).length).to.be.at.most(limit);
    expect(replies.filter((r) => r.status === 429).length).to.be.at.least(40 - limit);
  });

  it('an old bcrypt hash still signs in and is replaced by argon2id', async () => {
    const org = await createOrg('enterprise');
    const user = await createUser('enterprise', org.id);
    const oldHash = await bcrypt.hash(user.password, 4);
    await UserModel.updateOne({ _id: user.id }, { $set: { passwordHash: oldHash } });
    expect(await login(user.username, user.password)).to.be.a('string');
    const stored = await UserModel.findById(user.id).lean();
    expect(stored!.passwordHash).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // And the new hash works.
    expect(await login(user.username, user.password)).to.be.a('string');
    expect((await api('POST', '/api/v1/auth/login', { body: { username: user.username, password: 'not-it-123' } })).status).to.equal(401);
  });

  it('/api/v1/health answers while a burst of sign-ins is still being verified', async () => {
    // Unknown users are verified against a production-cost dummy hash, so each attempt costs real hashing time.
    // Asserted by order, not time: health is asked again and again until the last sign-in has answered.
    let pending = true;
    const logins = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api('POST', '/api/v1/auth/login', { body: { username: unique(`nobody${i}_`), password: 'wrong-password' } }),
      ),
    ).finally(() => {
      pending = false;
    });
    let healthDuringBurst = 0;
    while (pending) {
      const res = await api('GET', '/api/v1/health');
      expect(res.status).to.equal(200);
      if (pending) healthDuringBurst += 1;
    }
    expect((await logins).every((r) => r.status === 401)).to.equal(true);
    expect(healthDuringBurst, 'health answers while 40 sign-ins were pending').to.be.at.least(1);
  });
});
