import type { PolicyDocument, ProgramCode, ProgramRule } from '../../../config/policies/types.ts';
import { notFound } from '../../platform/errors.ts';

/** Pure look-ups in a policy document (the calculators use them; nothing here reads a database). */

export function programRule(policy: PolicyDocument, program: ProgramCode): ProgramRule {
  const rule = policy.programs.find((p) => p.code === program);
  if (!rule) throw notFound(`Programme ${program} in policy ${policy.version}`);
  return rule;
}

/** A category's Chinese name under the policy (the code itself when the version names none). */
export function categoryZh(policy: PolicyDocument, category: string): string {
  return policy.categoryLabels?.find((c) => c.code === category)?.zh ?? category;
}
