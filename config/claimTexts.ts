/**
 * The words of an assessment, as keys with parameters: the tally stores `{key, params}` lines (traceKeys,
 * an item's reasonKey) and each reader renders them in their language. Money parameters are integer fen
 * (names ending in Fen), rates basis points, dates YYYY-MM-DD (Beijing), categories and kinds as codes.
 * Shared by the server (which still writes the contract's bilingual `trace: [string]`) and the client.
 */
import { formatYuan } from './money.ts';
import { CATEGORY_LABELS } from './policies/categories.ts';

export type TextLocale = 'zh-CN' | 'en';
export type TextParam = string | number | boolean | null | TextKey;
export interface TextKey {
  key: string;
  params?: Record<string, TextParam>;
}

/** The category vocabulary's words come from the policy data (config/policies/categories.ts). */
export const CATEGORY_NAMES: Record<string, [zh: string, en: string]> = Object.fromEntries(
  CATEGORY_LABELS.map((c) => [c.code, [c.zh, c.en]]),
);

export const PROGRAM_NAMES: Record<string, [zh: string, en: string]> = {
  livestream_base: ['直播基地', 'Livestream base'],
  poverty_procurement: ['采购贫困户农特产品', 'Purchases from poverty households'],
  brand_building: ['品牌建设', 'Brand building'],
  warehouse_rent: ['仓储租赁', 'Warehouse rent'],
  service_station: ['服务站点', 'Service station'],
};

const DUPLICATE_KINDS: Record<string, [string, string]> = {
  invoice: ['发票已被申报', 'invoice already claimed'],
  file: ['凭证文件已被使用', 'evidence file already used'],
  procurement: ['该采购已被申报', 'purchase already claimed'],
  procurement_invoice: ['采购发票已被申报', 'purchase invoice already claimed'],
};

const LEVELS: Record<string, [string, string]> = { township: ['乡镇服务站', 'township station'], village: ['村级服务点', 'village point'] };

const TEMPLATES: Record<string, [zh: string, en: string]> = {
  'trace.policy': ['适用政策 {version}（{documentNo}）{section}「{programZh}」', 'Policy {version} ({documentNo}) §{section} {programEn}'],
  'trace.item': ['第{n}项「{description}」{category} {amountFen}', 'Item {n} “{description}” ({category}, {amountFen})'],
  'trace.item.eligible': ['{item}：符合补助范围，计入', '{item}: eligible, counted'],
  'trace.item.ineligible': ['{item}：不予补助，{reason}', '{item}: not eligible: {reason}'],
  'trace.item.seller_registered': [
    '{item}：卖方 {registryNo} 于采购日 {date} 在册',
    '{item}: seller {registryNo} was registered on the purchase date {date}',
  ],
  'reason.negative': ['负面清单：{negativeZh}', 'negative list: {negativeEn}'],
  'reason.outside_basis': ['类别不在「{programZh}」补助范围内', 'the category is outside what {programEn} pays for'],
  'reason.duplicate': ['重复申报：{duplicate}（{heldBy}）', 'duplicate: {duplicate} ({heldBy})'],
  'reason.no_evidence': ['未上传发票凭证文件', 'no evidence file uploaded'],
  'reason.seller_not_registered': ['卖方 {registryNo} 不在建档立卡名录中', 'the seller {registryNo} is not in the household registry'],
  'reason.seller_not_registered_on_date': [
    '采购日 {date} 卖方 {registryNo} 未在建档立卡名录中',
    'the seller {registryNo} was not registered on the purchase date {date}',
  ],
  'reason.base_missing': ['直播基地不存在', 'the base does not exist'],
  'reason.base_unfiled': ['直播基地「{name}」未备案', 'the base “{name}” is not filed with the bureau'],
  'reason.base_filed_late': ['直播基地「{name}」在申报后才备案', 'the base “{name}” was filed after the claim was submitted'],
  'reason.park_missing': ['园区不存在', 'the park does not exist'],
  'reason.park_not_demo': ['园区「{name}」不是国家级电子商务示范基地', 'the park “{name}” is not a national e-commerce demonstration base'],
  'reason.station_missing': ['缺少站点信息', 'no station details'],
  'reason.not_station_operator': ['申报单位不是服务站点运营方', 'the claimant is not a station operator'],
  'reason.station_duplicate': ['重复申报：{where} 已有{level}（{heldBy}）', 'duplicate: {where} already has a {level} ({heldBy})'],
  'held.this_claim': ['本申报', 'this claim'],
  'held.claim': ['申报 {claimId}', 'claim {claimId}'],
  'trace.base_filed': ['直播基地「{name}」已于 {date} 备案', 'the base “{name}” was filed on {date}'],
  'trace.park_demo': ['园区「{name}」为国家级电子商务示范基地', 'the park “{name}” is a national demonstration base'],
  'trace.station_award': [
    '{level}「{where}」定额奖补 {awardFen}（须经验收）',
    'fixed award for a {level} “{where}”: {awardFen} (after acceptance)',
  ],
  'trace.claim_ineligible': ['不予补助：{reason}', 'not eligible: {reason}'],
  'trace.precondition': ['前提条件不满足：{reason}，全部项目不予补助', 'precondition not met: {reason}; no item is eligible'],
  'trace.totals': ['申报金额合计 {claimedFen}，合规金额合计 {eligibleFen}', 'claimed {claimedFen} in total, eligible {eligibleFen}'],
  'trace.rate': [
    '补助比例：{rate} × {eligibleFen} = {ratedFen} (向下取整到分)',
    'rate: {rate} × {eligibleFen} = {ratedFen}, rounded down to the fen',
  ],
  'trace.cap_none': ['累计上限：本版政策未设上限，建议补助 {proposedFen}', 'cap: none in this policy version; proposed {proposedFen}'],
  'trace.cap': [
    '累计上限 {capFen} − 已核准 {approvedFen} = 剩余 {remainingFen}；建议补助 min({ratedFen}, {remainingFen}) = {proposedFen}',
    'cap {capFen} − approved {approvedFen} = remaining {remainingFen}; proposed min({ratedFen}, {remainingFen}) = {proposedFen}',
  ],
  'trace.approved': ['核准 {grantFen}', 'approved {grantFen}'],
  'trace.approved_below': ['核准 {grantFen}（低于建议 {proposedFen}）', 'approved {grantFen} (below the proposed {proposedFen})'],
  'trace.approved_limited': [
    '核准：剩余上限不足，按 min({requestedFen}, 剩余) 核准 {grantFen}',
    'approved {grantFen}: the remaining cap was below the requested {requestedFen}',
  ],
};

/** 2000 → "20%", 1350 → "13.5%". */
function rateText(basisPoints: number): string {
  const whole = Math.floor(basisPoints / 100);
  const rest = basisPoints % 100;
  return rest === 0 ? `${whole}%` : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}%`;
}

function paramText(name: string, value: TextParam, locale: TextLocale): string {
  const i = locale === 'zh-CN' ? 0 : 1;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return renderText(value, locale);
  if (typeof value === 'number' && name.endsWith('Fen')) return formatYuan(value);
  if (typeof value === 'number' && name === 'rate') return rateText(value);
  if (name === 'category' && typeof value === 'string') return CATEGORY_NAMES[value]?.[i] ?? value;
  if (name === 'duplicate' && typeof value === 'string') return DUPLICATE_KINDS[value]?.[i] ?? value;
  if (name === 'level' && typeof value === 'string') return LEVELS[value]?.[i] ?? value;
  return String(value);
}

/** One line in the reader's language; an unknown key renders as itself (never throws on old data). */
export function renderText(text: TextKey, locale: TextLocale): string {
  const template = TEMPLATES[text.key]?.[locale === 'zh-CN' ? 0 : 1];
  if (!template) return text.key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => paramText(name, text.params?.[name] ?? null, locale));
}

/** The contract's single-string form: "中文 — English". */
export function bilingualText(text: TextKey): string {
  return `${renderText(text, 'zh-CN')} — ${renderText(text, 'en')}`;
}

export function hasText(key: string): boolean {
  return key in TEMPLATES;
}
