import type { Calculator } from './types.ts';
import { finish, judgeSpendingItem, newTrace } from './common.ts';
import { programRule } from '../rules.ts';

/** 品牌建设 §四(三)4: 30% of online shop, brand design and cold-chain packaging investment, cap per enterprise. */
export const brandBuildingCalculator: Calculator = (claim, history, policy) => {
  const rule = programRule(policy, 'brand_building');
  const trace = newTrace(rule, policy);
  const items = claim.items.map((item, i) => judgeSpendingItem(i, item, rule, policy, trace));
  return finish(rule, policy, claim, history, items, trace);
};
