import type { PolicyDocument, ProgramRule, StationLevel } from '../../../../config/policies/types.ts';
import { formatYuan } from '../../money.ts';
import { capAndTotal } from '../capAndTotal.ts';
import { categoryZh } from '../rules.ts';
import type { CalcClaim, CalcHistory, CalcItem, Decision, ItemDecision, Trace } from './types.ts';
import type { TextKey } from '../../../../config/claimTexts.ts';

/** A trace: the contract's bilingual strings, plus `keys` beside them (same lines, as keys + params). */
export function newTrace(rule: ProgramRule, policy: PolicyDocument): Trace {
  const trace = Object.assign([] as string[], { keys: [] as TextKey[] });
  say(trace, policyLine(rule, policy), {
    key: 'trace.policy',
    params: {
      version: policy.version,
      documentNo: policy.documentNo,
      section: rule.section,
      programZh: rule.nameZh,
      programEn: rule.nameEn,
    },
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

const DUPLICATE_TEXT: Record<string, [string, string]> = {
  invoice: ['发票已被申报', 'invoice already claimed'],
  file: ['凭证文件已被使用', 'evidence file already used'],
  procurement: ['该采购已被申报', 'purchase already claimed'],
  procurement_invoice: ['采购发票已被申报', 'purchase invoice already claimed'],
};

export function itemLabel(index: number, item: CalcItem, policy: PolicyDocument): string {
  return `第${index + 1}项「${item.description}」${categoryZh(policy, item.category)} ${formatYuan(item.amountFen)}`;
}

/** The shared item rules: category in the basis, not on the negative list, evidence present, no duplicate. */
export function judgeSpendingItem(index: number, item: CalcItem, rule: ProgramRule, policy: PolicyDocument, trace: Trace): ItemDecision {
  const label = itemLabel(index, item, policy);
  const labelEn = `item ${index + 1} (${item.category}, ${formatYuan(item.amountFen)})`;
  const negative = policy.negativeList.find((n) => n.category === item.category);
  if (negative) {
    const reason = `负面清单：${negative.zh} (negative list: ${negative.en})`;
    const reasonKey: TextKey = { key: 'reason.negative', params: { negativeZh: negative.zh, negativeEn: negative.en } };
    say(trace, `${label}：不予补助，${reason} — ${labelEn}: not eligible`, {
      key: 'trace.item.ineligible',
      params: { item: itemKey(index, item), reason: reasonKey },
    });
    return { eligible: false, reason, reasonKey, duplicateOf: null };
  }
  if (!rule.basisCategories.includes(item.category)) {
    const reason = `类别不在「${rule.nameZh}」补助范围内 (category ${item.category} is outside the ${rule.nameEn} basis: ${rule.basisCategories.join(', ')})`;
    const reasonKey: TextKey = { key: 'reason.outside_basis', params: { programZh: rule.nameZh, programEn: rule.nameEn } };
    say(trace, `${label}：不予补助，${reason} — ${labelEn}: not eligible`, {
      key: 'trace.item.ineligible',
      params: { item: itemKey(index, item), reason: reasonKey },
    });
    return { eligible: false, reason, reasonKey, duplicateOf: null };
  }
  return judgeDuplicatesAndEvidence(label, labelEn, item, trace, true, itemKey(index, item));
}

export function judgeDuplicatesAndEvidence(
  label: string,
  labelEn: string,
  item: CalcItem,
  trace: Trace,
  needsEvidence: boolean,
  itemText: TextKey,
): ItemDecision {
  const duplicate = item.duplicates[0];
  if (duplicate) {
    const [zh, en] = DUPLICATE_TEXT[duplicate.kind]!;
    const reason = `重复申报：${zh}（${duplicate.heldBy}）(duplicate: ${en} by ${duplicate.heldBy})`;
    const reasonKey: TextKey = { key: 'reason.duplicate', params: { duplicate: duplicate.kind, heldBy: heldByKey(duplicate.heldBy) } };
    say(trace, `${label}：不予补助，${reason} — ${labelEn}: not eligible`, {
      key: 'trace.item.ineligible',
      params: { item: itemText, reason: reasonKey },
    });
    return { eligible: false, reason, reasonKey, duplicateOf: duplicate.heldBy };
  }
  if (needsEvidence && item.evidenceCount === 0) {
    const reason = '未上传发票凭证文件 (no evidence file uploaded)';
    const reasonKey: TextKey = { key: 'reason.no_evidence' };
    say(trace, `${label}：不予补助，${reason} — ${labelEn}: not eligible`, {
      key: 'trace.item.ineligible',
      params: { item: itemText, reason: reasonKey },
    });
    return { eligible: false, reason, reasonKey, duplicateOf: null };
  }
  say(trace, `${label}：符合补助范围，计入 — ${labelEn}: eligible, counted`, { key: 'trace.item.eligible', params: { item: itemText } });
  return { eligible: true, reason: null, reasonKey: null, duplicateOf: null };
}

/** Hands the judged items to the one cap-and-total function and writes its lines into the trace. */
export function finish(
  rule: ProgramRule,
  policy: PolicyDocument,
  claim: CalcClaim,
  history: CalcHistory,
  items: ItemDecision[],
  trace: Trace,
  station?: { level: StationLevel; awarded: boolean } | null,
): Decision {
  const result = capAndTotal({
    rule,
    approvedFen: history.approvedFen,
    station,
    items: claim.items.map((item, i) => ({ amountFen: item.amountFen, eligible: items[i]!.eligible })),
    ...(claim.station?.levelsClaimed ? { stationLevelsClaimed: claim.station.levelsClaimed } : {}),
    ...(claim.station?.capFen !== undefined ? { capFen: claim.station.capFen } : {}),
  });
  for (const line of result.trace) say(trace, line.text, line.key);
  return {
    program: rule.code,
    policyVersion: policy.version,
    items,
    claimedFen: result.claimedFen,
    eligibleFen: result.eligibleFen,
    ratedFen: result.ratedFen,
    capFen: result.capFen,
    remainingBeforeFen: result.remainingBeforeFen,
    proposedFen: result.awardFen,
    trace: [...trace],
    traceKeys: trace.keys,
  };
}

export function policyLine(rule: ProgramRule, policy: PolicyDocument): string {
  return `适用政策 ${policy.version}（${policy.documentNo}）${rule.section}「${rule.nameZh}」 — policy ${policy.version} §${rule.section} ${rule.nameEn}`;
}

/** All items ineligible for one claim-level reason (precondition not met). */
export function failAll(claim: CalcClaim, reason: string, trace: Trace, reasonKey: TextKey): ItemDecision[] {
  say(trace, `前提条件不满足：${reason}，全部项目不予补助 — precondition not met; no item is eligible`, {
    key: 'trace.precondition',
    params: { reason: reasonKey },
  });
  return claim.items.map(() => ({ eligible: false, reason, reasonKey, duplicateOf: null }));
}
