import type { Model } from 'mongoose';

/**
 * Grouped sums, one `$group` per accumulator. FerretDB 1.24 (the test and small-site store) returns 0
 * for every accumulator after the first in a `$group` stage, so a stage with `{fen: {$sum…},
 * orders: {$sum: 1}}` silently loses the second figure. One accumulator per stage is correct on
 * FerretDB and MongoDB alike; the results are merged here by group key.
 */
export async function groupedSums<F extends string>(
  model: Model<any>,
  match: Record<string, unknown>,
  groupId: unknown,
  fields: Record<F, string | 1>,
): Promise<{ id: any; sums: Record<F, number> }[]> {
  const merged = new Map<string, { id: any; sums: Record<F, number> }>();
  for (const [name, source] of Object.entries(fields) as [F, string | 1][]) {
    const rows = await model.aggregate<{ _id: unknown; v: number }>([{ $match: match }, { $group: { _id: groupId, v: { $sum: source } } }]);
    for (const row of rows) {
      const key = JSON.stringify(row._id);
      let entry = merged.get(key);
      if (!entry) {
        entry = { id: row._id, sums: Object.fromEntries(Object.keys(fields).map((f) => [f, 0])) as Record<F, number> };
        merged.set(key, entry);
      }
      entry.sums[name] = row.v ?? 0;
    }
  }
  return [...merged.values()];
}
