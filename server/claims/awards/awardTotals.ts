import type { Redis } from 'ioredis';
import { PROGRAMS } from '../../../config/policies/types.ts';
import { chinaDate } from '../money.ts';
import { AwardModel, type Award } from './award.model.ts';

/**
 * Award totals per programme and Beijing day, in Redis: how many awards and how much was approved on each day, so a
 * disclosure search's count and total read one hash field per day instead of every award in its range (a decade
 * holds ~3,650 days, and 20,000 awards); and how much was paid, by the later of the approval and payment days, so a
 * report's to-date figures (approved and paid, both before its end) are sums of days too.
 *
 * Each claim's contribution (`program|approval day|approvedFen|paid day|paidFen`) is kept beside the totals, and one
 * Lua script moves the totals from a claim's old contribution to its new one: applying the same award twice, from its
 * writer and from a repair, counts it once. (The script names the programme's keys itself, from the prefix: fine on
 * the one Redis the hub runs on, not on a Redis Cluster.) The totals are trusted only once built (`…:awards:totals-built`): after a Redis
 * that lost them, or on a database whose awards were loaded directly, searches read the awards until the claims
 * maintenance job rebuilds them from the awards collection.
 */

const keys = (prefix: string) => ({
  contributions: `${prefix}:awards:contributions`,
  built: `${prefix}:awards:totals-built`,
  count: (program: string) => `${prefix}:awards:count:${program}`,
  fen: (program: string) => `${prefix}:awards:fen:${program}`,
  paid: (program: string) => `${prefix}:awards:paid:${program}`,
});

// KEYS[1] contributions; ARGV[1] claim id, ARGV[2] its contribution now ('' when it has no award), ARGV[3] key prefix.
const APPLY = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if (old or '') == ARGV[2] then return 0 end
local function add(c, sign)
  local program, day, fen, paidDay, paidFen = string.match(c, '^([^|]+)|([^|]+)|(%-?%d+)|([^|]*)|(%-?%d*)$')
  redis.call('HINCRBY', ARGV[3] .. ':awards:count:' .. program, day, sign)
  redis.call('HINCRBY', ARGV[3] .. ':awards:fen:' .. program, day, sign * tonumber(fen))
  if paidDay ~= '' then
    redis.call('HINCRBY', ARGV[3] .. ':awards:paid:' .. program, paidDay, sign * tonumber(paidFen))
  end
end
if old then add(old, -1) end
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  add(ARGV[2], 1)
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 1
`;

type Counted = Pick<Award, 'approvedAt' | 'approvedFen'> & { program: string; paidFen?: number | null; paidAt?: Date | null };

const day = (at: Date) => chinaDate(at.toISOString());

function contribution(award: Counted | null): string {
  if (!award) return '';
  const approved = `${award.program}|${day(award.approvedAt)}|${award.approvedFen}`;
  if (!award.paidAt) return `${approved}||`;
  // Paid to date at a report's end counts awards both approved and paid before it: the later of the two days.
  const counted = award.paidAt > award.approvedAt ? award.paidAt : award.approvedAt;
  return `${approved}|${day(counted)}|${award.paidFen ?? 0}`;
}

/** Moves the totals to this claim's award as it now is (null: it has none). Idempotent. */
export async function countAward(redis: Redis, prefix: string, claimId: string, award: Counted | null): Promise<void> {
  await redis.eval(APPLY, 1, keys(prefix).contributions, claimId, contribution(award), prefix);
}

/** Rebuilds the totals from the awards collection (the claims maintenance job, when they are not built). */
export async function rebuildAwardTotals(redis: Redis, prefix: string): Promise<number> {
  const k = keys(prefix);
  await redis.del(k.built, k.contributions, ...PROGRAMS.flatMap((p) => [k.count(p), k.fen(p), k.paid(p)]));
  let counted = 0;
  // Pages of 1,000 in _id order (a keyset walk of the _id index), each applied in one pipeline.
  for (let after: unknown = null; ; ) {
    const page = await AwardModel.find(
      { _id: after ? { $gt: after } : { $type: 'objectId' } },
      { claimId: 1, program: 1, approvedAt: 1, approvedFen: 1, paidAt: 1, paidFen: 1 },
    )
      .sort({ _id: 1 })
      .limit(1000)
      .lean();
    if (!page.length) break;
    const pipeline = redis.pipeline();
    for (const award of page) pipeline.eval(APPLY, 1, k.contributions, String(award.claimId), contribution(award), prefix);
    await pipeline.exec();
    counted += page.length;
    after = page.at(-1)!._id;
  }
  await redis.set(k.built, new Date().toISOString());
  return counted;
}

export async function awardTotalsBuilt(redis: Redis, prefix: string): Promise<boolean> {
  return (await redis.exists(keys(prefix).built)) === 1;
}

const DAY_MS = 86_400_000;
const BEIJING_MS = 8 * 3_600_000;
const isBeijingMidnight = (at: Date) => (at.getTime() + BEIJING_MS) % DAY_MS === 0;

type DayTotal = 'count' | 'fen' | 'paid';
type Days = Record<string, string>;

/** These day totals of each programme (day → value), or null when they are not built. One round trip. */
async function readDays<T extends DayTotal>(
  redis: Redis,
  prefix: string,
  programs: readonly string[],
  totals: readonly T[],
): Promise<Record<T, Days>[] | null> {
  const k = keys(prefix);
  const pipeline = redis.pipeline().exists(k.built);
  for (const p of programs) for (const t of totals) pipeline.hgetall(k[t](p));
  const results = (await pipeline.exec()) ?? [];
  if (results[0]?.[1] !== 1) return null;
  let next = 1;
  return programs.map(
    () => Object.fromEntries(totals.map((t) => [t, (results[next++]?.[1] as Days | undefined) ?? {}])) as Record<T, Days>,
  );
}

/** The sum of the days in [first, end) (Beijing dates, YYYY-MM-DD; '' and '\uffff' leave a side open). */
const sumDays = (days: Days, first = '', end = '\uffff') =>
  Object.entries(days).reduce((sum, [d, value]) => (d >= first && d < end ? sum + Number(value) : sum), 0);

/**
 * The count and approved total of the awards of these programmes approved in [from, to), from the day totals; null
 * when the totals cannot answer (not built, or a bound that is not a Beijing midnight).
 */
export async function totalsFromDays(
  redis: Redis,
  prefix: string,
  programs: readonly string[],
  from: Date | undefined,
  to: Date | undefined,
): Promise<{ count: number; totalApprovedFen: number } | null> {
  if ((from && !isBeijingMidnight(from)) || (to && !isBeijingMidnight(to))) return null;
  const perProgram = await readDays(redis, prefix, programs, ['count', 'fen'] as const);
  if (!perProgram) return null;
  const first = from ? day(from) : undefined;
  const end = to ? day(to) : undefined;
  return {
    count: perProgram.reduce((sum, p) => sum + sumDays(p.count, first, end), 0),
    totalApprovedFen: perProgram.reduce((sum, p) => sum + sumDays(p.fen, first, end), 0),
  };
}

/**
 * Per programme, what was approved and paid before `end` (a Beijing midnight): approved by approval day, paid by the
 * later of the approval and payment days. Null when the totals cannot answer.
 */
export async function toDateFromDays(
  redis: Redis,
  prefix: string,
  programs: readonly string[],
  end: Date,
): Promise<Map<string, { approvedFen: number; paidFen: number }> | null> {
  if (!isBeijingMidnight(end)) return null;
  const perProgram = await readDays(redis, prefix, programs, ['fen', 'paid'] as const);
  if (!perProgram) return null;
  const last = day(end);
  return new Map(
    programs.map((p, i) => [p, { approvedFen: sumDays(perProgram[i]!.fen, '', last), paidFen: sumDays(perProgram[i]!.paid, '', last) }]),
  );
}

/** Per programme, every award's count, approved fen and paid fen, from the day totals; null when not built. */
export async function programTotalsFromDays(
  redis: Redis,
  prefix: string,
  programs: readonly string[],
): Promise<Map<string, { approvedClaims: number; approvedFen: number; paidFen: number }> | null> {
  const perProgram = await readDays(redis, prefix, programs, ['count', 'fen', 'paid'] as const);
  if (!perProgram) return null;
  return new Map(
    programs.map((p, i) => {
      const t = perProgram[i]!;
      return [p, { approvedClaims: sumDays(t.count), approvedFen: sumDays(t.fen), paidFen: sumDays(t.paid) }];
    }),
  );
}
