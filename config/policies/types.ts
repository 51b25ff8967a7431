/** A subsidy policy as data: the bureau can publish a new version without a release. */
export const PROGRAMS = ['livestream_base', 'poverty_procurement', 'brand_building', 'service_station', 'warehouse_rent'] as const;
export type ProgramCode = (typeof PROGRAMS)[number];

export const ITEM_CATEGORIES = [
  'equipment',
  'furniture',
  'advertising',
  'online_shop',
  'brand_design',
  'cold_chain_packaging',
  'rent',
  'platform_build',
  'building',
  'land',
  'traffic_purchase',
  'salary',
  'work_funds',
  'duplicate_funding',
  'other',
] as const;
export type ItemCategory = (typeof ITEM_CATEGORIES)[number];

export type OrgType = 'association' | 'enterprise' | 'station';

/** A service station's level: a township station or a village point. */
export type StationLevel = 'township' | 'village';

/** A category's words, as the policy publishes them. */
export interface CategoryLabel {
  code: ItemCategory;
  zh: string;
  en: string;
}

export interface ProgramRule {
  code: ProgramCode;
  nameZh: string;
  nameEn: string;
  /** The plan's own section number. */
  section: string;
  claimantOrgTypes: OrgType[];
  /** Item categories that count towards the basis (empty for fixed awards). */
  basisCategories: ItemCategory[];
  /** Rate in basis points (10000 = 100%); null for fixed awards. */
  rateBasisPoints: number | null;
  /** Cumulative cap per beneficiary over the policy period, fen; null = none stated. */
  capFen: number | null;
  /** Fixed awards (service stations) by level, fen. */
  fixedAwardsFen?: Record<StationLevel, number>;
  preconditions: { zh: string; en: string }[];
  budgetCategory: BudgetCategoryCode;
}

export interface NegativeListEntry {
  category: ItemCategory;
  zh: string;
  en: string;
}

export type BudgetCategoryCode = 'infrastructure' | 'public_service' | 'products_upward' | 'other';

export interface BudgetCategoryRule {
  code: BudgetCategoryCode;
  nameZh: string;
  nameEn: string;
  section: string;
  /** Share of the total fund in basis points; the four add up to 10000. */
  shareBasisPoints: number;
}

export interface PolicyDocument {
  version: string;
  titleZh: string;
  titleEn: string;
  documentNo: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  programs: ProgramRule[];
  itemCategories: ItemCategory[];
  /** The categories' names in Chinese and English (trace lines, pages, exports). */
  categoryLabels: CategoryLabel[];
  negativeList: NegativeListEntry[];
  budgetCategories: BudgetCategoryRule[];
  phases: { code: string; nameZh: string; nameEn: string; from: string; to: string }[];
  procedure: { zh: string; en: string }[];
}
