/**
 * Role × route matrix for the foundation's routes: every role (and no token) against every route;
 * allowed callers get 2xx, others 401 (no token) or 403 (wrong role or organisation).
 */
import { expect } from 'chai';
import { api } from '../support/testHub.ts';
import { createCast, makeCreditCode, unique } from '../support/factories.ts';
import type { Role } from '../../server/platform/auth/roles.ts';

type Cast = Awaited<ReturnType<typeof createCast>>;
type Actor = Cast['bureau'];

interface MatrixRoute {
  method: string;
  path: (cast: Cast, actor: Actor | null) => string;
  body?: (cast: Cast) => unknown;
  allowed: Role[];
}

const ALL: Role[] = ['bureau', 'association', 'host', 'enterprise', 'auditor'];

const routes: MatrixRoute[] = [
  {
    method: 'POST',
    path: () => '/api/v1/orgs',
    body: () => ({ type: 'enterprise', name: unique('org-'), creditCode: makeCreditCode(), township: '浔中镇' }),
    allowed: ['bureau'],
  },
  { method: 'GET', path: () => '/api/v1/orgs', allowed: ALL },
  { method: 'GET', path: (cast, actor) => `/api/v1/orgs/${actor?.orgId ?? cast.association.id}`, allowed: ALL },
  {
    method: 'POST',
    path: () => '/api/v1/users',
    body: () => ({ username: unique('u'), password: 'password-123', role: 'auditor' }),
    allowed: ['bureau'],
  },
  { method: 'GET', path: () => '/api/v1/users', allowed: ALL },
  { method: 'GET', path: (cast, actor) => `/api/v1/users/${actor?.id ?? cast.host.id}`, allowed: ALL },
  { method: 'GET', path: () => '/api/v1/auth/me', allowed: ALL },
  {
    method: 'POST',
    path: () => '/api/v1/households',
    body: () => ({ registryNo: unique('M-'), name: '李四', township: '春美乡', village: '双翰村', registeredFrom: '2018-03-01' }),
    allowed: ['bureau'],
  },
  { method: 'GET', path: () => '/api/v1/households', allowed: ['bureau', 'auditor'] },
  { method: 'POST', path: () => '/api/v1/parks', body: () => ({ name: unique('园区'), nationalDemoBase: true }), allowed: ['bureau'] },
  { method: 'GET', path: () => '/api/v1/parks', allowed: ALL },
  { method: 'POST', path: () => '/api/v1/bases', body: () => ({ name: unique('基地') }), allowed: ['association'] },
  { method: 'GET', path: () => '/api/v1/bases', allowed: ['bureau', 'auditor', 'association', 'host'] },
  {
    method: 'GET',
    path: (cast) => `/api/v1/bases/${(cast as Cast & { baseId: string }).baseId}`,
    allowed: ['bureau', 'auditor', 'association', 'host'],
  },
  { method: 'GET', path: () => '/api/v1/policies', allowed: ALL },
  { method: 'GET', path: () => '/api/v1/policies/dehua-2020', allowed: ALL },
];

describe('role × route matrix (foundation routes)', () => {
  let cast: Cast & { baseId: string; householdId: string };
  // Buyers (sign-up) have their own access tests in test/commerce.
  const actors = (c: Cast): Record<Exclude<Role, 'buyer'>, Actor> => ({
    bureau: c.bureau,
    association: c.associationUser,
    host: c.host,
    enterprise: c.enterpriseUser,
    auditor: c.auditor,
  });

  before(async () => {
    const base = await createCast();
    const created = await api('POST', '/api/v1/bases', { token: base.associationUser.token, body: { name: unique('基地') } });
    const household = await api('POST', '/api/v1/households', {
      token: base.bureau.token,
      body: { registryNo: unique('H-'), name: '王五', township: '赤水镇', village: '铭爱村', registeredFrom: '2019-01-01' },
    });
    cast = { ...base, baseId: created.body.id, householdId: household.body.id };
  });

  for (const route of routes) {
    const label = `${route.method} ${route.path({ association: { id: ':id' }, host: { id: ':id' }, baseId: ':id' } as never, null).replace(/[0-9a-f]{24}/, ':id')}`;
    it(`${label}: allowed ${route.allowed.join(', ')}`, async () => {
      const anonymous = await api(route.method, route.path(cast, null), { body: route.body?.(cast) });
      expect(anonymous.status, `${label} without a token`).to.equal(401);
      for (const [role, actor] of Object.entries(actors(cast)) as [Role, Actor][]) {
        const res = await api(route.method, route.path(cast, actor), { token: actor.token, body: route.body?.(cast) });
        if (route.allowed.includes(role)) {
          expect(res.status, `${label} as ${role}: ${JSON.stringify(res.body)}`).to.be.within(200, 299);
        } else {
          expect(res.status, `${label} as ${role}`).to.equal(403);
          expect(res.body.error.code).to.equal('forbidden');
        }
      }
    });
  }

  it('POST /bases/:id/filing: bureau only, and a second filing is a 409', async () => {
    const path = `/api/v1/bases/${cast.baseId}/filing`;
    const body = { filingNo: 'DH-BA-2020-001', filedAt: '2020-05-01T09:00:00+08:00' };
    expect((await api('POST', path, { body })).status).to.equal(401);
    for (const actor of [cast.associationUser, cast.host, cast.enterpriseUser, cast.auditor]) {
      expect((await api('POST', path, { token: actor.token, body })).status).to.equal(403);
    }
    const filed = await api('POST', path, { token: cast.bureau.token, body });
    expect(filed.status).to.equal(200);
    expect(filed.body).to.include({ filed: true, filingNo: 'DH-BA-2020-001' });
    expect((await api('POST', path, { token: cast.bureau.token, body })).status).to.equal(409);
  });

  it('GET /households/:id: bureau and auditor only', async () => {
    const path = `/api/v1/households/${cast.householdId}`;
    expect((await api('GET', path, { token: cast.bureau.token })).status).to.equal(200);
    expect((await api('GET', path, { token: cast.auditor.token })).status).to.equal(200);
    for (const actor of [cast.associationUser, cast.host, cast.enterpriseUser]) {
      expect((await api('GET', path, { token: actor.token })).status).to.equal(403);
    }
  });

  it('keeps one organisation out of another: orgs, users and bases', async () => {
    const other = await createCast();
    const own = cast.associationUser;
    expect((await api('GET', `/api/v1/orgs/${other.association.id}`, { token: own.token })).status).to.equal(403);
    expect((await api('GET', `/api/v1/users/${other.associationUser.id}`, { token: own.token })).status).to.equal(403);
    expect((await api('GET', `/api/v1/users?orgId=${other.association.id}`, { token: own.token })).status).to.equal(403);
    const orgs = await api('GET', '/api/v1/orgs', { token: own.token });
    expect(orgs.body.items.map((o: { id: string }) => o.id)).to.deep.equal([cast.association.id]);
    const otherBase = await api('POST', '/api/v1/bases', { token: other.associationUser.token, body: { name: unique('基地') } });
    expect((await api('GET', `/api/v1/bases/${otherBase.body.id}`, { token: own.token })).status).to.equal(403);
    const bases = await api('GET', '/api/v1/bases', { token: own.token });
    expect(bases.body.items.every((b: { associationId: string }) => b.associationId === cast.association.id)).to.equal(true);
  });
});
