import { idAfter, idPage } from '../../platform/http/keyset.ts';
import { BaseModel, baseDto } from './base.model.ts';
import { saveAudited } from '../../platform/audit/outbox.ts';
import { conflict, forbidden, isDuplicateKeyError, notFound } from '../../platform/errors.ts';
import { READ_ALL_ROLES, type AuthUser } from '../../platform/auth/roles.ts';

export async function registerBase(actor: AuthUser, name: string) {
  if (!actor.orgId) throw forbidden('Only an association user of an organisation may register a base');
  try {
    const base = new BaseModel({ name, associationId: actor.orgId, createdAt: new Date() });
    const dto = baseDto(base);
    await saveAudited(base, { actor, action: 'base.register', target: { type: 'base', id: dto.id }, after: dto });
    return dto;
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`Your association already has a base named ${name}`, { fields: ['name'] });
    throw err;
  }
}

/** The bureau records the filing (备案); a claim for the base needs it before submission. */
export async function fileBase(actor: AuthUser, id: string, filing: { filingNo: string; filedAt: Date }) {
  const base = await BaseModel.findById(id);
  if (!base) throw notFound('Base');
  if (base.filed)
    throw conflict(`Base ${id} is already filed as ${base.filingNo}`, { status: 'filed', filingNo: base.filingNo }, 'wrong_state');
  const before = baseDto(base);
  base.set({ filed: true, filingNo: filing.filingNo, filedAt: filing.filedAt });
  const dto = baseDto(base);
  await saveAudited(base, { actor, action: 'base.file', target: { type: 'base', id }, before, after: dto });
  return dto;
}

/** Bases in registration (_id) order, keyset-paged. */
export async function listBases(actor: AuthUser, filter: { limit: number; cursor?: string }) {
  const query = READ_ALL_ROLES.includes(actor.role) || actor.role === 'host' ? {} : { associationId: actor.orgId };
  const rows = await BaseModel.find({ ...query, ...idAfter(filter.cursor, 1) })
    .sort({ _id: 1 })
    .limit(filter.limit + 1)
    .lean();
  const { page, nextCursor } = idPage(rows, filter.limit);
  return { items: page.map(baseDto), nextCursor };
}

export async function getBase(actor: AuthUser, id: string) {
  const base = await BaseModel.findById(id).lean();
  if (!base) throw notFound('Base');
  if (actor.role === 'association' && String(base.associationId) !== actor.orgId)
    throw forbidden('This base belongs to another association');
  return baseDto(base);
}
