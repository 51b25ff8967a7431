import { idAfter, idPage } from '../../platform/http/keyset.ts';
import { StudioModel, type Studio } from './studio.model.ts';
import { BaseModel } from '../../claims/bases/base.model.ts';
import { saveAudited } from '../../platform/audit/outbox.ts';
import { conflict, forbidden, isDuplicateKeyError, notFound } from '../../platform/errors.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';

export function studioDto(s: Studio & { _id: unknown; createdAt?: Date }) {
  return {
    id: String(s._id),
    baseId: String(s.baseId),
    associationId: String(s.associationId),
    name: s.name,
    createdAt: s.createdAt?.toISOString?.() ?? null,
  };
}

export async function createStudio(actor: AuthUser, command: { baseId: string; name: string }) {
  const base = await BaseModel.findById(command.baseId).lean();
  if (!base) throw notFound('Base');
  if (String(base.associationId) !== actor.orgId) throw forbidden('This base belongs to another association');
  try {
    const studio = new StudioModel({ baseId: command.baseId, associationId: actor.orgId, name: command.name, createdAt: new Date() });
    const dto = studioDto(studio.toObject());
    await saveAudited(studio, { actor, action: 'studio.create', target: { type: 'studio', id: dto.id }, after: dto });
    return dto;
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`This base already has a studio named ${command.name}`, { fields: ['name'] });
    throw err;
  }
}

/** Studios in creation (_id) order, keyset-paged. */
export async function listStudios(actor: AuthUser, filter: { baseId?: string; limit: number; cursor?: string }) {
  const query: Record<string, unknown> = {};
  if (filter.baseId) query.baseId = filter.baseId;
  if (actor.role === 'association') query.associationId = actor.orgId;
  const rows = await StudioModel.find({ ...query, ...idAfter(filter.cursor, 1) })
    .sort({ _id: 1 })
    .limit(filter.limit + 1)
    .lean();
  const { page, nextCursor } = idPage(rows, filter.limit);
  return { items: page.map(studioDto), nextCursor };
}

export async function requireStudio(id: string) {
  const studio = await StudioModel.findById(id).lean();
  if (!studio) throw notFound('Studio');
  return studio;
}
