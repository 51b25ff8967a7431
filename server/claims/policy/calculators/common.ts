import type { PolicyDocument, ProgramRule } from '../../../../config/policies/types.ts';
import { applyRateDown, formatRate, formatYuan, remainingUnderCap } from '../../money.ts';
import type { CalcClaim, CalcHistory, CalcItem, Decision, ItemDecision, Trace } from './types.ts';
import type { TextKey } from '../../../../config/claimTexts.ts';

/** A trace: the contract's bilingual strings, plus `keys` beside them (same lines, as keys + params). */
export function newTrace(rule: ProgramRule, policy: PolicyDocument): Trace {
  const trace = Object.assign([] as string[], { keys: [] as TextKey[] });
  say(trace, policyLine(rule, policy), {
    key: 'trace.policy', params: { version: policy.version, documentNo: policy.documentNo, section: rule.section, programZh: rule.nameZh, programEn: rule.nameEn },
  });
  return trace;
}

/** Appends one line in both forms. */
export function say(trace: Trace, legacy: string, key: TextKey): void {
  trace.push(legacy);
  trace.keys.push(key);
}

export function itemKey(index: number, item: CalcItem): TextKey {
  return { key: 'trace.item', params: { n: index + 1, description: item.description, category: item.category, amountFen: item.amountFen } };
}

/** Who holds a duplicate: "this claim" or a claim id (the calculators get "本申报 this claim" / "申报 claim <id>"). */
function heldByKey(heldBy: string): TextKey {
  const id = /claim ([0-9a-f]{24})/.exec(heldBy)?.[1];
  return id ? { key: 'held.claim', params: { claimId: id } } : { key: 'held.this_claim' };
}

export const CATEGORY_NAMES: Record<string, string> = {
  equipment: '直播设备', furniture: '直播桌椅', advertising: '宣传广告', online_shop: '网店建设', brand_design: '品牌形象设计',
  cold_chain_packaging: '冷链包装', rent: '仓储租金', platform_build: '建设网上交易平台', building: '楼堂馆所', land: '征地拆迁',
  traffic_purchase: '购买流量', salary: '人员工资', work_funds: '工作经费', duplicate_funding: '重复支持项目', other: '其他',
};

const DUPLICATE_TEXT: Record<string, [string, string]> = {
  invoice: ['发票已被申报', 'invoice already claimed'],
  file: ['凭证文件已被使用', 'evidence file already used'],
  procurement: ['该采购已被申报', 'purchase already claimed'],
  procurement_invoice: ['采购发票已被申报', 'purchase invoice already claimed'],
};

export function itemLabel(index: number, item: CalcItem): string {
  return `第${index + 1}项「${item.description}」${CATEGORY_NAMES[item.category] ?? item.category} ${formatYuan(item.amountFen)}`;
}

/** The shared item rules: category in the basis, not on the negative list, evidence present, no duplicate. */
export function judgeSpendingItem(index: number, item: CalcItem, rule: ProgramRule, policy: PolicyDocument, trace: Trace): ItemDecision {
  const label = itemLabel(index, item);
  const labelEn = `item ${index + 1} (${item.category}, ${formatYuan(item.amountFen)})`;
  const negative = policy.negativeList.find((n) => n.category === item.category);
  if (negative) {
    const reason = `负面清单：${negative.zh} (negative list: ${negative.en})`;
    const reasonKey: TextKey = { key: 'reason.negative', params: { negativeZh: negative.zh, negativeEn: negative.en } };
    say(trace, `${label}：不予补助，${reason} — ${labelEn}: not eligible`, { key: 'trace.item.ineligible', params: { item: itemKey(index, item), reason: reasonKey } });
    return { eligible: false, reason, reasonKey, duplicateOf: null };
  }
  if (!rule.basisCategories.includes(item.category)) {
    const reason = `类别不在「${rule.nameZh}」补助范围内 (category ${item.category} is outside the ${rule.nameEn} basis: ${rule.basisCategories.join(', ')})`;
    const reasonKey: TextKey = { key: 'reason.outside_basis', params: { programZh: rule.nameZh, programEn: rule.nameEn } };
    say(trace, `${label}：不予补助，${reason} — ${labelEn}: not eligible`, { key: 'trace.item.ineligible', params: { item: itemKey(index, item), reason: reasonKey } });
    return { eligible: false, reason, reasonKey, duplicateOf: null };
  }
  return judgeDuplicatesAndEvidence(label, labelEn, item, trace, true, itemKey(index, item));
}

export function judgeDuplicatesAndEvidence(
  label: string, labelEn: string, item: CalcItem, trace: Trace, needsEvidence: boolean, itemText: TextKey,
): ItemDecision {
  const duplicate = item.duplicates[0];
  if (duplicate) {
    const [zh, en] = DUPLICATE_TEXT[duplicate.kind]!;
    const reason = `重复申报：${zh}（${duplicate.heldBy}）(duplicate: ${en} by ${duplicate.heldBy})`;
    const reasonKey: TextKey = { key: 'reason.duplicate', params: { duplicate: duplicate.kind, heldBy: heldByKey(duplicate.heldBy) } };
    say(trace, `${label}：不予补助，${reason} — ${labelEn}: not eligible`, { key: 'trace.item.ineligible', params: { item: itemText, reason: reasonKey } });
    return { eligible: false, reason, reasonKey, duplicateOf: duplicate.heldBy };
  }
  if (needsEvidence && item.evidenceCount === 0) {
    const reason = '未上传发票凭证文件 (no evidence file uploaded)';
    const reasonKey: TextKey = { key: 'reason.no_evidence' };
    say(trace, `${label}：不予补助，${reason} — ${labelEn}: not eligible`, { key: 'trace.item.ineligible', params: { item: itemText, reason: reasonKey } });
    return { eligible: false, reason, reasonKey, duplicateOf: null };
  }
  say(trace, `${label}：符合补助范围，计入 — ${labelEn}: eligible, counted`, { key: 'trace.item.eligible', params: { item: itemText } });
  return { eligible: true, reason: null, reasonKey: null, duplicateOf: null };
}

export function sumFen(amounts: number[]): number {
  let total = 0;
  for (const a of amounts) total += a;
  return total;
}

/** Eligible total → rate (rounded down, once) → remaining cap. */
export function finishWithRate(
  rule: ProgramRule, policy: PolicyDocument, claim: CalcClaim, history: CalcHistory, items: ItemDecision[], trace: Trace,
  capFen: number | null = rule.capFen,
): Decision {
  const claimedFen = sumFen(claim.items.map((i) => i.amountFen));
  const eligibleFen = sumFen(claim.items.filter((_, i) => items[i]!.eligible).map((i) => i.amountFen));
  say(trace, `申报金额合计 ${formatYuan(claimedFen)}，合规金额合计 ${formatYuan(eligibleFen)} — claimed ${formatYuan(claimedFen)}, eligible ${formatYuan(eligibleFen)}`,
    { key: 'trace.totals', params: { claimedFen, eligibleFen } });
  const rate = rule.rateBasisPoints ?? 0;
  const ratedFen = applyRateDown(eligibleFen, rate);
  say(trace, `补助比例：${formatRate(rate)} × ${formatYuan(eligibleFen)} = ${formatYuan(ratedFen)} (向下取整到分) — rate: ${formatRate(rate)} × ${formatYuan(eligibleFen)} = ${formatYuan(ratedFen)}, rounded down to the fen`,
    { key: 'trace.rate', params: { rate, eligibleFen, ratedFen } });
  return finishWithCap(rule, policy, claimedFen, eligibleFen, ratedFen, capFen, history, items, trace);
}

export function finishWithCap(
  rule: ProgramRule, policy: PolicyDocument, claimedFen: number, eligibleFen: number, ratedFen: number, capFen: number | null,
  history: CalcHistory, items: ItemDecision[], trace: Trace,
): Decision {
  const remainingBeforeFen = remainingUnderCap(capFen, history.approvedFen);
  let proposedFen = ratedFen;
  if (remainingBeforeFen === null) {
    say(trace, `累计上限：本版政策未设上限，建议补助 ${formatYuan(proposedFen)} — cap: none stated in this policy version; proposed ${formatYuan(proposedFen)}`,
      { key: 'trace.cap_none', params: { proposedFen } });
  } else {
    proposedFen = Math.min(ratedFen, remainingBeforeFen);
    say(trace,
      `累计上限 ${formatYuan(capFen!)} − 已核准 ${formatYuan(history.approvedFen)} = 剩余 ${formatYuan(remainingBeforeFen)}；建议补助 min(${formatYuan(ratedFen)}, ${formatYuan(remainingBeforeFen)}) = ${formatYuan(proposedFen)}` +
        ` — cap ${formatYuan(capFen!)} − approved ${formatYuan(history.approvedFen)} = remaining ${formatYuan(remainingBeforeFen)}; proposed ${formatYuan(proposedFen)}`,
      { key: 'trace.cap', params: { capFen: capFen!, approvedFen: history.approvedFen, remainingFen: remainingBeforeFen, ratedFen, proposedFen } },
    );
  }
  return { program: rule.code, policyVersion: policy.version, items, claimedFen, eligibleFen, ratedFen, capFen, remainingBeforeFen, proposedFen, trace: [...trace], traceKeys: trace.keys };
}

export function policyLine(rule: ProgramRule, policy: PolicyDocument): string {
  return `适用政策 ${policy.version}（${policy.documentNo}）${rule.section}「${rule.nameZh}」 — policy ${policy.version} §${rule.section} ${rule.nameEn}`;
}

/** All items ineligible for one claim-level reason (precondition not met). */
export function failAll(claim: CalcClaim, reason: string, trace: Trace, reasonKey: TextKey): ItemDecision[] {
  say(trace, `前提条件不满足：${reason}，全部项目不予补助 — precondition not met; no item is eligible`, { key: 'trace.precondition', params: { reason: reasonKey } });
  return claim.items.map(() => ({ eligible: false, reason, reasonKey, duplicateOf: null }));
}
