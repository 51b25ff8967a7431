import { PolicyModel, BudgetCategoryModel } from './policy.model.ts';
import { dehua2020 } from '../../../config/policies/dehua-2020.ts';
import type { PolicyDocument, ProgramCode, ProgramRule } from '../../../config/policies/types.ts';
import { isDuplicateKeyError, notFound } from '../../platform/errors.ts';
import { componentLogger } from '../../platform/logger.ts';

const log = componentLogger('policy');

/** Policies shipped with the hub, loaded into the database at first start. */
export const BUILT_IN_POLICIES: PolicyDocument[] = [dehua2020];

const cache = new Map<string, PolicyDocument>();

/** Seeds built-in policies and the budget categories (their share of the configured fund) when absent. */
export async function ensurePolicies(totalFundFen: number): Promise<void> {
  for (const policy of BUILT_IN_POLICIES) {
    try {
      if (!(await PolicyModel.exists({ version: policy.version }))) {
        await PolicyModel.create({
          version: policy.version,
          effectiveFrom: new Date(`${policy.effectiveFrom}T00:00:00+08:00`),
          effectiveTo: policy.effectiveTo ? new Date(`${policy.effectiveTo}T23:59:59.999+08:00`) : null,
          document: policy,
        });
        log.info({ version: policy.version }, 'loaded policy');
      }
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    for (const category of policy.budgetCategories) {
      // Integer arithmetic: share in basis points of the fund, rounded down to the fen.
      const allocatedFen = Math.floor((totalFundFen * category.shareBasisPoints) / 10000);
      await BudgetCategoryModel.updateOne(
        { policyVersion: policy.version, code: category.code },
        { $set: { nameZh: category.nameZh, nameEn: category.nameEn, section: category.section, shareBasisPoints: category.shareBasisPoints, allocatedFen } },
        { upsert: true },
      );
    }
  }
}

export async function getPolicy(version: string): Promise<PolicyDocument> {
  const cached = cache.get(version);
  if (cached) return cached;
  const record = await PolicyModel.findOne({ version }).lean();
  if (!record) throw notFound(`Policy ${version}`);
  const document = record.document as PolicyDocument;
  cache.set(version, document);
  return document;
}

export async function listPolicies() {
  const records = await PolicyModel.find().sort({ effectiveFrom: 1 }).lean();
  return {
    items: records.map((r) => ({
      version: r.version,
      effectiveFrom: r.effectiveFrom.toISOString(),
      effectiveTo: r.effectiveTo ? r.effectiveTo.toISOString() : null,
      document: r.document as PolicyDocument,
    })),
  };
}

export function programRule(policy: PolicyDocument, program: ProgramCode): ProgramRule {
  const rule = policy.programs.find((p) => p.code === program);
  if (!rule) throw notFound(`Programme ${program} in policy ${policy.version}`);
  return rule;
}

/** Forget cached policies (after the bureau publishes a version). */
export function invalidatePolicyCache(): void {
  cache.clear();
}
