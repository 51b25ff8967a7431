import type { Model } from 'mongoose';

/**
 * Sums several fields per group. FerretDB 1.24 computes only the first accumulator of a $group
 * correctly (the others come back 0), so each sum runs as its own one-accumulator pipeline.
 */
export async function sumsBy<K extends string>(
  model: Model<any>, match: Record<string, unknown>, groupBy: string | null, sums: Record<K, string | 1>,
): Promise<Map<string, Record<K, number>>> {
  const out = new Map<string, Record<K, number>>();
  const names = Object.keys(sums) as K[];
  const results = await Promise.all(
    names.map((name) =>
      model.aggregate<{ _id: unknown; v: number }>([{ $match: match }, { $group: { _id: groupBy ? `$${groupBy}` : null, v: { $sum: sums[name] } } }]),
    ),
  );
  results.forEach((rows, i) => {
    for (const row of rows) {
      const key = String(row._id);
      const entry = out.get(key) ?? (Object.fromEntries(names.map((n) => [n, 0])) as Record<K, number>);
      entry[names[i]!] = row.v ?? 0;
      out.set(key, entry);
    }
  });
  return out;
}
