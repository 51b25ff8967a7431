import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { saveAudited } from '../../../platform/audit/outbox.ts';
import { conflict, isDuplicateKeyError, notFound } from '../../../platform/errors.ts';
import { objectId, text } from '../../../platform/http/schemas.ts';
import { baseRecord } from '../../../claims/bases/baseReads.ts';
import { StudioModel } from '../studio.model.ts';
import { assertCanAddStudio } from '../policies/studioAccess.ts';
import { presentStudio } from '../presenters/studio.ts';

export const CreateStudioBody = z
  .object({ baseId: objectId('baseId'), name: text(100) })
  .strict()
  .openapi('CreateStudio');
export type CreateStudioCommand = z.output<typeof CreateStudioBody>;

/** Adds a studio to the actor's association's base; the (baseId, name) unique index answers a duplicate name. */
export async function createStudio(ctx: HubContext, actor: AuthUser, command: CreateStudioCommand) {
  const base = await baseRecord(command.baseId);
  if (!base) throw notFound('Base');
  assertCanAddStudio(actor, base);
  try {
    const studio = new StudioModel({ baseId: command.baseId, associationId: actor.orgId, name: command.name, createdAt: new Date() });
    const dto = presentStudio(studio.toObject());
    await saveAudited(studio, { actor, action: 'studio.create', target: { type: 'studio', id: dto.id }, after: dto }, ctx);
    return dto;
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`This base already has a studio named ${command.name}`, { fields: ['name'] });
    throw err;
  }
}
