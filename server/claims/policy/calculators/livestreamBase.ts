import type { Calculator } from './types.ts';
import { failAll, finish, judgeSpendingItem, newTrace, say } from './common.ts';
import { programRule } from '../rules.ts';
import { chinaDate } from '../../money.ts';

/** 直播基地 §四(三)6: 100% of base spending (equipment, desks and chairs, publicity), cap per association; the base must be filed before submission. */
export const livestreamBaseCalculator: Calculator = (claim, history, policy) => {
  const rule = programRule(policy, 'livestream_base');
  const trace = newTrace(rule, policy);
  const base = claim.base;
  let items;
  if (!base) items = failAll(claim, '直播基地不存在 (the base does not exist)', trace, { key: 'reason.base_missing' });
  else if (!base.filed || !base.filedAt)
    items = failAll(claim, `直播基地「${base.name}」未备案 (the base is not filed with the bureau)`, trace, {
      key: 'reason.base_unfiled',
      params: { name: base.name },
    });
  else if (claim.submittedAt && Date.parse(base.filedAt) > Date.parse(claim.submittedAt)) {
    items = failAll(claim, `直播基地「${base.name}」在申报后才备案 (the base was filed after the claim was submitted)`, trace, {
      key: 'reason.base_filed_late',
      params: { name: base.name },
    });
  } else {
    say(trace, `直播基地「${base.name}」已于 ${chinaDate(base.filedAt)} 备案 — base filed on ${chinaDate(base.filedAt)}`, {
      key: 'trace.base_filed',
      params: { name: base.name, date: chinaDate(base.filedAt) },
    });
    items = claim.items.map((item, i) => judgeSpendingItem(i, item, rule, policy, trace));
  }
  return finish(rule, policy, claim, history, items, trace);
};
