import { ClaimModel } from './claim.model.ts';
import { BudgetCategoryModel } from './policy/policy.model.ts';
import { getPolicy } from './policy/policyService.ts';
import { sumsBy } from '../platform/aggregate.ts';
import { APPROVED_STATUSES } from './ledgerService.ts';
import type { BudgetCategoryCode, ProgramCode } from '../../config/policies/types.ts';

/**
 * Subsidy figures for the openness pages (reused by /public/overview). Sums come from the claims:
 * approved = approved + paid claims' approvedFen, paid = paid claims' paidFen.
 */
export async function subsidyTotalsByProgram(policyVersion: string) {
  const policy = await getPolicy(policyVersion);
  const byProgram = await sumsBy(ClaimModel, { status: { $in: [...APPROVED_STATUSES] } }, 'program', {
    approvedFen: '$approvedFen',
    paidFen: '$paidFen',
    approvedClaims: 1,
  });
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
export async function budgetUse(policyVersion: string) {
  const policy = await getPolicy(policyVersion);
  const totals = await subsidyTotalsByProgram(policyVersion);
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
