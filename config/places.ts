/** The county's 18 townships (乡镇), as listed in POLICY.md. */
export const TOWNSHIPS = [
  '龙浔镇',
  '浔中镇',
  '盖德镇',
  '三班镇',
  '龙门滩镇',
  '雷峰镇',
  '南埕镇',
  '水口镇',
  '国宝乡',
  '赤水镇',
  '美湖镇',
  '大铭乡',
  '春美乡',
  '上涌镇',
  '汤头乡',
  '葛坑镇',
  '桂阳乡',
  '杨梅乡',
] as const;
export type Township = (typeof TOWNSHIPS)[number];

/** Public brands: geographic-indication marks and the regional farm brand. */
export const PUBLIC_BRANDS = ['德化陶瓷', '德化白瓷', '德化玉瓷', '德化瓷雕', '德化窑瓷器', '三黑三黄三红'] as const;
export type PublicBrand = (typeof PUBLIC_BRANDS)[number];
