import { expect } from 'chai';
import { api } from '../support/testHub.ts';
import { getLiveHub } from '../live/liveSupport.ts';
import { newPhone, signupBuyer, signupProof } from './commerceSupport.ts';
import { SignupRateLimiter } from '../../server/auth/signupRateLimit.ts';
import { createCast } from '../support/factories.ts';

describe('buyers: sign-up, sign-in, addresses', function () {
  this.timeout(60_000);
  before(() => getLiveHub());

  it('signs up with a mobile number and a solved challenge; signs in with the number; 409 for a taken number', async () => {
    const buyer = await signupBuyer();
    const me = await api('GET', '/api/v1/auth/me', { token: buyer.token });
    expect(me.body).to.include({ role: 'buyer', username: buyer.phone, orgId: null });
    const login = await api('POST', '/api/v1/auth/login', { body: { username: buyer.phone, password: 'buyer-pass-1' } });
    expect(login.status).to.equal(200);
    const again = await api('POST', '/api/v1/auth/signup', {
      body: { phone: buyer.phone, password: 'another-pass' },
      headers: { 'Signup-Proof': await signupProof() },
    });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('phone_taken');
  });

  it('refuses a missing, wrong, forged or reused proof and bad numbers or passwords, naming the field', async () => {
    const body = { phone: newPhone(), password: 'buyer-pass-1' };
    const none = await api('POST', '/api/v1/auth/signup', { body });
    expect(none.status).to.equal(400);
    expect(none.body.error.code).to.equal('signup_proof_invalid');
    const proof = await signupProof();
    const [challenge] = [proof.slice(0, proof.lastIndexOf(':'))];
    const forged = challenge.replace(/\.[^.]+$/, '.AAAA');
    for (const header of [`${challenge}:x`, `${forged}:1`]) {
      const res = await api('POST', '/api/v1/auth/signup', { body, headers: { 'Signup-Proof': header } });
      expect(res.status, header).to.equal(400);
    }
    expect((await api('POST', '/api/v1/auth/signup', { body, headers: { 'Signup-Proof': proof } })).status).to.equal(201);
    const reused = await api('POST', '/api/v1/auth/signup', { body: { ...body, phone: newPhone() }, headers: { 'Signup-Proof': proof } });
    expect(reused.status).to.equal(400);
    expect(reused.body.error.message).to.include('already used');
    for (const [bad, field] of [
      [{ phone: '12345', password: 'buyer-pass-1' }, 'phone'],
      [{ phone: newPhone(), password: 'short' }, 'password'],
    ] as const) {
      const res = await api('POST', '/api/v1/auth/signup', { body: bad, headers: { 'Signup-Proof': await signupProof() } });
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.include(`"${field}"`);
    }
  });

  it('limits sign-ups per number (429 + Retry-After) and per address (limiter on real Redis)', async () => {
    const phone = newPhone();
    let last = 0;
    for (let i = 0; i < 6; i += 1) {
      last = (await api('POST', '/api/v1/auth/signup', { body: { phone, password: 'buyer-pass-1' } })).status; // no proof: counted, refused
    }
    expect(last).to.equal(429);
    const { ctx } = await getLiveHub();
    const limiter = new SignupRateLimiter(ctx.redis, {
      prefix: `${ctx.config.REDIS_PREFIX}:t${Date.now()}`,
      maxPerAddress: 3,
      maxPerPhone: 100,
      windowSeconds: 60,
    });
    for (let i = 0; i < 3; i += 1) await limiter.attempt(newPhone(), '10.0.0.9');
    const err = await limiter.attempt(newPhone(), '10.0.0.9').then(
      () => null,
      (e: unknown) => e as { status: number; details: { limit: string } },
    );
    expect(err?.status).to.equal(429);
    expect(err?.details.limit).to.equal('address');
  });

  it('saves addresses from the place list; bad township, village or phone is 400 naming the field; others see 404', async () => {
    const [a, b] = [await signupBuyer(), await signupBuyer()];
    const places = await api('GET', '/api/v1/places');
    expect(places.body.townships).to.have.length(18);
    const saved = await api('POST', '/api/v1/me/addresses', {
      token: a.token,
      body: { name: '林', phone: '13800000002', township: '赤水镇', village: '铭爱村', detail: '12号' },
    });
    expect(saved.status).to.equal(201);
    expect(saved.body).to.include({ province: '福建省', county: '德化县', township: '赤水镇', village: '铭爱村' });
    const bad: [Record<string, unknown>, string][] = [
      [{ name: '林', phone: '13800000002', township: '北京', detail: '12号' }, 'township'],
      [{ name: '林', phone: '13800000002', township: '赤水镇', village: '某某地方', detail: '12号' }, 'village'],
      [{ name: '林', phone: '12', township: '赤水镇', detail: '12号' }, 'phone'],
    ];
    for (const [body, field] of bad) {
      const res = await api('POST', '/api/v1/me/addresses', { token: a.token, body });
      expect(res.status, field).to.equal(400);
      expect(res.body.error.message).to.include(`"${field}"`);
    }
    expect((await api('GET', '/api/v1/me/addresses', { token: b.token })).body.items).to.have.length(0);
    expect((await api('DELETE', `/api/v1/me/addresses/${saved.body.id}`, { token: b.token })).status).to.equal(404);
    expect((await api('DELETE', `/api/v1/me/addresses/${saved.body.id}`, { token: a.token })).status).to.equal(204);
  });

  it('a buyer gets none of the staff routes; staff keep theirs', async () => {
    const buyer = await signupBuyer();
    const cast = await createCast();
    for (const [method, path] of [
      ['GET', '/api/v1/households'],
      ['POST', '/api/v1/products'],
      ['GET', '/api/v1/claims'],
      ['GET', '/api/v1/users'],
    ]) {
      expect(
        (
          await api(method!, path!, {
            token: buyer.token,
            body: method === 'POST' ? { name: 'x', category: 'farm', priceFen: 1, stock: 1 } : undefined,
          })
        ).status,
        path,
      ).to.equal(403);
    }
    expect((await api('GET', '/api/v1/me/addresses', { token: cast.enterpriseUser.token })).status).to.equal(403);
  });
});
