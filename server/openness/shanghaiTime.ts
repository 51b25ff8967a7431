/**
 * The county keeps Asia/Shanghai time (UTC+8 all year, no daylight saving), so "today" and report
 * periods are computed with a fixed offset rather than the server's own time zone.
 */
const OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The Shanghai calendar date of `at`, as YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Shanghai wall-clock time of `at` as people read it in an export: "2020-08-01 08:00:00". */
export function shanghaiDateTime(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().replace('T', ' ').slice(0, 19);
}

/** The instant a Shanghai calendar day (YYYY-MM-DD) starts. */
export function shanghaiDayStart(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - OFFSET_MS);
}

/** The instant the Shanghai day after `date` starts (an exclusive upper bound). */
export function shanghaiDayEnd(date: string): Date {
  return new Date(shanghaiDayStart(date).getTime() + DAY_MS);
}

/** Months (YYYY-MM) touched by the Shanghai days from..to inclusive, each with its instant bounds clipped to the period. */
export function monthsBetween(from: string, to: string): { month: string; start: Date; end: Date }[] {
  const periodStart = shanghaiDayStart(from);
  const periodEnd = shanghaiDayEnd(to);
  const months: { month: string; start: Date; end: Date }[] = [];
  let [year, month] = from.slice(0, 7).split('-').map(Number) as [number, number];
  for (;;) {
    const label = `${year}-${String(month).padStart(2, '0')}`;
    const start = shanghaiDayStart(`${label}-01`);
    if (start >= periodEnd) break;
    month += 1;
    if (month === 13) {
      month = 1;
      year += 1;
    }
    const next = shanghaiDayStart(`${year}-${String(month).padStart(2, '0')}-01`);
    months.push({ month: label, start: start < periodStart ? periodStart : start, end: next > periodEnd ? periodEnd : next });
  }
  return months;
}

/** Minutes since the epoch: the per-minute order buckets' key. */
export function epochMinute(at: Date): number {
  return Math.floor(at.getTime() / 60_000);
}
