import type { Calculator } from './types.ts';
import { failAll, finish, judgeSpendingItem, newTrace, say } from './common.ts';
import { programRule } from '../rules.ts';

/** 仓储租赁 §四(三)3: 50% of rent paid in a park with national e-commerce demonstration base status; no cap unless a version sets one. */
export const warehouseRentCalculator: Calculator = (claim, history, policy) => {
  const rule = programRule(policy, 'warehouse_rent');
  const trace = newTrace(rule, policy);
  const park = claim.park;
  let items;
  if (!park) items = failAll(claim, '园区不存在 (the park does not exist)', trace, { key: 'reason.park_missing' });
  else if (!park.nationalDemoBase)
    items = failAll(
      claim,
      `园区「${park.name}」不是国家级电子商务示范基地 (the park is not a national e-commerce demonstration base)`,
      trace,
      { key: 'reason.park_not_demo', params: { name: park.name } },
    );
  else {
    say(trace, `园区「${park.name}」为国家级电子商务示范基地 — the park is a national demonstration base`, {
      key: 'trace.park_demo',
      params: { name: park.name },
    });
    items = claim.items.map((item, i) => judgeSpendingItem(i, item, rule, policy, trace));
  }
  return finish(rule, policy, claim, history, items, trace);
};
