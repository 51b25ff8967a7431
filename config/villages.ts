import { TOWNSHIPS, type Township } from './places.ts';

/**
 * Villages (行政村) and communities (社区) offered first for each township when a buyer enters an address.
 * Only names confirmed from published sources are listed (nothing is guessed), so no list is known to be
 * complete: a name from the list is accepted, and so is any other name ending in 村 or 社区 (the documented
 * fallback). A township whose list the bureau has completed from the county's civil-affairs register goes
 * into COMPLETE_VILLAGE_LISTS, and then only its listed villages are accepted.
 */
export const VILLAGES: Partial<Record<Township, readonly string[]>> = {
  龙浔镇: [
    '浔东社区',
    '德新社区',
    '兴南社区',
    '南门社区',
    '金锁社区',
    '龙鹏社区',
    '湖前社区',
    '园丁社区',
    '浔南社区',
    '龙井社区',
    '宝美村',
    '丁溪村',
    '丁墘村',
    '大坂村',
    '英山村',
  ],
  浔中镇: ['龙岸村'],
  赤水镇: ['铭爱村'],
  大铭乡: ['上徐村'],
  春美乡: ['双翰村'],
};

/** Townships whose list above is the whole register (none yet). */
export const COMPLETE_VILLAGE_LISTS: readonly Township[] = [];

export const PROVINCE = '福建省';
export const CITY = '泉州市';
export const COUNTY = '德化县';

const VILLAGE_NAME = /^[\u4e00-\u9fa5]{1,12}(村|社区)$/u;

export function isTownship(name: string): name is Township {
  return (TOWNSHIPS as readonly string[]).includes(name);
}

/** null when the village is acceptable for the township, else why not. */
export function villageProblem(township: Township, village: string): string | null {
  const listed = VILLAGES[township] ?? [];
  if (listed.includes(village)) return null;
  if (COMPLETE_VILLAGE_LISTS.includes(township)) return `is not a village of ${township} (one of: ${listed.join('、')})`;
  return VILLAGE_NAME.test(village) ? null : 'must be a village name ending in 村 or 社区';
}
