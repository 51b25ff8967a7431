import { h } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatDateTime, formatFen, getLocale, registerMessages, t } from '../lib/i18n.ts';
import { api } from '../lib/api.ts';
import { card, page, table } from '../lib/ui.ts';

registerMessages({
  'zh-CN': {
    'disclosure.title': '补助资金公示',
    'disclosure.intro': '依据实施方案第六(五)条，获补单位、项目、金额和日期向社会公开（不含贫困户个人信息）。',
    'disclosure.org': '获补单位',
    'disclosure.program': '项目',
    'disclosure.amount': '核准金额',
    'disclosure.date': '核准日期',
    'disclosure.paid': '已拨付',
  },
  en: {
    'disclosure.title': 'Subsidy disclosures',
    'disclosure.intro':
      'Under §六(五) of the plan, awards are published: organisation, programme, amount and date (no household personal data).',
    'disclosure.org': 'Organisation',
    'disclosure.program': 'Programme',
    'disclosure.amount': 'Approved',
    'disclosure.date': 'Approved on',
    'disclosure.paid': 'Paid',
  },
});

registerPage({
  path: '/disclosure',
  titleKey: 'disclosure.title',
  access: 'public',
  render: async () => {
    const { items } = await api.get<'/public/disclosures'>('/public/disclosures?limit=500');
    const links = h(
      'p',
      null,
      h('a', { class: 'tile', 'data-testid': 'disclosure-search-link', href: '/disclosure/search' }, t('disclosure.searchTitle')),
      ' ',
      h(
        'a',
        { class: 'tile', 'data-testid': 'disclosure-csv-all', href: '/api/v1/public/disclosures.csv', download: 'disclosures.csv' },
        t('disclosure.csv'),
      ),
    );
    return page(
      t('disclosure.title'),
      'disclosure-page',
      h('p', null, t('disclosure.intro')),
      links,
      card(
        t('disclosure.title'),
        table(
          items,
          [
            { label: t('disclosure.org'), value: (d) => d.org },
            { label: t('disclosure.program'), value: (d) => (getLocale() === 'zh-CN' ? d.programNameZh : d.programNameEn) },
            { label: t('disclosure.amount'), value: (d) => formatFen(d.approvedFen) },
            { label: t('disclosure.date'), value: (d) => formatDateTime(d.approvedAt) },
            { label: t('disclosure.paid'), value: (d) => (d.paid ? '✔' : '') },
          ],
          'disclosure-table',
        ),
      ),
    );
  },
});
