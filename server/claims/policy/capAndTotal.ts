import type { ProgramRule, StationLevel } from '../../../config/policies/types.ts';
import type { TextKey } from '../../../config/claimTexts.ts';
import { applyRateDown, formatRate, formatYuan, remainingUnderCap } from '../money.ts';

/**
 * The one money rule, pure: what a claim is worth under a programme rule and how much of the cumulative
 * cap it may take. The assessment (calculators), the review (the cap handed to the Lua ledger, which only
 * enforces it atomically) and the entitlement figures all call it; nothing else computes a cap or a total.
 */

export interface CapFacts {
  rule: ProgramRule;
  /** The claim's items; `eligible` once judged (judging is the calculators' job). */
  items: { amountFen: number; eligible?: boolean }[];
  /** service_station: this claim's level and whether its fixed award is due (not a taken place, a station claimant). */
  station?: { level: StationLevel; awarded: boolean } | null;
  /** service_station: the levels the operator claims in its other claims that are not rejected; the highest sets its cap. */
  stationLevelsClaimed?: StationLevel[];
  /** A cap already decided by the caller (overrides the rule and the levels). */
  capFen?: number | null;
  /** Already approved for this organisation and programme by other claims, fen. */
  approvedFen: number;
}

export interface TraceLine {
  text: string;
  key: TextKey;
}

export interface CapAndTotal {
  claimedFen: number;
  eligibleFen: number;
  /** After the rate (or the fixed award), before the cap. */
  ratedFen: number;
  capFen: number | null;
  remainingBeforeFen: number | null;
  /** min(rated, remaining cap): the proposal of an assessment. */
  awardFen: number;
  remainingAfterFen: number | null;
  trace: TraceLine[];
}

const sum = (amounts: number[]) => amounts.reduce((s, a) => s + a, 0);

/** What the claim claims: its items' total, or a station's fixed award for its level. Computed here only. */
export function claimedTotal(rule: ProgramRule, items: { amountFen: number }[], stationLevel?: StationLevel | null): number {
  if (rule.fixedAwardsFen) return stationLevel ? rule.fixedAwardsFen[stationLevel] : 0;
  return sum(items.map((i) => i.amountFen));
}

/**
 * A beneficiary's cumulative cap under the rule: the rule's cap, or for fixed awards (stations) the award of
 * the highest level the operator claims (a township station's award covers it; a village point alone gets the
 * village award; an operator with no claim yet, the township award). null = no cap stated.
 */
export function capOf(rule: ProgramRule, stationLevelsClaimed: StationLevel[] = []): number | null {
  if (!rule.fixedAwardsFen) return rule.capFen;
  const awards = rule.fixedAwardsFen;
  if (!stationLevelsClaimed.length) return awards.township;
  return Math.max(...stationLevelsClaimed.map((l) => awards[l]));
}

export function capAndTotal(facts: CapFacts): CapAndTotal {
  const { rule, items, station, approvedFen } = facts;
  const trace: TraceLine[] = [];
  const say = (text: string, key: TextKey) => trace.push({ text, key });
  const claimedFen = claimedTotal(rule, items, station?.level);
  let eligibleFen: number;
  let ratedFen: number;
  if (rule.fixedAwardsFen) {
    // A fixed award: eligible and rated are the award when it is due (the calculator wrote why it is not).
    eligibleFen = station?.awarded ? claimedFen : 0;
    ratedFen = eligibleFen;
  } else {
    eligibleFen = sum(items.filter((i) => i.eligible).map((i) => i.amountFen));
    say(
      `申报金额合计 ${formatYuan(claimedFen)}，合规金额合计 ${formatYuan(eligibleFen)} — claimed ${formatYuan(claimedFen)}, eligible ${formatYuan(eligibleFen)}`,
      { key: 'trace.totals', params: { claimedFen, eligibleFen } },
    );
    const rate = rule.rateBasisPoints ?? 0;
    // Once, on the eligible total, rounded down (never per item).
    ratedFen = applyRateDown(eligibleFen, rate);
    say(
      `补助比例：${formatRate(rate)} × ${formatYuan(eligibleFen)} = ${formatYuan(ratedFen)} (向下取整到分) — rate: ${formatRate(rate)} × ${formatYuan(eligibleFen)} = ${formatYuan(ratedFen)}, rounded down to the fen`,
      { key: 'trace.rate', params: { rate, eligibleFen, ratedFen } },
    );
  }
  const levels = [...(station ? [station.level] : []), ...(facts.stationLevelsClaimed ?? [])];
  const capFen = facts.capFen !== undefined ? facts.capFen : capOf(rule, levels);
  const remainingBeforeFen = remainingUnderCap(capFen, approvedFen);
  let awardFen = ratedFen;
  if (remainingBeforeFen === null) {
    say(
      `累计上限：本版政策未设上限，建议补助 ${formatYuan(awardFen)} — cap: none stated in this policy version; proposed ${formatYuan(awardFen)}`,
      { key: 'trace.cap_none', params: { proposedFen: awardFen } },
    );
  } else {
    awardFen = Math.min(ratedFen, remainingBeforeFen);
    say(
      `累计上限 ${formatYuan(capFen!)} − 已核准 ${formatYuan(approvedFen)} = 剩余 ${formatYuan(remainingBeforeFen)}；建议补助 min(${formatYuan(ratedFen)}, ${formatYuan(remainingBeforeFen)}) = ${formatYuan(awardFen)}` +
        ` — cap ${formatYuan(capFen!)} − approved ${formatYuan(approvedFen)} = remaining ${formatYuan(remainingBeforeFen)}; proposed ${formatYuan(awardFen)}`,
      { key: 'trace.cap', params: { capFen: capFen!, approvedFen, remainingFen: remainingBeforeFen, ratedFen, proposedFen: awardFen } },
    );
  }
  const remainingAfterFen = remainingBeforeFen === null ? null : remainingBeforeFen - awardFen;
  return { claimedFen, eligibleFen, ratedFen, capFen, remainingBeforeFen, awardFen, remainingAfterFen, trace };
}

/** The reviewer's line: what the ledger granted against what was asked and proposed. */
export function approvalLine(requestedFen: number, grantFen: number, proposedFen: number): TraceLine {
  if (grantFen < requestedFen) {
    return {
      text: `核准：剩余上限不足，按 min(${formatYuan(requestedFen)}, 剩余) 核准 ${formatYuan(grantFen)} — approved ${formatYuan(grantFen)}, limited by the remaining cap`,
      key: { key: 'trace.approved_limited', params: { requestedFen, grantFen } },
    };
  }
  const below = grantFen < proposedFen;
  return {
    text: `核准 ${formatYuan(grantFen)}${below ? `（低于建议 ${formatYuan(proposedFen)}）` : ''} — approved ${formatYuan(grantFen)}${below ? ` (below the proposed ${formatYuan(proposedFen)})` : ''}`,
    key: below ? { key: 'trace.approved_below', params: { grantFen, proposedFen } } : { key: 'trace.approved', params: { grantFen } },
  };
}
