/** What changed from one policy version to the one before (the server's policyChanges), in the reader's language. */
import { h } from '../lib/dom.ts';
import { formatFen, getLocale, registerMessages, t } from '../lib/i18n.ts';
import { CATEGORY_NAMES, PROGRAM_NAMES } from '../../../config/claimTexts.ts';
import type { Schema } from '../lib/api.ts';

registerMessages({
  'zh-CN': {
    'policyChange.title': '与上一版相比',
    'policyChange.none': '首个版本',
    'policyChange.noCap': '不设上限',
    'policyChange.noRate': '无',
    'policyChange.effective_from': '生效日期：{from} → {to}',
    'policyChange.rate': '{program} 补助比例：{from} → {to}',
    'policyChange.cap': '{program} 累计上限：{from} → {to}',
    'policyChange.fixed_award': '{program}（{level}）定额：{from} → {to}',
    'policyChange.basis_added': '{program} 补助范围新增：{category}',
    'policyChange.basis_removed': '{program} 补助范围取消：{category}',
    'policyChange.category_added': '新增类别：{category}',
    'policyChange.category_removed': '取消类别：{category}',
    'policyChange.category_renamed': '类别更名：{from} → {to}',
    'policyChange.negative_added': '负面清单新增：{text}',
    'policyChange.negative_removed': '负面清单移除：{text}',
    'policyChange.township': '乡镇服务站',
    'policyChange.village': '村级服务点',
  },
  en: {
    'policyChange.title': 'Changes from the version before',
    'policyChange.none': 'First version',
    'policyChange.noCap': 'no cap',
    'policyChange.noRate': 'none',
    'policyChange.effective_from': 'Effective from: {from} → {to}',
    'policyChange.rate': '{program} rate: {from} → {to}',
    'policyChange.cap': '{program} cap: {from} → {to}',
    'policyChange.fixed_award': '{program} ({level}) fixed award: {from} → {to}',
    'policyChange.basis_added': '{program} basis now includes {category}',
    'policyChange.basis_removed': '{program} basis no longer includes {category}',
    'policyChange.category_added': 'New category: {category}',
    'policyChange.category_removed': 'Category removed: {category}',
    'policyChange.category_renamed': 'Category renamed: {from} → {to}',
    'policyChange.negative_added': 'Added to the negative list: {text}',
    'policyChange.negative_removed': 'Removed from the negative list: {text}',
    'policyChange.township': 'township station',
    'policyChange.village': 'village point',
  },
});

/** One difference between two policy versions, as GET /policies and /public/policies list them. */
export type PolicyChange = Schema<'PolicyChange'>;

const zh = () => getLocale() === 'zh-CN';
const programName = (code = '') => PROGRAM_NAMES[code]?.[zh() ? 0 : 1] ?? code;
const categoryName = (code = '') => CATEGORY_NAMES[code]?.[zh() ? 0 : 1] ?? code;
export const percentText = (bp: number | null | undefined) =>
  bp === null || bp === undefined ? t('policyChange.noRate') : `${(bp / 100).toFixed(bp % 100 ? 2 : 0)}%`;
const capText = (fen: number | null | undefined) => (fen === null || fen === undefined ? t('policyChange.noCap') : formatFen(fen));

export function changeText(c: PolicyChange): string {
  const program = programName(c.program);
  const category = categoryName(c.category);
  switch (c.kind) {
    case 'effective_from':
      return t('policyChange.effective_from', { from: c.from ?? '', to: c.to ?? '' });
    case 'rate':
      return t('policyChange.rate', { program, from: percentText(c.fromBasisPoints), to: percentText(c.toBasisPoints) });
    case 'cap':
      return t('policyChange.cap', { program, from: capText(c.fromFen), to: capText(c.toFen) });
    case 'fixed_award':
      return t('policyChange.fixed_award', {
        program,
        level: t(`policyChange.${c.level}`),
        from: capText(c.fromFen),
        to: capText(c.toFen),
      });
    case 'category_renamed':
      return t('policyChange.category_renamed', {
        from: zh() ? (c.fromZh ?? '') : (c.fromEn ?? ''),
        to: zh() ? (c.toZh ?? '') : (c.toEn ?? ''),
      });
    case 'negative_added':
    case 'negative_removed':
      return t(`policyChange.${c.kind}`, { text: (zh() ? c.zh : c.en) ?? category });
    default:
      return t(`policyChange.${c.kind}`, { program, category });
  }
}

/** The list shown under each version on the public policy page. */
export function changeList(version: string, changes: PolicyChange[] | undefined, first: boolean): HTMLElement {
  return h(
    'div',
    { class: 'policy-changes', 'data-testid': `policy-changes-${version}` },
    h('h3', null, t('policyChange.title')),
    first || !changes?.length
      ? h('p', null, t('policyChange.none'))
      : h(
          'ul',
          null,
          changes.map((c) => h('li', null, changeText(c))),
        ),
  );
}
