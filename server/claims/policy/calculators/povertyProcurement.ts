import type { Calculator, ItemDecision } from './types.ts';
import { finish, itemKey, itemLabel, judgeDuplicatesAndEvidence, newTrace, say } from './common.ts';
import type { TextKey } from '../../../../config/claimTexts.ts';
import { programRule } from '../rules.ts';
import { chinaDate } from '../../money.ts';

/** 采购贫困户农特产品 §四(三)5: 20% of purchases from households registered on the purchase date, each purchase claimed once; cap per enterprise. */
export const povertyProcurementCalculator: Calculator = (claim, history, policy) => {
  const rule = programRule(policy, 'poverty_procurement');
  const trace = newTrace(rule, policy);
  const items = claim.items.map((item, i): ItemDecision => {
    const label = itemLabel(i, item, policy);
    const labelEn = `purchase ${i + 1} (${item.amountFen} fen)`;
    const h = item.household;
    if (!h || !h.found) {
      const reason = `卖方 ${h?.registryNo ?? ''} 不在建档立卡名录中 (the seller is not in the household registry)`;
      const reasonKey: TextKey = { key: 'reason.seller_not_registered', params: { registryNo: h?.registryNo ?? '' } };
      say(trace, `${label}：不予补助，${reason} — ${labelEn}: not eligible`, {
        key: 'trace.item.ineligible',
        params: { item: itemKey(i, item), reason: reasonKey },
      });
      return { eligible: false, reason, reasonKey, duplicateOf: null };
    }
    if (!h.registeredOnPurchaseDate) {
      const reason = `采购日 ${chinaDate(h.purchasedAt)} 卖方 ${h.registryNo} 未在建档立卡名录中 (the seller was not registered on the purchase date)`;
      const reasonKey: TextKey = {
        key: 'reason.seller_not_registered_on_date',
        params: { registryNo: h.registryNo, date: chinaDate(h.purchasedAt) },
      };
      say(trace, `${label}：不予补助，${reason} — ${labelEn}: not eligible`, {
        key: 'trace.item.ineligible',
        params: { item: itemKey(i, item), reason: reasonKey },
      });
      return { eligible: false, reason, reasonKey, duplicateOf: null };
    }
    say(trace, `${label}：卖方 ${h.registryNo} 于采购日 ${chinaDate(h.purchasedAt)} 在册 — seller registered on the purchase date`, {
      key: 'trace.item.seller_registered',
      params: { item: itemKey(i, item), registryNo: h.registryNo, date: chinaDate(h.purchasedAt) },
    });
    // The procurement record carries the invoice number; an uploaded file is welcome but not required.
    return judgeDuplicatesAndEvidence(label, labelEn, item, trace, false, itemKey(i, item));
  });
  return finish(rule, policy, claim, history, items, trace);
};
