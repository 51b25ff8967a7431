import { BaseModel, baseDto } from './base.model.ts';
import { appendAudit } from '../../platform/audit/auditLog.ts';
import { conflict, forbidden, isDuplicateKeyError, notFound } from '../../platform/errors.ts';
import { READ_ALL_ROLES, type AuthUser } from '../../platform/auth/roles.ts';

export async function registerBase(actor: AuthUser, name: string) {
  if (!actor.orgId) throw forbidden('Only an association user of an organisation may register a base');
  try {
    const base = await BaseModel.create({ name, associationId: actor.orgId });
    const dto = baseDto(base);
    await appendAudit({ actor, action: 'base.register', target: { type: 'base', id: dto.id }, after: dto });
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
  if (base.filed) throw conflict(`Base ${id} is already filed as ${base.filingNo}`, { status: 'filed', filingNo: base.filingNo }, 'wrong_state');
  const before = baseDto(base);
  base.set({ filed: true, filingNo: filing.filingNo, filedAt: filing.filedAt });
  await base.save();
  const dto = baseDto(base);
  await appendAudit({ actor, action: 'base.file', target: { type: 'base', id }, before, after: dto });
  return dto;
}

export async function listBases(actor: AuthUser) {
  const query = READ_ALL_ROLES.includes(actor.role) || actor.role === 'host' ? {} : { associationId: actor.orgId };
  return { items: (await BaseModel.find(query).sort({ createdAt: 1 }).lean()).map(baseDto) };
}

export async function getBase(actor: AuthUser, id: string) {
  const base = await BaseModel.findById(id).lean();
  if (!base) throw notFound('Base');
  if (actor.role === 'association' && String(base.associationId) !== actor.orgId) throw forbidden('This base belongs to another association');
  return baseDto(base);
}
