/** Openness (§六(五)): the policy in force, the session schedule, the awards disclosure; and the bureau's reports. */
import { h } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatDateTime, formatFen, registerMessages, t } from '../lib/i18n.ts';
import { api, type Res } from '../lib/api.ts';
import { card, field, form, input, page, select, table } from '../lib/ui.ts';
import { changeList } from './policyChanges.ts';

registerMessages({
  'zh-CN': {
    'policy.title': '政策公开',
    'policy.version': '政策版本',
    'policy.effective': '有效期',
    'policy.inForce': '现行有效',
    'policy.notInForce': '非现行',
    'policy.programs': '扶持项目与标准',
    'policy.program': '项目',
    'policy.section': '方案条款',
    'policy.rate': '补助比例',
    'policy.cap': '每单位上限',
    'policy.basis': '补助依据',
    'policy.preconditions': '前提条件',
    'policy.fixed': '定额',
    'policy.noCap': '未设上限',
    'policy.negative': '负面清单',
    'policy.procedure': '申报流程',
    'policy.budget': '资金安排',
    'policy.share': '比例',
    'policy.phases': '实施阶段',
    'policy.docNo': '文号',
    'schedule.title': '直播排期',
    'schedule.when': '时间',
    'schedule.session': '场次',
    'schedule.studio': '直播间',
    'schedule.association': '主办',
    'schedule.products': '商品',
    'schedule.status': '状态',
    'disclosure.searchTitle': '补助公示查询',
    'disclosure.q': '单位名称',
    'disclosure.program': '项目',
    'disclosure.from': '批准日期自',
    'disclosure.to': '至',
    'disclosure.search': '查询',
    'disclosure.csv': '下载 CSV',
    'disclosure.org': '单位',
    'disclosure.amount': '批准金额',
    'disclosure.at': '批准时间',
    'disclosure.paid': '已拨付',
    'disclosure.total': '合计',
    'disclosure.all': '全部项目',
    'reports.title': '绩效评价报表',
    'reports.from': '起始日期',
    'reports.to': '截止日期',
    'reports.build': '生成报表',
    'reports.progress': '生成进度',
    'reports.totals': '汇总',
    'reports.byMonth': '按月',
    'reports.byProgram': '按项目',
    'reports.byTownship': '按乡镇',
    'reports.budget': '资金使用',
    'reports.sessionAnalytics': '直播场次分析',
    'reports.session': '场次',
    'reports.viewers': '观看人数',
    'reports.peak': '峰值',
    'reports.chat': '弹幕',
    'reports.plusOnes': '+1',
    'reports.buyers': '下单人数',
    'reports.paidGmv': '已付成交额',
    'reports.conversion': '转化率',
    'reports.noSessions': '本期没有开播的场次',
    'reports.month': '月份',
    'reports.sessions': '直播场次',
    'reports.orders': '订单',
    'reports.gmv': '交易额',
    'reports.households': '带动贫困户',
    'reports.approved': '批准补助',
    'reports.paid': '已拨付',
    'reports.claims': '批准笔数',
    'reports.allocated': '安排资金',
    'reports.used': '累计使用率',
    'reports.csv': '下载 CSV',
    'reports.xlsx': '下载 Excel',
    'reports.failed': '报表生成失败：{message}',
    'reports.procurement': '贫困户采购额',
  },
  en: {
    'policy.title': 'Policy',
    'policy.version': 'Version',
    'policy.effective': 'Effective',
    'policy.inForce': 'In force',
    'policy.notInForce': 'Not in force',
    'policy.programs': 'Programmes and standards',
    'policy.program': 'Programme',
    'policy.section': 'Section',
    'policy.rate': 'Rate',
    'policy.cap': 'Cap per beneficiary',
    'policy.basis': 'Basis',
    'policy.preconditions': 'Preconditions',
    'policy.fixed': 'Fixed',
    'policy.noCap': 'No cap stated',
    'policy.negative': 'Negative list',
    'policy.procedure': 'Procedure',
    'policy.budget': 'Fund allocation',
    'policy.share': 'Share',
    'policy.phases': 'Phases',
    'policy.docNo': 'Document',
    'schedule.title': 'Session schedule',
    'schedule.when': 'When',
    'schedule.session': 'Session',
    'schedule.studio': 'Studio',
    'schedule.association': 'Organiser',
    'schedule.products': 'Products',
    'schedule.status': 'Status',
    'disclosure.searchTitle': 'Search awards',
    'disclosure.q': 'Organisation',
    'disclosure.program': 'Programme',
    'disclosure.from': 'Approved from',
    'disclosure.to': 'to',
    'disclosure.search': 'Search',
    'disclosure.csv': 'Download CSV',
    'disclosure.org': 'Organisation',
    'disclosure.amount': 'Approved',
    'disclosure.at': 'Approved at',
    'disclosure.paid': 'Paid',
    'disclosure.total': 'Total',
    'disclosure.all': 'All programmes',
    'reports.title': 'Performance reports',
    'reports.from': 'From',
    'reports.to': 'To',
    'reports.build': 'Build report',
    'reports.progress': 'Progress',
    'reports.totals': 'Totals',
    'reports.byMonth': 'By month',
    'reports.byProgram': 'By programme',
    'reports.byTownship': 'By township',
    'reports.budget': 'Budget use',
    'reports.sessionAnalytics': 'Session analytics',
    'reports.session': 'Session',
    'reports.viewers': 'Viewers',
    'reports.peak': 'Peak',
    'reports.chat': 'Chat messages',
    'reports.plusOnes': '+1s',
    'reports.buyers': 'Buyers',
    'reports.paidGmv': 'Paid GMV',
    'reports.conversion': 'Conversion',
    'reports.noSessions': 'No session was held in this period',
    'reports.month': 'Month',
    'reports.sessions': 'Sessions',
    'reports.orders': 'Orders',
    'reports.gmv': 'GMV',
    'reports.households': 'Poverty households',
    'reports.approved': 'Approved',
    'reports.paid': 'Paid',
    'reports.claims': 'Claims approved',
    'reports.allocated': 'Allocated',
    'reports.used': 'Used to date',
    'reports.csv': 'Download CSV',
    'reports.xlsx': 'Download Excel',
    'reports.failed': 'The report failed: {message}',
    'reports.procurement': 'Procurement from households',
  },
});

const percent = (bp: number) => `${(bp / 100).toFixed(bp % 100 ? 2 : 0)}%`;
const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }) : '—');

registerPage({
  path: '/policy',
  titleKey: 'policy.title',
  access: 'public',
  render: async () => {
    const { items } = await api.get<'/public/policies'>('/public/policies');
    const sections = [...items].reverse().map((p, i, newestFirst) => {
      const d = p.document;
      return card(
        `${d.titleZh}（${p.version}）`,
        h(
          'p',
          { 'data-testid': `policy-${p.version}` },
          h('span', { class: `badge ${p.inForce ? 'ok' : ''}` }, p.inForce ? t('policy.inForce') : t('policy.notInForce')),
          ' ',
          `${t('policy.docNo')}：${d.documentNo} · ${t('policy.effective')}：${day(p.effectiveFrom)} — ${day(p.effectiveTo)}`,
        ),
        changeList(p.version, p.changes, i === newestFirst.length - 1),
        h('h3', null, t('policy.programs')),
        table(
          d.programs,
          [
            { label: t('policy.program'), value: (r) => r.nameZh },
            { label: t('policy.section'), value: (r) => r.section },
            { label: t('policy.rate'), value: (r) => (r.rateBasisPoints === null ? t('policy.fixed') : percent(r.rateBasisPoints)) },
            {
              label: t('policy.cap'),
              value: (r) =>
                r.fixedAwardsFen
                  ? `乡镇站 ${formatFen(r.fixedAwardsFen.township)} / 村点 ${formatFen(r.fixedAwardsFen.village)}`
                  : r.capFen === null
                    ? t('policy.noCap')
                    : formatFen(r.capFen),
            },
            { label: t('policy.preconditions'), value: (r) => r.preconditions.map((c) => c.zh).join('；') || '—' },
          ],
          `policy-programs-${p.version}`,
        ),
        h('h3', null, t('policy.negative')),
        h(
          'ul',
          null,
          d.negativeList.map((n) => h('li', null, n.zh)),
        ),
        h('h3', null, t('policy.procedure')),
        h(
          'ol',
          null,
          d.procedure.map((s) => h('li', null, s.zh)),
        ),
        h('h3', null, t('policy.budget')),
        table(d.budgetCategories, [
          { label: t('policy.budget'), value: (c) => `${c.nameZh}（${c.section}）` },
          { label: t('policy.share'), value: (c) => percent(c.shareBasisPoints) },
        ]),
        h('h3', null, t('policy.phases')),
        table(d.phases, [
          { label: t('policy.phases'), value: (ph) => ph.nameZh },
          { label: t('policy.effective'), value: (ph) => `${ph.from} — ${ph.to}` },
        ]),
      );
    });
    return page(t('policy.title'), 'policy-page', sections);
  },
});

registerPage({
  path: '/live-schedule',
  titleKey: 'schedule.title',
  access: 'public',
  render: async () => {
    const from = new Date(Date.now() - 12 * 3600_000);
    const to = new Date(from.getTime() + 14 * 24 * 3600_000);
    const { items } = await api.get<'/public/sessions'>(
      `/public/sessions?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`,
    );
    return page(
      t('schedule.title'),
      'schedule-page',
      card(
        t('schedule.title'),
        table(
          items,
          [
            {
              label: t('schedule.when'),
              value: (s) =>
                `${formatDateTime(s.startsAt)} — ${new Date(s.endsAt).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}`,
            },
            // Live sessions open the viewer; scheduled and past ones their replay page (the recording once it exists).
            {
              label: t('schedule.session'),
              value: (s) =>
                h(
                  'a',
                  { href: s.status === 'live' ? `/live/${s.id}` : `/replay/${s.id}`, 'data-testid': `public-session-${s.id}` },
                  s.title,
                ),
            },
            {
              label: t('schedule.status'),
              value: (s) => h('span', { class: `badge ${s.status === 'live' ? 'bad' : ''}` }, t(`session.status.${s.status}`)),
            },
            { label: t('schedule.studio'), value: (s) => s.studio ?? '—' },
            { label: t('schedule.association'), value: (s) => s.association ?? '—' },
            { label: t('schedule.products'), value: (s) => s.products.join('、') || '—' },
          ],
          'schedule-table',
        ),
      ),
    );
  },
});

const PROGRAM_OPTIONS: [string, string][] = [
  ['livestream_base', '直播基地'],
  ['poverty_procurement', '采购贫困户农特产品'],
  ['brand_building', '品牌建设'],
  ['service_station', '农村电商服务站点'],
  ['warehouse_rent', '仓储租赁'],
];

registerPage({
  path: '/disclosure/search',
  titleKey: 'disclosure.searchTitle',
  access: 'public',
  render: async (ctx) => {
    const results = h('div');
    const csvLink = h(
      'a',
      { class: 'tile', 'data-testid': 'disclosure-csv', href: '/api/v1/public/disclosures.csv', download: 'disclosures.csv' },
      t('disclosure.csv'),
    );
    const run = async (v: Record<string, string>) => {
      const params = new URLSearchParams(Object.entries(v).filter(([, x]) => x));
      const { items, count, totalApprovedFen } = await api.get<'/public/disclosures/search'>(`/public/disclosures/search?${params}`);
      csvLink.setAttribute('href', `/api/v1/public/disclosures.csv?${params}`);
      results.replaceChildren(
        table(
          items,
          [
            { label: t('disclosure.org'), value: (r) => r.org },
            { label: t('disclosure.program'), value: (r) => r.programZh },
            { label: t('disclosure.amount'), value: (r) => formatFen(r.approvedFen) },
            { label: t('disclosure.at'), value: (r) => formatDateTime(r.approvedAt) },
            { label: t('disclosure.paid'), value: (r) => (r.paidFen === null ? '—' : formatFen(r.paidFen)) },
          ],
          'disclosure-results',
        ),
        h('p', { 'data-testid': 'disclosure-total' }, `${t('disclosure.total')}：${formatFen(totalApprovedFen)}（${count}）`),
      );
    };
    const initial = { q: ctx.query.get('q') ?? '', program: ctx.query.get('program') ?? '' };
    await run(initial);
    const search = form(
      'disclosure-search',
      [
        field(t('disclosure.q'), input('q', { value: initial.q })),
        field(t('disclosure.program'), select('program', [['', t('disclosure.all')], ...PROGRAM_OPTIONS])),
        field(t('disclosure.from'), input('from', { type: 'date' })),
        field(t('disclosure.to'), input('to', { type: 'date' })),
      ],
      t('disclosure.search'),
      run,
    );
    return page(
      t('disclosure.searchTitle'),
      'disclosure-search-page',
      card(t('disclosure.search'), search, csvLink),
      card(t('disclosure.searchTitle'), results),
    );
  },
});

type Report = NonNullable<Res<'/reports/{jobId}'>['result']>;
type ReportFigures = Omit<Report['byMonth'][number], 'month'>;

/** Files behind sign-in: fetched with the session cookie, then saved through a temporary object URL. */
async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(`/api/v1${path}`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const figureColumns = <T extends ReportFigures>() => [
  { label: t('reports.sessions'), value: (r: T) => r.sessionsHeld },
  { label: t('reports.orders'), value: (r: T) => r.orders },
  { label: t('reports.gmv'), value: (r: T) => formatFen(r.gmvFen) },
  { label: t('reports.households'), value: (r: T) => r.povertyHouseholds },
  { label: t('reports.approved'), value: (r: T) => formatFen(r.approvedFen) },
  { label: t('reports.paid'), value: (r: T) => formatFen(r.paidFen) },
];

registerPage({
  path: '/reports',
  titleKey: 'reports.title',
  access: ['bureau', 'auditor'],
  nav: { labelKey: 'reports.title', roles: ['bureau', 'auditor'], order: 70 },
  render: async (ctx) => {
    const bar = h('div', { style: 'width:0%' });
    const progressText = h('span', { 'data-testid': 'report-progress' }, '');
    const output = h('div', { 'data-testid': 'report-output' });
    let timer: ReturnType<typeof setTimeout> | null = null;
    ctx.onLeave(() => timer && clearTimeout(timer));
    const show = (jobId: string, r: Report) => {
      const name = `dehua-report-${r.from}-${r.to}`;
      output.replaceChildren(
        h(
          'div',
          { class: 'tiles' },
          h(
            'button',
            { class: 'secondary', 'data-testid': 'report-csv', onclick: () => void download(`/reports/${jobId}.csv`, `${name}.csv`) },
            t('reports.csv'),
          ),
          h(
            'button',
            { class: 'secondary', 'data-testid': 'report-xlsx', onclick: () => void download(`/reports/${jobId}.xlsx`, `${name}.xlsx`) },
            t('reports.xlsx'),
          ),
        ),
        card(
          t('reports.totals'),
          table(
            [r.totals],
            [...figureColumns<Report['totals']>(), { label: t('reports.procurement'), value: (x) => formatFen(x.procurementFen) }],
            'report-totals',
          ),
        ),
        card(
          t('reports.byMonth'),
          table(
            r.byMonth,
            [{ label: t('reports.month'), value: (m) => m.month }, ...figureColumns<Report['byMonth'][number]>()],
            'report-months',
          ),
        ),
        card(
          t('reports.byProgram'),
          table(
            r.byProgram,
            [
              { label: t('policy.program'), value: (p) => p.nameZh },
              { label: t('reports.claims'), value: (p) => p.claimsApproved },
              { label: t('reports.approved'), value: (p) => formatFen(p.approvedFen) },
              { label: t('reports.paid'), value: (p) => formatFen(p.paidFen) },
            ],
            'report-programs',
          ),
        ),
        card(
          t('reports.byTownship'),
          table(
            r.byTownship,
            [{ label: t('trace.township'), value: (x) => x.township }, ...figureColumns<Report['byTownship'][number]>()],
            'report-townships',
          ),
        ),
        card(
          t('reports.budget'),
          table(
            r.budget,
            [
              { label: t('policy.budget'), value: (b) => b.nameZh },
              { label: t('reports.allocated'), value: (b) => formatFen(b.allocatedFen) },
              { label: t('reports.approved'), value: (b) => formatFen(b.approvedFen) },
              { label: t('reports.paid'), value: (b) => formatFen(b.paidFen) },
              { label: t('reports.used'), value: (b) => percent(b.usedBasisPoints) },
            ],
            'report-budget',
          ),
        ),
        card(
          t('reports.sessionAnalytics'),
          r.sessions.length
            ? table(
                r.sessions,
                [
                  { label: t('reports.session'), value: (x) => x.title },
                  { label: t('reports.viewers'), value: (x) => x.viewers },
                  { label: t('reports.peak'), value: (x) => x.peakViewers },
                  { label: t('reports.chat'), value: (x) => x.chatMessages },
                  { label: t('reports.plusOnes'), value: (x) => x.plusOnes },
                  { label: t('reports.orders'), value: (x) => x.orders },
                  { label: t('reports.buyers'), value: (x) => x.buyers },
                  { label: t('reports.paidGmv'), value: (x) => formatFen(x.paidGmvFen) },
                  { label: t('reports.conversion'), value: (x) => percent(x.conversionBp) },
                ],
                'report-sessions',
              )
            : h('p', { class: 'muted', 'data-testid': 'report-sessions-empty' }, t('reports.noSessions')),
        ),
      );
    };
    // The job runs in the worker process; its state and progress are read until it finishes.
    const follow = async (jobId: string) => {
      const job = await api.get<'/reports/{jobId}'>(`/reports/${jobId}`);
      bar.style.width = `${job.progress}%`;
      progressText.textContent = `${job.progress}% · ${job.state}`;
      if (job.state === 'completed' && job.result) return show(jobId, job.result);
      if (job.state === 'failed') {
        output.replaceChildren(h('p', { class: 'form-status bad' }, t('reports.failed', { message: job.failedReason ?? '' })));
        return;
      }
      timer = setTimeout(() => void follow(jobId), 400);
    };
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const request = form(
      'report-form',
      [
        field(t('reports.from'), input('from', { type: 'date', required: true, value: `${today.slice(0, 4)}-01-01` })),
        field(t('reports.to'), input('to', { type: 'date', required: true, value: today })),
      ],
      t('reports.build'),
      async (v) => {
        const { jobId } = await api.post<'/reports'>('/reports', { from: v.from, to: v.to });
        output.replaceChildren();
        await follow(jobId);
      },
    );
    return page(
      t('reports.title'),
      'reports-page',
      card(t('reports.build'), request, h('div', { class: 'progress' }, bar), progressText),
      output,
    );
  },
});
