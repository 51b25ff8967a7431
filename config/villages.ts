import { TOWNSHIPS, type Township } from './places.ts';

/**
 * Villages (行政村/社区) offered first for each township when a buyer enters an address. A township with a
 * list accepts only its villages; one without a list yet accepts any name ending in 村 or 社区 — the bureau
 * completes these lists from the county's civil-affairs register (only villages already used by the hub's
 * own records are listed here; nothing is guessed).
 */
export const VILLAGES: Partial<Record<Township, readonly string[]>> = {
  赤水镇: ['铭爱村'],
};

export const PROVINCE = '福建省';
export const CITY = '泉州市';
export const COUNTY = '德化县';

const VILLAGE_NAME = /^[\u4e00-\u9fa5]{1,12}(村|社区)$/u;

export function isTownship(name: string): name is Township {
  return (TOWNSHIPS as readonly string[]).includes(name);
}

/** null when the village is acceptable for the township, else why not. */
export function villageProblem(township: Township, village: string): string | null {
  const listed = VILLAGES[township];
  if (listed) return listed.includes(village) ? null : `is not a village of ${township} (one of: ${listed.join('、')})`;
  return VILLAGE_NAME.test(village) ? null : 'must be a village name ending in 村 or 社区';
}
