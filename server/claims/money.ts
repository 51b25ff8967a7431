/** Money helpers for claims: integer fen only; rates in basis points, applied with BigInt so no product loses precision. */

/** Integer fen as ¥1,234.56: the one formatter, config/money.ts (shared with the client). */
export { formatYuan } from '../../config/money.ts';

/** rate × amount, rounded DOWN to the fen (POLICY.md: the county never pays more than the rate allows). */
export function applyRateDown(amountFen: number, rateBasisPoints: number): number {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0)
    throw new RangeError(`amount must be a non-negative safe integer of fen, got ${amountFen}`);
  if (!Number.isSafeInteger(rateBasisPoints) || rateBasisPoints < 0)
    throw new RangeError(`rate must be whole basis points, got ${rateBasisPoints}`);
  // eligible (≤ ~10^14) × 10000 can pass 2^53; BigInt keeps the product exact before the floor division.
  return Number((BigInt(amountFen) * BigInt(rateBasisPoints)) / 10000n);
}

/** 2000 → "20%", 1350 → "13.5%". */
export function formatRate(rateBasisPoints: number): string {
  const whole = Math.floor(rateBasisPoints / 100);
  const rest = rateBasisPoints % 100;
  return rest === 0 ? `${whole}%` : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}%`;
}

/** What a cap leaves: null cap = unlimited. */
export function remainingUnderCap(capFen: number | null, approvedFen: number): number | null {
  return capFen === null ? null : Math.max(0, capFen - approvedFen);
}

/** The calendar date in China (UTC+8) of an ISO instant, for trace lines. */
export function chinaDate(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
}
