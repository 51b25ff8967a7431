/**
 * Factories for test data through the public API (so every record passes the same validation and
 * audit as in production). Names carry a counter so suites never collide in the shared database.
 */
import { api } from './testHub.ts';
import { creditCodeCheckChar } from '../../server/registry/orgs/creditCode.ts';
import type { Role } from '../../server/platform/auth/roles.ts';

let counter = 0;
export const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter += 1)}`;

let adminToken: string | null = null;

export async function login(username: string, password: string): Promise<string> {
  const res = await api('POST', '/api/v1/auth/login', { body: { username, password } });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** The first bureau user, created from HUB_ADMIN_USERNAME/PASSWORD at start-up. */
export async function bureauToken(): Promise<string> {
  adminToken ??= await login(process.env.HUB_ADMIN_USERNAME!, process.env.HUB_ADMIN_PASSWORD!);
  return adminToken;
}

/** A valid unified social credit code, different on each call. */
export function makeCreditCode(): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let first = '91350526';
  for (let i = 0; i < 9; i += 1) first += alphabet[Math.floor(Math.random() * alphabet.length)];
  return first + creditCodeCheckChar(first);
}

export interface OrgFixture {
  id: string;
  name: string;
  type: 'association' | 'enterprise' | 'station';
}

export async function createOrg(type: OrgFixture['type'], extra: Record<string, unknown> = {}): Promise<OrgFixture> {
  const res = await api('POST', '/api/v1/orgs', {
    token: await bureauToken(),
    body: { type, name: unique(`${type}-`), township: '龙浔镇', ...extra },
  });
  if (res.status !== 201) throw new Error(`create org failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface UserFixture {
  id: string;
  username: string;
  password: string;
  role: Role;
  orgId: string | null;
  token: string;
}

export async function createUser(role: Role, orgId?: string | null): Promise<UserFixture> {
  const username = unique(`${role}_`);
  const password = 'password-123';
  const res = await api('POST', '/api/v1/users', {
    token: await bureauToken(),
    body: { username, password, role, ...(orgId ? { orgId } : {}) },
  });
  if (res.status !== 201) throw new Error(`create user failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, username, password, role, orgId: orgId ?? null, token: await login(username, password) };
}

/** One user of each role, with the organisations they need. */
export async function createCast() {
  const association = await createOrg('association');
  const enterprise = await createOrg('enterprise');
  const station = await createOrg('station');
  return {
    association,
    enterprise,
    station,
    bureau: await createUser('bureau'),
    auditor: await createUser('auditor'),
    associationUser: await createUser('association', association.id),
    enterpriseUser: await createUser('enterprise', enterprise.id),
    stationUser: await createUser('enterprise', station.id),
    host: await createUser('host', association.id),
  };
}

export async function createHousehold(extra: Record<string, unknown> = {}) {
  const res = await api('POST', '/api/v1/households', {
    token: await bureauToken(),
    body: { registryNo: unique('HH-'), name: '张三', township: '赤水镇', village: '铭爱村', registeredFrom: '2019-01-01', ...extra },
  });
  if (res.status !== 201) throw new Error(`create household failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
