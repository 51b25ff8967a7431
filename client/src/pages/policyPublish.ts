/** The bureau publishes a new policy version from the latest one: rates, caps, basis categories, category words, negative list, effective date. */
import { h } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatFen, getLocale, registerMessages, t } from '../lib/i18n.ts';
import { api } from '../lib/api.ts';
import { card, field, form, input, page } from '../lib/ui.ts';
import { fenFromYuan, yuanInput } from '../lib/money.ts';
import { fenToYuanPlain } from '../../../config/money.ts';
import { changeList, percentText } from './policyChanges.ts';

registerMessages({
  'zh-CN': {
    'publish.title': '发布政策新版本',
    'publish.nav': '发布政策',
    'publish.from': '以现行最新版本 {version} 为基础（生效 {date}）',
    'publish.version': '新版本号',
    'publish.versionHint': '小写字母、数字和 -，例如 dehua-2021',
    'publish.effectiveFrom': '生效日期（北京时间，当日 0 时起）',
    'publish.documentNo': '文号',
    'publish.programs': '扶持项目：比例与上限',
    'publish.rate': '补助比例（%）',
    'publish.cap': '累计上限（元，留空为不设上限）',
    'publish.township': '乡镇服务站定额（元）',
    'publish.village': '村级服务点定额（元）',
    'publish.basis': '补助范围',
    'publish.categories': '支出类别名称',
    'publish.negative': '负面清单（勾选即列入，不予补助）',
    'publish.nameZh': '中文名称',
    'publish.nameEn': '英文名称',
    'publish.submit': '发布新版本',
    'publish.done': '已发布 {version}，所有进程立即按新版本执行（{date} 起提交的申报适用）',
    'error.policy_rate': '{program}：补助比例须为 0 到 100 之间的数，最多两位小数',
    'publish.versions': '已发布的版本',
    'error.stale_policy': '在您编辑期间已有新版本发布，请刷新后在最新版本基础上修改',
  },
  en: {
    'publish.title': 'Publish a new policy version',
    'publish.nav': 'Publish policy',
    'publish.from': 'Starting from the latest version {version} (effective {date})',
    'publish.version': 'New version',
    'publish.versionHint': 'lower-case letters, digits and -, e.g. dehua-2021',
    'publish.effectiveFrom': 'Effective from (Beijing, from 00:00)',
    'publish.documentNo': 'Document number',
    'publish.programs': 'Programmes: rates and caps',
    'publish.rate': 'Rate (%)',
    'publish.cap': 'Cap (yuan; empty for none)',
    'publish.township': 'Township station award (yuan)',
    'publish.village': 'Village point award (yuan)',
    'publish.basis': 'Basis',
    'publish.categories': 'Spending categories',
    'publish.negative': 'Negative list (ticked: never subsidised)',
    'publish.nameZh': 'Chinese name',
    'publish.nameEn': 'English name',
    'publish.submit': 'Publish the version',
    'publish.done': 'Published {version}; every process applies it at once (to claims submitted from {date})',
    'error.policy_rate': '{program}: the rate must be a number from 0 to 100 with at most two decimals',
    'publish.versions': 'Published versions',
    'error.stale_policy': 'A newer version was published while you were editing; reload and start from it',
  },
});

const beijingToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const day = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
const name = (r: { nameZh: string; nameEn: string }) => (getLocale() === 'zh-CN' ? r.nameZh : r.nameEn);

/** "40" or "12.5" percent → basis points; null when it is not one. */
function basisPoints(typed: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(typed.trim());
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10000 ? bp : null;
}
const percentInput = (bp: number | null) =>
  bp === null
    ? ''
    : `${Math.floor(bp / 100)}${
        bp % 100
          ? `.${String(bp % 100)
              .padStart(2, '0')
              .replace(/0$/, '')}`
          : ''
      }`;

registerPage({
  path: '/policy/publish',
  titleKey: 'publish.title',
  access: ['bureau'],
  nav: { labelKey: 'publish.nav', roles: ['bureau'], order: 32 },
  render: async ({ navigate }) => {
    const { items } = await api.get<'/policies'>('/policies');
    const latest = items[items.length - 1]!;
    const doc = latest.document;
    const categories = doc.categoryLabels.map((c) => c.code);
    const negative = new Map(doc.negativeList.map((n) => [n.category, n]));
    const label = (code: string) => {
      const c = doc.categoryLabels.find((l) => l.code === code);
      return c ? (getLocale() === 'zh-CN' ? c.zh : c.en) : code;
    };
    const checkbox = (nameAttr: string, checked: boolean, text: string, testid: string) =>
      h(
        'label',
        { class: 'check' },
        h('input', { type: 'checkbox', name: nameAttr, ...(checked ? { checked: true } : {}), 'data-testid': testid }),
        ' ',
        text,
      );

    const programFields = doc.programs.map((r) =>
      h(
        'fieldset',
        { class: 'program', 'data-testid': `publish-program-${r.code}` },
        h('legend', null, name(r)),
        r.fixedAwardsFen
          ? [
              field(
                t('publish.township'),
                yuanInput(`award.township.${r.code}`, {
                  value: fenToYuanPlain(r.fixedAwardsFen.township),
                  'data-testid': `publish-township-${r.code}`,
                }),
              ),
              field(
                t('publish.village'),
                yuanInput(`award.village.${r.code}`, {
                  value: fenToYuanPlain(r.fixedAwardsFen.village),
                  'data-testid': `publish-village-${r.code}`,
                }),
              ),
            ]
          : [
              field(
                t('publish.rate'),
                input(`rate.${r.code}`, {
                  inputmode: 'decimal',
                  value: percentInput(r.rateBasisPoints),
                  'data-testid': `publish-rate-${r.code}`,
                }),
              ),
              field(
                t('publish.cap'),
                yuanInput(`cap.${r.code}`, {
                  value: r.capFen === null ? '' : fenToYuanPlain(r.capFen),
                  'data-testid': `publish-cap-${r.code}`,
                }),
              ),
              h(
                'div',
                { class: 'checks' },
                h('span', null, t('publish.basis')),
                categories
                  .filter((c) => !negative.has(c) && c !== 'other')
                  .map((c) => checkbox(`basis.${r.code}.${c}`, r.basisCategories.includes(c), label(c), `publish-basis-${r.code}-${c}`)),
              ),
            ],
      ),
    );
    const categoryFields = doc.categoryLabels.map((c) =>
      h(
        'div',
        { class: 'category-row', 'data-code': c.code },
        h('strong', null, label(c.code)),
        field(t('publish.nameZh'), input(`zh.${c.code}`, { value: c.zh, maxlength: 40 })),
        field(t('publish.nameEn'), input(`en.${c.code}`, { value: c.en, maxlength: 80 })),
        checkbox(`negative.${c.code}`, negative.has(c.code), t('publish.negative'), `publish-negative-${c.code}`),
      ),
    );

    const result = h('div', { 'data-testid': 'publish-result' });
    const publishForm = form(
      'publish-form',
      [
        h('p', null, t('publish.from', { version: latest.version, date: day(latest.effectiveFrom) })),
        field(
          t('publish.version'),
          input('version', {
            required: true,
            pattern: '[a-z0-9-]{1,64}',
            placeholder: t('publish.versionHint'),
            'data-testid': 'publish-version',
          }),
        ),
        field(
          t('publish.effectiveFrom'),
          input('effectiveFrom', {
            type: 'date',
            required: true,
            min: beijingToday(),
            value: beijingToday(),
            'data-testid': 'publish-effective',
          }),
        ),
        field(t('publish.documentNo'), input('documentNo', { value: doc.documentNo, maxlength: 100 })),
        h('h3', null, t('publish.programs')),
        ...programFields,
        h('h3', null, t('publish.categories')),
        ...categoryFields,
      ],
      t('publish.submit'),
      async (values, el) => {
        const checked = (key: string) => (el.elements.namedItem(key) as HTMLInputElement | null)?.checked ?? false;
        const programs = doc.programs.map((r) => {
          if (r.fixedAwardsFen) {
            return {
              code: r.code,
              rateBasisPoints: null,
              capFen: null,
              basisCategories: r.basisCategories,
              fixedAwardsFen: {
                township: fenFromYuan(values[`award.township.${r.code}`] ?? '', t('publish.township')),
                village: fenFromYuan(values[`award.village.${r.code}`] ?? '', t('publish.village')),
              },
            };
          }
          const rate = basisPoints(values[`rate.${r.code}`] ?? '');
          // Shown by the form like a hub error (errorText reads code + params).
          if (rate === null) throw Object.assign(new Error('rate'), { code: 'policy_rate', params: { program: name(r) } });
          const cap = (values[`cap.${r.code}`] ?? '').trim();
          return {
            code: r.code,
            rateBasisPoints: rate,
            capFen: cap ? fenFromYuan(cap, `${name(r)} ${t('publish.cap')}`) : null,
            basisCategories: categories.filter((c) => checked(`basis.${r.code}.${c}`)),
          };
        });
        const categoryLabels = doc.categoryLabels.map((c) => ({
          code: c.code,
          zh: (values[`zh.${c.code}`] ?? c.zh).trim(),
          en: (values[`en.${c.code}`] ?? c.en).trim(),
        }));
        const negativeList = categoryLabels
          .filter((c) => checked(`negative.${c.code}`))
          .map((c) => {
            const kept = negative.get(c.code);
            return { category: c.code, zh: kept?.zh ?? c.zh, en: kept?.en ?? c.en };
          });
        const published = await api.post<'/policies'>('/policies', {
          version: values.version,
          basedOn: latest.version,
          effectiveFrom: values.effectiveFrom,
          documentNo: values.documentNo,
          programs,
          categoryLabels,
          negativeList,
        });
        result.replaceChildren(
          h('p', { class: 'ok' }, t('publish.done', { version: published.version, date: day(published.effectiveFrom) })),
          changeList(published.version, published.changes, false),
        );
      },
    );

    const versions = card(
      t('publish.versions'),
      h(
        'ul',
        null,
        [...items].reverse().map((v) =>
          h(
            'li',
            null,
            `${v.version} · ${day(v.effectiveFrom)}${v.inForce ? ' ✓' : ''} · `,
            v.document.programs
              .filter((r) => r.rateBasisPoints !== null)
              .map((r) => `${name(r)} ${percentText(r.rateBasisPoints)}${r.capFen === null ? '' : ` / ${formatFen(r.capFen)}`}`)
              .join('；'),
          ),
        ),
      ),
    );
    void navigate;
    return page(t('publish.title'), 'policy-publish-page', card(t('publish.title'), publishForm, result), versions);
  },
});
