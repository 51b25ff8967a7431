import { z } from 'zod';
// Bootstrap loads this (first bureau user) before any route: zod needs .openapi() before schemas.ts uses it.
import '../../../platform/http/openapi.ts';
import type { HubContext } from '../../../platform/context.ts';
import { ROLES, type AuthUser, type Role } from '../../../platform/auth/roles.ts';
import { hashPassword } from '../../../platform/auth/passwords.ts';
import { saveAudited } from '../../../platform/audit/outbox.ts';
import { badRequest, conflict, isDuplicateKeyError } from '../../../platform/errors.ts';
import { objectId } from '../../../platform/http/schemas.ts';
import type { OrgType } from '../../orgs/org.model.ts';
import { requireOrgOfType } from '../../orgs/orgReads.ts';
import { UserModel } from '../user.model.ts';
import { presentUser } from '../presenters/user.ts';

export const CreateUserBody = z
  .object({
    username: z
      .string()
      .trim()
      .min(3, 'must be at least 3 characters')
      .max(64)
      .regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits and _ . @ - only'),
    password: z.string().min(8, 'must be at least 8 characters').max(128),
    role: z.enum(ROLES),
    orgId: objectId('orgId').optional(),
    displayName: z.string().trim().min(1).max(64).optional(),
  })
  .strict()
  .openapi('CreateUser');
export type CreateUserCommand = z.output<typeof CreateUserBody>;

/** Which organisation types each role belongs to; bureau and auditor belong to none. */
const ORG_TYPES_BY_ROLE: Record<Role, OrgType[] | null> = {
  bureau: null,
  auditor: null,
  association: ['association'],
  enterprise: ['enterprise', 'station'],
  host: ['association', 'enterprise'],
  buyer: null,
};

/** Creates an account; `actor` is null for the first bureau user (nobody created it). */
export async function createUser(ctx: HubContext, actor: AuthUser | null, command: CreateUserCommand) {
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
      passwordHash: await hashPassword(command.password, ctx.config.HUB_BCRYPT_ROUNDS),
      role: command.role,
      orgId: command.orgId ?? null,
      displayName: command.displayName ?? null,
      createdAt: new Date(),
    });
    const dto = presentUser(user);
    await saveAudited(user, { actor, action: 'user.create', target: { type: 'user', id: dto.id }, after: dto }, ctx);
    return dto;
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`Username "${command.username}" is taken`, { fields: ['username'] });
    throw err;
  }
}
