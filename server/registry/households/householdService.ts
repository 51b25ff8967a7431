import { HouseholdModel, householdDto } from './household.model.ts';
import { saveAudited } from '../../platform/audit/outbox.ts';
import { hubEvents } from '../../platform/events.ts';
import { conflict, isDuplicateKeyError, notFound } from '../../platform/errors.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { TOWNSHIPS, type Township } from '../../../config/places.ts';
import { decodeKeyCursor, encodeKeyCursor } from '../../platform/http/keyset.ts';

export interface RegisterHouseholdCommand {
  registryNo: string;
  name: string;
  township: Township;
  village: string;
  registeredFrom: Date;
  registeredUntil?: Date;
}

export async function registerHousehold(actor: AuthUser, command: RegisterHouseholdCommand) {
  try {
    const household = new HouseholdModel(command);
    const dto = householdDto(household);
    await saveAudited(household, {
      actor,
      action: 'household.register',
      target: { type: 'household', id: dto.id },
      after: { registryNo: dto.registryNo, township: dto.township, village: dto.village },
    });
    // Claims re-assess pending procurement claims that name this household.
    hubEvents.emit('household.registered', { registryNo: dto.registryNo });
    return dto;
  } catch (err) {
    if (isDuplicateKeyError(err))
      throw conflict(`Household registry number ${command.registryNo} is already registered`, { fields: ['registryNo'] });
    throw err;
  }
}

/**
 * The registry in registry-number order. Keyset-paged on the unique registryNo (`cursor`); `offset`
 * (skip) still works for old clients but costs what it skips.
 */
export async function listHouseholds(filter: { township?: Township; limit: number; offset: number; cursor?: string }) {
  const query: Record<string, unknown> = filter.township ? { township: filter.township } : {};
  if (filter.cursor !== undefined) query.registryNo = { $gt: decodeKeyCursor(filter.cursor) };
  const [rows, total] = await Promise.all([
    HouseholdModel.find(query)
      .sort({ registryNo: 1 })
      .skip(filter.cursor === undefined ? filter.offset : 0)
      .limit(filter.limit + 1)
      .lean(),
    filter.township
      ? HouseholdModel.countDocuments({ township: filter.township })
      : // The whole registry's total as a sum of per-township counts, each served by the {township, village}
        // index (a household's township is one of the county's fixed list), never a count over the collection.
        Promise.all(TOWNSHIPS.map((township) => HouseholdModel.countDocuments({ township }))).then((counts) =>
          counts.reduce((a, b) => a + b, 0),
        ),
  ]);
  const items = rows.slice(0, filter.limit);
  return {
    items: items.map(householdDto),
    total,
    nextCursor: rows.length > filter.limit ? encodeKeyCursor(items.at(-1)!.registryNo) : null,
  };
}

export async function getHousehold(id: string) {
  const h = await HouseholdModel.findById(id).lean();
  if (!h) throw notFound('Household');
  return householdDto(h);
}
