import type { Model } from 'mongoose';

/**
 * Grouped sums, one `$group` per accumulator. FerretDB 1.24 (the test and small-site store) returns 0
 * for every accumulator after the first in a `$group` stage, so a stage with `{fen: {$sum…},
 * orders: {$sum: 1}}` silently loses the second figure. One accumulator per stage is correct on
 * FerretDB and MongoDB alike; the results are merged here by group key. The one copy of this workaround:
 * every component's grouped sums come through here.
 */
export async function groupedSums<F extends string>(
  model: Model<any>,
  match: Record<string, unknown>,
  groupId: unknown,
  fields: Record<F, string | 1>,
  { concurrent = false }: { concurrent?: boolean } = {},
): Promise<{ id: any; sums: Record<F, number> }[]> {
  const merged = new Map<string, { id: any; sums: Record<F, number> }>();
  const entries = Object.entries(fields) as [F, string | 1][];
  const run = (source: string | 1) =>
    model.aggregate<{ _id: unknown; v: number }>([{ $match: match }, { $group: { _id: groupId, v: { $sum: source } } }]);
  // One pipeline after the other by default (the reports' scans of every order); side by side when asked.
  const results = concurrent ? await Promise.all(entries.map(([, source]) => run(source))) : [];
  for (const [i, [name, source]] of entries.entries()) {
    const rows = concurrent ? results[i]! : await run(source);
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

/**
 * The same sums keyed by `String(group)`, grouped by a field (or everything together: null). The pipelines
 * run side by side (claims' entitlement and budget figures are read on request).
 */
export async function sumsBy<K extends string>(
  model: Model<any>,
  match: Record<string, unknown>,
  groupBy: string | null,
  sums: Record<K, string | 1>,
): Promise<Map<string, Record<K, number>>> {
  const rows = await groupedSums(model, match, groupBy ? `$${groupBy}` : null, sums, { concurrent: true });
  return new Map(rows.map((row) => [String(row.id), row.sums]));
}
