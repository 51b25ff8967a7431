import { z } from 'zod';
import type { HubContext } from '../platform/context.ts';
import { budgetCategories as storedBudgetCategories, getPolicy } from '../claims/claimReads.ts';
import { PER_MINUTE_WINDOW, overviewKeys } from './overviewKeys.ts';
import { productFacts, sessionTitle } from './overviewCounters.ts';
import { epochMinute, shanghaiDate } from './shanghaiTime.ts';
import { beijingMonth, stationMonth } from '../commerce/fulfilment/stationMonthly.ts';

const Ranked = z.object({ key: z.string(), label: z.string(), fen: z.number().int() });

export const OverviewResponse = z
  .object({
    generatedAt: z.string(),
    version: z
      .number()
      .int()
      .openapi({ description: 'Counter version; pushes on /screen with a lower version are older than this snapshot' }),
    builtAt: z.string().nullable().openapi({ description: 'When the counters were last rebuilt from the database' }),
    today: z.string().openapi({ description: 'Today in Asia/Shanghai (YYYY-MM-DD)' }),
    sessions: z.object({ liveNow: z.number().int(), viewers: z.number().int(), liveIds: z.array(z.string()) }),
    gmv: z.object({
      todayFen: z.number().int(),
      totalFen: z.number().int(),
      ordersToday: z.number().int(),
      ordersTotal: z.number().int(),
      bySession: z.array(Ranked.extend({ live: z.boolean() })).openapi({ description: 'Top 10 sessions by GMV, all time' }),
      byBrand: z.array(Ranked),
      byTownship: z.array(Ranked),
      perMinute: z
        .array(z.object({ t: z.number().int(), at: z.string(), orders: z.number().int(), fen: z.number().int() }))
        .openapi({ description: 'The last 60 minutes, oldest first; t = minutes since the epoch' }),
    }),
    subsidies: z.array(
      z.object({
        program: z.string(),
        nameZh: z.string(),
        approvedFen: z.number().int(),
        paidFen: z.number().int(),
        capFen: z.number().int().nullable().openapi({ description: 'The cumulative cap per beneficiary (null = none stated)' }),
      }),
    ),
    budget: z.array(
      z.object({
        category: z.string(),
        nameZh: z.string(),
        shareBasisPoints: z.number().int(),
        allocatedFen: z.number().int(),
        approvedFen: z.number().int(),
        paidFen: z.number().int(),
        programs: z.array(z.string()),
      }),
    ),
    poverty: z.object({
      householdsBenefiting: z
        .number()
        .int()
        .openapi({ description: 'Distinct registered households in approved procurement claims or selling through their products' }),
      procurementFen: z.number().int().openapi({ description: 'Purchases from households behind approved poverty-procurement claims' }),
      householdSalesFen: z.number().int().openapi({ description: 'GMV of products that name a registered household' }),
    }),
    topProducts: z.array(Ranked).openapi({ description: 'Top 10 products by GMV, all time' }),
    stations: z
      .object({
        month: z.string().openapi({ description: 'This Beijing-time month (YYYY-MM)' }),
        items: z.array(
          z.object({
            stationOrgId: z.string(),
            name: z.string(),
            township: z.string().nullable(),
            parcels: z.number().int(),
            pickedUp: z.number().int(),
          }),
        ),
      })
      .openapi({ description: 'Parcels that arrived at each township/village station this month (and of those picked up), busiest first' }),
  })
  .openapi('PublicOverview');
export type Overview = z.infer<typeof OverviewResponse>;

let budgetCache: {
  version: string;
  rows: { code: string; nameZh: string; shareBasisPoints: number; allocatedFen: number }[];
  until: number;
} | null = null;

async function budgetCategories(version: string) {
  if (budgetCache && budgetCache.version === version && budgetCache.until > Date.now()) return budgetCache.rows;
  const rows = (await storedBudgetCategories(version)).map((r) => ({
    code: r.code,
    nameZh: r.nameZh,
    shareBasisPoints: r.shareBasisPoints,
    allocatedFen: r.allocatedFen,
  }));
  budgetCache = { version, rows, until: Date.now() + 60_000 };
  return rows;
}

const int = (v: string | null | undefined) => (v ? Math.round(Number(v)) : 0);

function pairs(flat: string[]): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, int(flat[i + 1])]);
  return out;
}

/**
 * The big-screen figures, read from the incrementally maintained Redis counters in one round trip
 * (plus small cached look-ups for names), never by aggregating orders.
 */
export async function readOverview(ctx: HubContext, now = new Date()): Promise<Overview> {
  const keys = overviewKeys(ctx.config);
  const today = shanghaiDate(now);
  const lastMinute = epochMinute(now);
  const minutes = Array.from({ length: PER_MINUTE_WINDOW }, (_, i) => lastMinute - PER_MINUTE_WINDOW + 1 + i);
  const pipeline = ctx.redis.pipeline();
  pipeline.hgetall(keys.total);
  pipeline.hgetall(keys.day(today));
  pipeline.zrevrange(keys.bySession, 0, 9, 'WITHSCORES');
  pipeline.zrevrange(keys.byBrand, 0, -1, 'WITHSCORES');
  pipeline.zrevrange(keys.byTownship, 0, -1, 'WITHSCORES');
  pipeline.zrevrange(keys.byProduct, 0, 9, 'WITHSCORES');
  pipeline.smembers(keys.live);
  pipeline.hvals(keys.viewers);
  pipeline.hgetall(keys.subsidyApproved);
  pipeline.hgetall(keys.subsidyPaid);
  pipeline.hgetall(keys.poverty);
  pipeline.scard(keys.povertyHouseholds);
  pipeline.get(keys.version);
  pipeline.get(keys.builtAt);
  for (const m of minutes) pipeline.hmget(keys.minute(m), 'orders', 'fen');
  const results = (await pipeline.exec())!.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
  const [
    total,
    day,
    sessionsZ,
    brandsZ,
    townshipsZ,
    productsZ,
    liveIds,
    viewerCounts,
    approved,
    paid,
    poverty,
    households,
    version,
    builtAt,
  ] = results as [
    Record<string, string>,
    Record<string, string>,
    string[],
    string[],
    string[],
    string[],
    string[],
    string[],
    Record<string, string>,
    Record<string, string>,
    Record<string, string>,
    number,
    string | null,
    string | null,
  ];
  const minuteRows = results.slice(14) as [string | null, string | null][];

  const month = beijingMonth(now);
  const stations = await stationMonth(ctx, month);
  const policy = await getPolicy(ctx.config.HUB_POLICY_VERSION);
  const budgetRows = await budgetCategories(ctx.config.HUB_POLICY_VERSION);
  const live = new Set(liveIds);

  const bySession = await Promise.all(
    pairs(sessionsZ).map(async ([id, fen]) => ({ key: id, label: await sessionTitle(id), fen, live: live.has(id) })),
  );
  const topProducts = await Promise.all(
    pairs(productsZ).map(async ([id, fen]) => ({ key: id, label: (await productFacts(id)).name, fen })),
  );

  const subsidies = policy.programs.map((rule) => ({
    program: rule.code,
    nameZh: rule.nameZh,
    approvedFen: int(approved[rule.code]),
    paidFen: int(paid[rule.code]),
    capFen: rule.capFen,
  }));
  const budget = budgetRows.map((row) => {
    const programs = policy.programs.filter((p) => p.budgetCategory === row.code).map((p) => p.code);
    return {
      category: row.code,
      nameZh: row.nameZh,
      shareBasisPoints: row.shareBasisPoints,
      allocatedFen: row.allocatedFen,
      approvedFen: programs.reduce((s, p) => s + int(approved[p]), 0),
      paidFen: programs.reduce((s, p) => s + int(paid[p]), 0),
      programs,
    };
  });

  return {
    generatedAt: now.toISOString(),
    version: int(version),
    builtAt: builtAt ?? null,
    today,
    sessions: { liveNow: liveIds.length, viewers: viewerCounts.reduce((s, v) => s + int(v), 0), liveIds },
    gmv: {
      todayFen: int(day.fen),
      totalFen: int(total.fen),
      ordersToday: int(day.orders),
      ordersTotal: int(total.orders),
      bySession,
      byBrand: pairs(brandsZ).map(([name, fen]) => ({ key: name, label: name, fen })),
      byTownship: pairs(townshipsZ).map(([name, fen]) => ({ key: name, label: name, fen })),
      perMinute: minutes.map((t, i) => ({
        t,
        at: new Date(t * 60_000).toISOString(),
        orders: int(minuteRows[i]![0]),
        fen: int(minuteRows[i]![1]),
      })),
    },
    subsidies,
    budget,
    poverty: {
      householdsBenefiting: households,
      procurementFen: int(poverty.procurementFen),
      householdSalesFen: int(poverty.householdSalesFen),
    },
    topProducts,
    stations: { month, items: stations },
  };
}
