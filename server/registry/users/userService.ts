import { idAfter, idPage } from '../../platform/http/keyset.ts';
import { UserModel, userDto } from './user.model.ts';
import { requireOrgOfType } from '../orgs/orgService.ts';
import { hashPassword } from '../../platform/auth/passwords.ts';
import { saveAudited } from '../../platform/audit/outbox.ts';
import { badRequest, forbidden, isDuplicateKeyError, conflict, notFound } from '../../platform/errors.ts';
import { READ_ALL_ROLES, type AuthUser, type Role } from '../../platform/auth/roles.ts';
import type { OrgType } from '../orgs/org.model.ts';
import { componentLogger } from '../../platform/logger.ts';

/** Which organisation types each role belongs to; bureau and auditor belong to none. */
const ORG_TYPES_BY_ROLE: Record<Role, OrgType[] | null> = {
  bureau: null,
  auditor: null,
  association: ['association'],
  enterprise: ['enterprise', 'station'],
  host: ['association', 'enterprise'],
  buyer: null,
};

export interface CreateUserCommand {
  username: string;
  password: string;
  role: Role;
  orgId?: string;
  displayName?: string;
}

export async function createUser(actor: AuthUser | null, command: CreateUserCommand, bcryptRounds: number) {
  const orgTypes = ORG_TYPES_BY_ROLE[command.role];
  if (orgTypes === null && command.orgId) {
    throw badRequest(`Invalid field "orgId": a ${command.role} user belongs to no organisation`);
  }
  if (orgTypes !== null && command.role !== 'host' && !command.orgId) {
    throw badRequest(`Invalid field "orgId": a ${command.role} user needs the id of its ${orgTypes.join(' or ')} organisation`);
  }
  if (orgTypes && command.orgId) await requireOrgOfType(command.orgId, orgTypes);
  try {
    const user = new UserModel({
      username: command.username,
      passwordHash: await hashPassword(command.password, bcryptRounds),
      role: command.role,
      orgId: command.orgId ?? null,
      displayName: command.displayName ?? null,
      createdAt: new Date(),
    });
    const dto = userDto(user);
    await saveAudited(user, { actor, action: 'user.create', target: { type: 'user', id: dto.id }, after: dto });
    return dto;
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`Username "${command.username}" is taken`, { fields: ['username'] });
    throw err;
  }
}

/** Users in creation (_id) order, keyset-paged. */
export async function listUsers(actor: AuthUser, filter: { role?: Role; orgId?: string; limit: number; cursor?: string }) {
  const query: Record<string, unknown> = {};
  if (filter.role) query.role = filter.role;
  if (filter.orgId) query.orgId = filter.orgId;
  if (!READ_ALL_ROLES.includes(actor.role)) {
    // Others see the people of their own organisation (an association picks hosts for its sessions).
    if (!actor.orgId) throw forbidden('You may only list users of your own organisation');
    if (filter.orgId && filter.orgId !== actor.orgId) throw forbidden('You may only list users of your own organisation');
    query.orgId = actor.orgId;
  }
  const rows = await UserModel.find({ ...query, ...idAfter(filter.cursor, 1) })
    .sort({ _id: 1 })
    .limit(filter.limit + 1)
    .lean();
  const { page, nextCursor } = idPage(rows, filter.limit);
  return { items: page.map(userDto), nextCursor };
}

export async function getUser(actor: AuthUser, id: string) {
  const user = await UserModel.findById(id).lean();
  if (!user) throw notFound('User');
  const sameOrg = actor.orgId !== null && user.orgId !== null && String(user.orgId) === actor.orgId;
  if (!READ_ALL_ROLES.includes(actor.role) && actor.id !== id && !sameOrg)
    throw forbidden('You may only see users of your own organisation');
  return userDto(user);
}

/** First start: with no user at all, the bureau administrator comes from HUB_ADMIN_USERNAME/PASSWORD. */
export async function ensureFirstBureauUser(username: string, password: string, bcryptRounds: number): Promise<boolean> {
  if ((await UserModel.estimatedDocumentCount()) > 0 && (await UserModel.exists({}))) return false;
  try {
    await createUser(null, { username, password, role: 'bureau', displayName: '县工信商务局管理员' }, bcryptRounds);
    componentLogger('registry').info({ username }, 'created the first bureau user from HUB_ADMIN_USERNAME');
    return true;
  } catch (err) {
    // Another process created it at the same moment.
    if (err instanceof Error && 'status' in err && (err as { status: number }).status === 409) return false;
    throw err;
  }
}
