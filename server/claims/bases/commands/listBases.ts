import { z } from 'zod';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { idAfter, idPage, keysetPaging } from '../../../platform/http/keyset.ts';
import { BaseModel } from '../base.model.ts';
import { baseListScope } from '../policies/baseAccess.ts';
import { presentBase } from '../presenters/base.ts';

export const ListBasesQuery = z.object(keysetPaging).strict();
export type ListBasesCommand = z.output<typeof ListBasesQuery>;

/** Bases in registration (_id) order, keyset-paged. */
export async function listBases(actor: AuthUser, command: ListBasesCommand) {
  const query = baseListScope(actor) === 'all' ? {} : { associationId: actor.orgId };
  const rows = await BaseModel.find({ ...query, ...idAfter(command.cursor, 1) })
    .sort({ _id: 1 })
    .limit(command.limit + 1)
    .lean();
  const { page, nextCursor } = idPage(rows, command.limit);
  return { items: page.map(presentBase), nextCursor };
}
