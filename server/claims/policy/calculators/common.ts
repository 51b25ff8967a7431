import type { PolicyDocument, ProgramRule } from '../../../../config/policies/types.ts';
import { applyRateDown, formatRate, formatYuan, remainingUnderCap } from '../../money.ts';
import type { CalcClaim, CalcHistory, CalcItem, Decision, ItemDecision } from './types.ts';

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
export function judgeSpendingItem(index: number, item: CalcItem, rule: ProgramRule, policy: PolicyDocument, trace: string[]): ItemDecision {
  const label = itemLabel(index, item);
  const labelEn = `item ${index + 1} (${item.category}, ${formatYuan(item.amountFen)})`;
  const negative = policy.negativeList.find((n) => n.category === item.category);
  if (negative) {
    const reason = `负面清单：${negative.zh} (negative list: ${negative.en})`;
    trace.push(`${label}：不予补助，${reason} — ${labelEn}: not eligible`);
    return { eligible: false, reason, duplicateOf: null };
  }
  if (!rule.basisCategories.includes(item.category)) {
    const reason = `类别不在「${rule.nameZh}」补助范围内 (category ${item.category} is outside the ${rule.nameEn} basis: ${rule.basisCategories.join(', ')})`;
    trace.push(`${label}：不予补助，${reason} — ${labelEn}: not eligible`);
    return { eligible: false, reason, duplicateOf: null };
  }
  return judgeDuplicatesAndEvidence(label, labelEn, item, trace);
}

export function judgeDuplicatesAndEvidence(label: string, labelEn: string, item: CalcItem, trace: string[], needsEvidence = true): ItemDecision {
  const duplicate = item.duplicates[0];
  if (duplicate) {
    const [zh, en] = DUPLICATE_TEXT[duplicate.kind]!;
    const reason = `重复申报：${zh}（${duplicate.heldBy}）(duplicate: ${en} by ${duplicate.heldBy})`;
    trace.push(`${label}：不予补助，${reason} — ${labelEn}: not eligible`);
    return { eligible: false, reason, duplicateOf: duplicate.heldBy };
  }
  if (needsEvidence && item.evidenceCount === 0) {
    const reason = '未上传发票凭证文件 (no evidence file uploaded)';
    trace.push(`${label}：不予补助，${reason} — ${labelEn}: not eligible`);
    return { eligible: false, reason, duplicateOf: null };
  }
  trace.push(`${label}：符合补助范围，计入 — ${labelEn}: eligible, counted`);
  return { eligible: true, reason: null, duplicateOf: null };
}

export function sumFen(amounts: number[]): number {
  let total = 0;
  for (const a of amounts) total += a;
  return total;
}

/** Eligible total → rate (rounded down, once) → remaining cap. */
export function finishWithRate(
  rule: ProgramRule, policy: PolicyDocument, claim: CalcClaim, history: CalcHistory, items: ItemDecision[], trace: string[],
  capFen: number | null = rule.capFen,
): Decision {
  const claimedFen = sumFen(claim.items.map((i) => i.amountFen));
  const eligibleFen = sumFen(claim.items.filter((_, i) => items[i]!.eligible).map((i) => i.amountFen));
  trace.push(`申报金额合计 ${formatYuan(claimedFen)}，合规金额合计 ${formatYuan(eligibleFen)} — claimed ${formatYuan(claimedFen)}, eligible ${formatYuan(eligibleFen)}`);
  const rate = rule.rateBasisPoints ?? 0;
  const ratedFen = applyRateDown(eligibleFen, rate);
  trace.push(`补助比例：${formatRate(rate)} × ${formatYuan(eligibleFen)} = ${formatYuan(ratedFen)} (向下取整到分) — rate: ${formatRate(rate)} × ${formatYuan(eligibleFen)} = ${formatYuan(ratedFen)}, rounded down to the fen`);
  return finishWithCap(rule, policy, claimedFen, eligibleFen, ratedFen, capFen, history, items, trace);
}

export function finishWithCap(
  rule: ProgramRule, policy: PolicyDocument, claimedFen: number, eligibleFen: number, ratedFen: number, capFen: number | null,
  history: CalcHistory, items: ItemDecision[], trace: string[],
): Decision {
  const remainingBeforeFen = remainingUnderCap(capFen, history.approvedFen);
  let proposedFen = ratedFen;
  if (remainingBeforeFen === null) {
    trace.push(`累计上限：本版政策未设上限，建议补助 ${formatYuan(proposedFen)} — cap: none stated in this policy version; proposed ${formatYuan(proposedFen)}`);
  } else {
    proposedFen = Math.min(ratedFen, remainingBeforeFen);
    trace.push(
      `累计上限 ${formatYuan(capFen!)} − 已核准 ${formatYuan(history.approvedFen)} = 剩余 ${formatYuan(remainingBeforeFen)}；建议补助 min(${formatYuan(ratedFen)}, ${formatYuan(remainingBeforeFen)}) = ${formatYuan(proposedFen)}` +
        ` — cap ${formatYuan(capFen!)} − approved ${formatYuan(history.approvedFen)} = remaining ${formatYuan(remainingBeforeFen)}; proposed ${formatYuan(proposedFen)}`,
    );
  }
  return { program: rule.code, policyVersion: policy.version, items, claimedFen, eligibleFen, ratedFen, capFen, remainingBeforeFen, proposedFen, trace };
}

export function policyLine(rule: ProgramRule, policy: PolicyDocument): string {
  return `适用政策 ${policy.version}（${policy.documentNo}）${rule.section}「${rule.nameZh}」 — policy ${policy.version} §${rule.section} ${rule.nameEn}`;
}

/** All items ineligible for one claim-level reason (precondition not met). */
export function failAll(claim: CalcClaim, reason: string, trace: string[]): ItemDecision[] {
  trace.push(`前提条件不满足：${reason}，全部项目不予补助 — precondition not met; no item is eligible`);
  return claim.items.map(() => ({ eligible: false, reason, duplicateOf: null }));
}
