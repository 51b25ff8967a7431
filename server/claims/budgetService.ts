import { AwardModel } from './awards/award.model.ts';
import { BudgetCategoryModel } from './policy/policy.model.ts';
import { getPolicy } from './policy/policyService.ts';
import { sumsBy } from '../platform/aggregate.ts';
import type { BudgetCategoryCode, ProgramCode } from '../../config/policies/types.ts';
import { programTotalsFromDays } from './awards/awardTotals.ts';
import type { AwardTotalsStore } from './awards/awardReads.ts';

/**
 * Subsidy figures for the openness pages (reused by /public/overview): approved = the approved and paid claims'
 * approvedFen, paid = the paid ones' paidFen. From the award day totals (awards/awardTotals.ts), or, while they are
 * not built, summed over the awards read model's short documents.
 */
export async function subsidyTotalsByProgram(store: AwardTotalsStore, policyVersion: string) {
  const policy = await getPolicy(policyVersion);
  const programs = policy.programs.map((p) => p.code as string);
  const byProgram =
    (await programTotalsFromDays(store.redis, store.config.REDIS_PREFIX, programs)) ??
    (await sumsBy(AwardModel, { _id: { $type: 'objectId' } }, 'program', {
      approvedFen: '$approvedFen',
      paidFen: '$paidFen',
      approvedClaims: 1,
    }));
  return {
    policyVersion: policy.version,
    items: policy.programs.map((p) => ({
      program: p.code as ProgramCode,
      nameZh: p.nameZh,
      nameEn: p.nameEn,
      budgetCategory: p.budgetCategory,
      approvedFen: byProgram.get(p.code)?.approvedFen ?? 0,
      paidFen: byProgram.get(p.code)?.paidFen ?? 0,
      approvedClaims: byProgram.get(p.code)?.approvedClaims ?? 0,
    })),
  };
}

/** Budget use per fund category (70/15/13.5/1.5 of the configured fund) from approved and paid amounts. */
export async function budgetUse(store: AwardTotalsStore, policyVersion: string) {
  const policy = await getPolicy(policyVersion);
  const totals = await subsidyTotalsByProgram(store, policyVersion);
  const stored = new Map((await BudgetCategoryModel.find({ policyVersion }).lean()).map((c) => [c.code, c]));
  const used = new Map<BudgetCategoryCode, { approvedFen: number; paidFen: number }>();
  for (const t of totals.items) {
    const u = used.get(t.budgetCategory) ?? { approvedFen: 0, paidFen: 0 };
    u.approvedFen += t.approvedFen;
    u.paidFen += t.paidFen;
    used.set(t.budgetCategory, u);
  }
  const categories = policy.budgetCategories.map((c) => {
    const allocatedFen = stored.get(c.code)?.allocatedFen ?? 0;
    const u = used.get(c.code) ?? { approvedFen: 0, paidFen: 0 };
    return {
      code: c.code,
      nameZh: c.nameZh,
      nameEn: c.nameEn,
      section: c.section,
      shareBasisPoints: c.shareBasisPoints,
      allocatedFen,
      approvedFen: u.approvedFen,
      paidFen: u.paidFen,
      remainingFen: allocatedFen - u.approvedFen,
    };
  });
  return { policyVersion: policy.version, totalFundFen: categories.reduce((s, c) => s + c.allocatedFen, 0), categories };
}
