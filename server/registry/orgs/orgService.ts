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

export async function listOrgs(actor: AuthUser, filter: { type?: OrgType }) {
  const query: Record<string, unknown> = {};
  if (filter.type) query.type = filter.type;
  if (!READ_ALL_ROLES.includes(actor.role)) {
    if (!actor.orgId) return { items: [] };
    query._id = actor.orgId;
  }
  const orgs = await OrgModel.find(query).sort({ createdAt: 1 }).lean();
  return { items: orgs.map(orgDto) };
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
