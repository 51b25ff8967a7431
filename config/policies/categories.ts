import type { CategoryLabel } from './types.ts';

/**
 * The item category vocabulary with its words (POLICY.md "Item categories form one vocabulary"): the base,
 * brand and warehouse bases, the negative list, and `other`. A policy version carries these labels in its
 * document; a category outside the vocabulary is bad input.
 */
export const CATEGORY_LABELS: CategoryLabel[] = [
  { code: 'equipment', zh: '直播设备', en: 'Livestream equipment' },
  { code: 'furniture', zh: '直播桌椅', en: 'Desks and chairs' },
  { code: 'advertising', zh: '宣传广告', en: 'Publicity' },
  { code: 'online_shop', zh: '网店建设', en: 'Online shop' },
  { code: 'brand_design', zh: '品牌形象设计', en: 'Brand design' },
  { code: 'cold_chain_packaging', zh: '冷链包装', en: 'Cold-chain packaging' },
  { code: 'rent', zh: '仓储租金', en: 'Warehouse rent' },
  { code: 'platform_build', zh: '建设网上交易平台', en: 'Building a trading platform' },
  { code: 'building', zh: '楼堂馆所', en: 'Office buildings' },
  { code: 'land', zh: '征地拆迁', en: 'Land acquisition' },
  { code: 'traffic_purchase', zh: '购买流量', en: 'Buying traffic' },
  { code: 'salary', zh: '人员工资', en: 'Salaries' },
  { code: 'work_funds', zh: '工作经费', en: 'Running costs' },
  { code: 'duplicate_funding', zh: '重复支持项目', en: 'Already-funded projects' },
  { code: 'other', zh: '其他', en: 'Other' },
];
