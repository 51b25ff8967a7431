// What openness reads of claims besides awards (awards.ts): budget categories, a claim's procurements,
// the policy in force. Each function keeps the query its callers made on the claim models.
import { ClaimModel } from './claim.model.ts';
import { BudgetCategoryModel } from './policy/policy.model.ts';
import { procurementsByIds } from './awards/awardReads.ts';

export { getPolicy, listPolicies } from './policy/policyService.ts';
export { subsidyTotalsByProgram } from './budgetService.ts';

/** A policy version's budget categories, largest share first (the overview's and a report's budget table). */
export async function budgetCategories(policyVersion: string) {
  return BudgetCategoryModel.find({ policyVersion }).sort({ shareBasisPoints: -1 }).lean();
}

/** The procurements behind a claim: their amount and the households they reached (nothing for an unknown claim). */
export async function claimProcurements(claimId: string): Promise<{ amountFen: number; households: string[] }> {
  const claim = await ClaimModel.findById(claimId, { procurementIds: 1 }).lean();
  if (!claim?.procurementIds?.length) return { amountFen: 0, households: [] };
  const procurements = [];
  for await (const p of procurementsByIds(claim.procurementIds)) procurements.push(p);
  return {
    amountFen: procurements.reduce((sum, p) => sum + p.amountFen, 0),
    households: [...new Set(procurements.map((p) => p.householdRegistryNo))],
  };
}
