import { z } from 'zod';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { idAfter, idPage, keysetPaging } from '../../../platform/http/keyset.ts';
import { objectId } from '../../../platform/http/schemas.ts';
import { StudioModel } from '../studio.model.ts';
import { studioListScope } from '../policies/studioAccess.ts';
import { presentStudio } from '../presenters/studio.ts';

export const ListStudiosQuery = z.object({ baseId: objectId('baseId').optional(), ...keysetPaging }).strict();
export type ListStudiosCommand = z.output<typeof ListStudiosQuery>;

/** Studios in creation (_id) order, keyset-paged. */
export async function listStudios(actor: AuthUser, command: ListStudiosCommand) {
  const query: Record<string, unknown> = {};
  if (command.baseId) query.baseId = command.baseId;
  if (studioListScope(actor) === 'own') query.associationId = actor.orgId;
  const rows = await StudioModel.find({ ...query, ...idAfter(command.cursor, 1) })
    .sort({ _id: 1 })
    .limit(command.limit + 1)
    .lean();
  const { page, nextCursor } = idPage(rows, command.limit);
  return { items: page.map(presentStudio), nextCursor };
}
