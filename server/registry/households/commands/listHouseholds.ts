import { z } from 'zod';
import { decodeKeyCursor, encodeKeyCursor, keysetPaging } from '../../../platform/http/keyset.ts';
import { paging } from '../../../platform/http/schemas.ts';
import { TOWNSHIPS } from '../../../../config/places.ts';
import { HouseholdModel } from '../household.model.ts';
import { presentHousehold } from '../presenters/household.ts';
import { township } from './registerHousehold.ts';

export const ListHouseholdsQuery = z.object({ township: township.optional(), ...paging, cursor: keysetPaging.cursor }).strict();
export type ListHouseholdsCommand = z.output<typeof ListHouseholdsQuery>;

/**
 * The registry in registry-number order. Keyset-paged on the unique registryNo (`cursor`); `offset`
 * (skip) still works for old clients but costs what it skips.
 */
export async function listHouseholds(command: ListHouseholdsCommand) {
  const query: Record<string, unknown> = command.township ? { township: command.township } : {};
  if (command.cursor !== undefined) query.registryNo = { $gt: decodeKeyCursor(command.cursor) };
  const [rows, total] = await Promise.all([
    HouseholdModel.find(query)
      .sort({ registryNo: 1 })
      .skip(command.cursor === undefined ? command.offset : 0)
      .limit(command.limit + 1)
      .lean(),
    command.township
      ? HouseholdModel.countDocuments({ township: command.township })
      : // The whole registry's total as a sum of per-township counts, each served by the {township, village}
        // index (a household's township is one of the county's fixed list), never a count over the collection.
        Promise.all(TOWNSHIPS.map((township) => HouseholdModel.countDocuments({ township }))).then((counts) =>
          counts.reduce((a, b) => a + b, 0),
        ),
  ]);
  const items = rows.slice(0, command.limit);
  return {
    items: items.map(presentHousehold),
    total,
    nextCursor: rows.length > command.limit ? encodeKeyCursor(items.at(-1)!.registryNo) : null,
  };
}
