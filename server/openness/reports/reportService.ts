import type mongoose from 'mongoose';
import type { HubContext } from '../../platform/context.ts';
import { gmvByProduct } from '../../commerce/commerceReads.ts';
import { sessionFigures, type SessionFigures } from '../../commerce/live/sessionAnalytics.ts';
import { sessionsHeldScheduledBetween } from '../../live/sessions/sessionReads.ts';
import {
  awardsApprovedBefore,
  awardsApprovedOrPaidIn,
  presentAward,
  procurementIdsOfClaims,
  procurementsByIds,
} from '../../claims/awards/awardReads.ts';
import { toDateFromDays } from '../../claims/awards/awardTotals.ts';
import { orgNamesAndTownships, orgTownships } from '../../registry/orgs/orgReads.ts';
import { householdTownships } from '../../registry/households/householdReads.ts';
import { budgetCategories, getPolicy } from '../../claims/claimReads.ts';
import { TOWNSHIPS } from '../../../config/places.ts';
import { NO_TOWNSHIP } from '../overviewKeys.ts';
import { loadProductFacts } from '../overviewCounters.ts';
import { monthsBetween, shanghaiDayEnd, shanghaiDayStart } from '../shanghaiTime.ts';

export interface ReportRequest {
  /** Shanghai calendar days, inclusive. */
  from: string;
  to: string;
}

export interface Figures {
  sessionsHeld: number;
  orders: number;
  gmvFen: number;
  povertyHouseholds: number;
  approvedFen: number;
  paidFen: number;
}

const emptyFigures = (): Figures => ({ sessionsHeld: 0, orders: 0, gmvFen: 0, povertyHouseholds: 0, approvedFen: 0, paidFen: 0 });

export interface ReportResult {
  from: string;
  to: string;
  policyVersion: string;
  generatedAt: string;
  totals: Figures & { procurementFen: number; claimsApproved: number };
  byMonth: (Figures & { month: string })[];
  byProgram: {
    program: string;
    nameZh: string;
    nameEn?: string;
    claimsApproved: number;
    approvedFen: number;
    paidFen: number;
    capFen: number | null;
  }[];
  byTownship: (Figures & { township: string })[];
  budget: {
    category: string;
    nameZh: string;
    nameEn?: string;
    allocatedFen: number;
    approvedFen: number;
    paidFen: number;
    approvedToDateFen: number;
    paidToDateFen: number;
    usedBasisPoints: number;
  }[];
  disclosures: { org: string; program: string; approvedFen: number; approvedAt: string }[];
  /** Every session held in the period with its analytics (as on the session page: commerce/live/sessionAnalytics.ts). */
  sessions: (SessionFigures & { startedAt: string })[];
}

/**
 * The bureau's performance-evaluation report (§五(三)) for a period: sessions held, GMV, poverty
 * households reached, subsidies approved and paid, and budget use, per month, programme and
 * township. Built by bounded aggregations (one per month) and reported as progress.
 */
export async function buildReport(
  ctx: HubContext,
  request: ReportRequest,
  onProgress: (percent: number) => Promise<void> | void = () => {},
): Promise<ReportResult> {
  const policy = await getPolicy(ctx.config.HUB_POLICY_VERSION);
  const periodStart = shanghaiDayStart(request.from);
  const periodEnd = shanghaiDayEnd(request.to);
  const months = monthsBetween(request.from, request.to);
  const township = new Map<string, Figures>([...TOWNSHIPS, NO_TOWNSHIP].map((t) => [t, emptyFigures()]));
  const townshipOf = (name: string | null | undefined) => township.get(name || NO_TOWNSHIP) ?? township.get(NO_TOWNSHIP)!;
  const byMonth: ReportResult['byMonth'] = [];
  const householdsReached = new Set<string>();
  const householdsByMonth = new Map<string, Set<string>>(months.map((m) => [m.month, new Set<string>()]));

  // Sessions held: started (live or ended) within the period; their township is their association's.
  // A session starts within two days of its scheduled start; the exact start (startedAt) decides the month.
  const sessions = await sessionsHeldScheduledBetween(
    new Date(periodStart.getTime() - 2 * 86_400_000),
    new Date(periodEnd.getTime() + 2 * 86_400_000),
  );
  const associations = await orgTownships([...new Set(sessions.map((s) => String(s.associationId)))]);
  const associationTownship = new Map(associations.map((o) => [String(o._id), o.township ?? null]));
  await onProgress(10);

  // Orders: one aggregation per month, grouped by product so GMV lands in the product's township.
  let step = 0;
  for (const m of months) {
    const figures = { month: m.month, ...emptyFigures() };
    const groups = (await gmvByProduct(m.start, m.end)).map((g) => ({ _id: g.id as mongoose.Types.ObjectId, ...g.sums }));
    const facts = await loadProductFacts(groups.map((g) => String(g._id)));
    for (const g of groups) {
      const f = facts.get(String(g._id))!;
      figures.gmvFen += g.fen;
      figures.orders += g.orders;
      const t = townshipOf(f.township);
      t.gmvFen += g.fen;
      t.orders += g.orders;
      if (f.householdRegistryNo) {
        householdsReached.add(f.householdRegistryNo);
        householdsByMonth.get(m.month)!.add(f.householdRegistryNo);
      }
    }
    for (const s of sessions) {
      const at = s.startedAt ?? s.startsAt;
      if (at >= m.start && at < m.end) {
        figures.sessionsHeld += 1;
        townshipOf(associationTownship.get(String(s.associationId))).sessionsHeld += 1;
      }
    }
    byMonth.push(figures);
    step += 1;
    await onProgress(10 + Math.floor((60 * step) / Math.max(months.length, 1)));
  }

  // Claims: approvals and payments dated within the period; cumulative figures to its end for budget use, from the
  // award day totals when built (else summed over every award approved before the end).
  const toDateFromTotals = await toDateFromDays(
    ctx.redis,
    ctx.config.REDIS_PREFIX,
    policy.programs.map((p) => p.code as string),
    periodEnd,
  );
  const awards = toDateFromTotals ? await awardsApprovedOrPaidIn(periodStart, periodEnd) : await awardsApprovedBefore(periodEnd);
  const orgs = await orgNamesAndTownships([...new Set(awards.map((a) => String(a.orgId)))]);
  const orgById = new Map(orgs.map((o) => [String(o._id), o]));
  const byProgram = new Map(
    policy.programs.map((p) => [
      p.code as string,
      { program: p.code as string, nameZh: p.nameZh, nameEn: p.nameEn, claimsApproved: 0, approvedFen: 0, paidFen: 0, capFen: p.capFen },
    ]),
  );
  const toDate = toDateFromTotals ?? new Map<string, { approvedFen: number; paidFen: number }>();
  const disclosures: ReportResult['disclosures'] = [];
  const procurementClaims: { claimId: mongoose.Types.ObjectId; month: string }[] = [];
  const monthOf = (at: Date) => byMonth.find((_m, i) => at >= months[i]!.start && at < months[i]!.end);
  for (const a of awards) {
    const approved = a.approvedAt;
    const paid = a.paidAt ?? null;
    const paidFen = a.paidFen ?? 0;
    if (!toDateFromTotals) {
      const cumulative = toDate.get(a.program) ?? { approvedFen: 0, paidFen: 0 };
      cumulative.approvedFen += a.approvedFen;
      if (paid && paid < periodEnd) cumulative.paidFen += paidFen;
      toDate.set(a.program, cumulative);
    }
    const org = orgById.get(String(a.orgId));
    if (approved >= periodStart) {
      const p = byProgram.get(a.program)!;
      p.claimsApproved += 1;
      p.approvedFen += a.approvedFen;
      townshipOf(org?.township).approvedFen += a.approvedFen;
      monthOf(approved)!.approvedFen += a.approvedFen;
      const award = presentAward(a, org?.name, byProgram);
      disclosures.push({ org: award.org, program: award.program, approvedFen: award.approvedFen, approvedAt: award.approvedAt });
      if (a.program === 'poverty_procurement') procurementClaims.push({ claimId: a.claimId, month: monthOf(approved)!.month });
    }
    if (paid && paid >= periodStart && paid < periodEnd) {
      byProgram.get(a.program)!.paidFen += paidFen;
      townshipOf(org?.township).paidFen += paidFen;
      monthOf(paid)!.paidFen += paidFen;
    }
  }
  const procurementsOf = await procurementIdsOfClaims(procurementClaims.map((c) => c.claimId));
  const procurementIds: mongoose.Types.ObjectId[] = [];
  const procurementMonth = new Map<string, string>();
  for (const { claimId, month } of procurementClaims)
    for (const p of procurementsOf.get(String(claimId)) ?? []) {
      procurementIds.push(p);
      procurementMonth.set(String(p), month);
    }
  await onProgress(80);

  // Poverty households reached: sellers behind approved procurement claims and households selling their own products.
  let procurementFen = 0;
  for await (const p of procurementsByIds(procurementIds)) {
    procurementFen += p.amountFen;
    householdsReached.add(p.householdRegistryNo);
    householdsByMonth.get(procurementMonth.get(String(p._id))!)?.add(p.householdRegistryNo);
  }
  for (const m of byMonth) m.povertyHouseholds = householdsByMonth.get(m.month)!.size;
  const householdRows = householdsReached.size ? await householdTownships([...householdsReached]) : [];
  for (const h of householdRows) townshipOf(h.township).povertyHouseholds += 1;

  // Session analytics for the sessions held in the period, oldest first.
  const heldSessions = sessions
    .map((s) => ({ s, at: s.startedAt ?? s.startsAt }))
    .filter(({ at }) => at >= periodStart && at < periodEnd)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const sessionRows: ReportResult['sessions'] = [];
  for (const { s, at } of heldSessions) sessionRows.push({ ...(await sessionFigures(ctx, s)), startedAt: at.toISOString() });
  await onProgress(90);

  const categories = await budgetCategories(policy.version);
  const budget = categories.map((cat) => {
    const programs = policy.programs.filter((p) => p.budgetCategory === cat.code).map((p) => p.code as string);
    const sum = (pick: (p: string) => number) => programs.reduce((s, p) => s + pick(p), 0);
    const approvedToDateFen = sum((p) => toDate.get(p)?.approvedFen ?? 0);
    return {
      category: cat.code,
      nameZh: cat.nameZh,
      nameEn: cat.nameEn,
      allocatedFen: cat.allocatedFen,
      approvedFen: sum((p) => byProgram.get(p)?.approvedFen ?? 0),
      paidFen: sum((p) => byProgram.get(p)?.paidFen ?? 0),
      approvedToDateFen,
      paidToDateFen: sum((p) => toDate.get(p)?.paidFen ?? 0),
      // Integer basis points, rounded down like every rate in the hub.
      usedBasisPoints: cat.allocatedFen ? Math.floor((approvedToDateFen * 10000) / cat.allocatedFen) : 0,
    };
  });

  const programs = [...byProgram.values()];
  const totals = {
    sessionsHeld: byMonth.reduce((s, m) => s + m.sessionsHeld, 0),
    orders: byMonth.reduce((s, m) => s + m.orders, 0),
    gmvFen: byMonth.reduce((s, m) => s + m.gmvFen, 0),
    povertyHouseholds: householdRows.length,
    approvedFen: programs.reduce((s, p) => s + p.approvedFen, 0),
    paidFen: programs.reduce((s, p) => s + p.paidFen, 0),
    procurementFen,
    claimsApproved: programs.reduce((s, p) => s + p.claimsApproved, 0),
  };
  await onProgress(100);
  return {
    from: request.from,
    to: request.to,
    policyVersion: policy.version,
    generatedAt: new Date().toISOString(),
    totals,
    byMonth,
    byProgram: programs,
    byTownship: [...township]
      .map(([name, f]) => ({ township: name, ...f }))
      .filter((t) => TOWNSHIPS.includes(t.township as never) || t.gmvFen || t.sessionsHeld || t.approvedFen),
    budget,
    disclosures: disclosures.sort((a, b) => a.approvedAt.localeCompare(b.approvedAt)),
    sessions: sessionRows,
  };
}
