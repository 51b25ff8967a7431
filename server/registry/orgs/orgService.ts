import { idAfter, idPage } from '../../platform/http/keyset.ts';
import { OrgModel, orgDto, type OrgType } from './org.model.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { saveAudited } from '../../platform/audit/outbox.ts';
import { reserveUniqueKey } from '../../platform/uniqueKeys.ts';
import { READ_ALL_ROLES, type AuthUser } from '../../platform/auth/roles.ts';
import type { Township } from '../../../config/places.ts';

export interface CreateOrgCommand {
  type: OrgType;
  name: string;
  creditCode?: string;
  township?: Township;
}

export async function createOrg(actor: AuthUser, command: CreateOrgCommand) {
  const org = new OrgModel({ ...command, creditCode: command.creditCode ?? null, township: command.township ?? null });
  if (command.creditCode && !(await reserveUniqueKey(`org.creditCode:${command.creditCode}`, String(org._id)))) {
    throw conflict(`An organisation with credit code ${command.creditCode} already exists`, { fields: ['creditCode'] });
  }
  // createdAt set now so the event (written with the record) names it as stored.
  org.set({ createdAt: new Date() });
  const dto = orgDto(org);
  await saveAudited(org, { actor, action: 'org.create', target: { type: 'org', id: dto.id }, after: dto });
  return dto;
}

/** Organisations in registration (_id) order, keyset-paged; others than bureau and auditor see their own. */
export async function listOrgs(actor: AuthUser, filter: { type?: OrgType; limit: number; cursor?: string }) {
  const query: Record<string, unknown> = {};
  if (filter.type) query.type = filter.type;
  if (!READ_ALL_ROLES.includes(actor.role)) {
    if (!actor.orgId || filter.cursor !== undefined) return { items: [], nextCursor: null };
    const own = await OrgModel.find({ ...query, _id: actor.orgId }).lean();
    return { items: own.map(orgDto), nextCursor: null };
  }
  const rows = await OrgModel.find({ ...query, ...idAfter(filter.cursor, 1) })
    .sort({ _id: 1 })
    .limit(filter.limit + 1)
    .lean();
  const { page, nextCursor } = idPage(rows, filter.limit);
  return { items: page.map(orgDto), nextCursor };
}

export async function getOrg(actor: AuthUser, id: string) {
  if (!READ_ALL_ROLES.includes(actor.role) && actor.orgId !== id) throw forbidden('You may only see your own organisation');
  const org = await OrgModel.findById(id).lean();
  if (!org) throw notFound('Organisation');
  return orgDto(org);
}

/** Loads an organisation and checks its type, for services that attach records to one. */
export async function requireOrgOfType(id: string, types: OrgType[], field = 'orgId') {
  const org = await OrgModel.findById(id).lean();
  if (!org) throw badRequest(`Invalid field "${field}": no organisation with id ${id}`);
  if (!types.includes(org.type as OrgType)) {
    throw badRequest(`Invalid field "${field}": organisation ${id} is a ${org.type}, expected ${types.join(' or ')}`);
  }
  return org;
}
