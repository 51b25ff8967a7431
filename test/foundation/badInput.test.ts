/**
 * Every class of bad input gets a clear 4xx naming the field, and writes nothing.
 */
import { expect } from 'chai';
import { api } from '../support/testHub.ts';
import { bureauToken, unique } from '../support/factories.ts';
import { OrgModel } from '../../server/registry/orgs/org.model.ts';
import { HouseholdModel } from '../../server/registry/households/household.model.ts';
import { AuditEventModel } from '../../server/platform/audit/auditEvent.model.ts';

async function counts() {
  return {
    orgs: await OrgModel.countDocuments(),
    households: await HouseholdModel.countDocuments(),
    audit: await AuditEventModel.countDocuments(),
  };
}

describe('bad input is refused and writes nothing', () => {
  let token: string;
  before(async () => {
    token = await bureauToken();
  });

  const cases: { name: string; path: string; body?: unknown; raw?: string; status: number; field?: RegExp; code?: string }[] = [
    {
      name: 'operator injection in a string field',
      path: '/api/v1/orgs',
      body: { type: 'enterprise', name: { $ne: null } },
      status: 400,
      field: /name/,
    },
    {
      name: 'operator injection in the login username',
      path: '/api/v1/auth/login',
      body: { username: { $gt: '' }, password: 'x' },
      status: 400,
      field: /username/,
    },
    {
      name: 'an unknown field',
      path: '/api/v1/orgs',
      body: { type: 'enterprise', name: 'x', isAdmin: true },
      status: 400,
      field: /isAdmin/,
    },
    { name: 'a wrong enum value', path: '/api/v1/orgs', body: { type: 'bank', name: 'x' }, status: 400, field: /type/ },
    {
      name: 'a township outside the county',
      path: '/api/v1/orgs',
      body: { type: 'station', name: 'x', township: '鼓浪屿' },
      status: 400,
      field: /township/,
    },
    {
      name: 'a credit code with a bad check character',
      path: '/api/v1/orgs',
      body: { type: 'enterprise', name: 'x', creditCode: '91440300708461136A' },
      status: 400,
      field: /creditCode/,
    },
    {
      name: 'a number where a string belongs',
      path: '/api/v1/households',
      body: { registryNo: 12, name: '甲', township: '赤水镇', village: '村', registeredFrom: '2019-01-01' },
      status: 400,
      field: /registryNo/,
    },
    {
      name: 'a malformed date',
      path: '/api/v1/households',
      body: { registryNo: 'R-1', name: '甲', township: '赤水镇', village: '村', registeredFrom: '2019-13-45' },
      status: 400,
      field: /registeredFrom/,
    },
    {
      name: 'a missing required field',
      path: '/api/v1/households',
      body: { registryNo: 'R-2', township: '赤水镇', village: '村', registeredFrom: '2019-01-01' },
      status: 400,
      field: /name/,
    },
    {
      name: 'a string where a boolean belongs',
      path: '/api/v1/parks',
      body: { name: 'p', nationalDemoBase: 'yes' },
      status: 400,
      field: /nationalDemoBase/,
    },
    { name: 'malformed JSON', path: '/api/v1/orgs', raw: '{"type": "enterprise", "name": ', status: 400, code: 'malformed_json' },
    { name: 'a JSON array instead of an object', path: '/api/v1/orgs', raw: '[1,2]', status: 400 },
    {
      name: 'a body over 1 MB',
      path: '/api/v1/orgs',
      raw: JSON.stringify({ type: 'enterprise', name: 'x'.repeat(1_100_000) }),
      status: 413,
      code: 'payload_too_large',
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status}`, async () => {
      const before = await counts();
      const res = await api('POST', c.path, { token, body: c.body, rawBody: c.raw });
      expect(res.status, JSON.stringify(res.body)).to.equal(c.status);
      expect(res.body.error.code).to.be.a('string');
      expect(res.body.error.message).to.be.a('string').and.not.be.empty;
      if (c.field) expect(res.body.error.message).to.match(c.field);
      if (c.code) expect(res.body.error.code).to.equal(c.code);
      expect(await counts()).to.deep.equal(before);
    });
  }

  it('bad path and query parameters name the parameter', async () => {
    const badId = await api('GET', '/api/v1/orgs/not-an-id', { token });
    expect(badId.status).to.equal(400);
    expect(badId.body.error.message).to.match(/id/);
    const badQuery = await api('GET', '/api/v1/orgs?type[$ne]=x', { token });
    expect(badQuery.status).to.equal(400);
    const unknownQuery = await api('GET', '/api/v1/households?limit=5&sort=name', { token });
    expect(unknownQuery.status).to.equal(400);
    expect(unknownQuery.body.error.message).to.match(/sort/);
    const badLimit = await api('GET', '/api/v1/households?limit=-1', { token });
    expect(badLimit.status).to.equal(400);
    expect(badLimit.body.error.message).to.match(/limit/);
  });

  it('duplicates are 409 and name the field: registry number, username, credit code', async () => {
    const registryNo = unique('DUP-');
    const household = { registryNo, name: '甲', township: '赤水镇', village: '村', registeredFrom: '2019-01-01' };
    expect((await api('POST', '/api/v1/households', { token, body: household })).status).to.equal(201);
    const dupHousehold = await api('POST', '/api/v1/households', { token, body: household });
    expect(dupHousehold.status).to.equal(409);
    expect(dupHousehold.body.error.details.fields).to.deep.equal(['registryNo']);

    const username = unique('dup');
    expect((await api('POST', '/api/v1/users', { token, body: { username, password: 'password-1', role: 'auditor' } })).status).to.equal(
      201,
    );
    const dupUser = await api('POST', '/api/v1/users', { token, body: { username, password: 'password-2', role: 'auditor' } });
    expect(dupUser.status).to.equal(409);
    expect(dupUser.body.error.message).to.include(username);

    const creditCode = '914403001922038216';
    const first = await api('POST', '/api/v1/orgs', { token, body: { type: 'enterprise', name: unique('e'), creditCode } });
    const again = await api('POST', '/api/v1/orgs', { token, body: { type: 'enterprise', name: unique('e'), creditCode } });
    // The code may already be registered by an earlier run of this suite against the same database.
    expect(first.status).to.be.oneOf([201, 409]);
    expect(again.status).to.equal(409);
    expect(again.body.error.details.fields).to.deep.equal(['creditCode']);
  });

  it('a user must belong to an organisation of the right type', async () => {
    const res = await api('POST', '/api/v1/users', { token, body: { username: unique('a'), password: 'password-1', role: 'association' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.match(/orgId/);
    const enterprise = await api('POST', '/api/v1/orgs', { token, body: { type: 'enterprise', name: unique('e') } });
    const wrongType = await api('POST', '/api/v1/users', {
      token,
      body: { username: unique('a'), password: 'password-1', role: 'association', orgId: enterprise.body.id },
    });
    expect(wrongType.status).to.equal(400);
    expect(wrongType.body.error.message).to.match(/orgId.*enterprise/);
    const bureauWithOrg = await api('POST', '/api/v1/users', {
      token,
      body: { username: unique('b'), password: 'password-1', role: 'bureau', orgId: enterprise.body.id },
    });
    expect(bureauWithOrg.status).to.equal(400);
  });

  it('unknown API routes are a JSON 404', async () => {
    const res = await api('GET', '/api/v1/nothing-here', { token });
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('not_found');
  });
});
