import { h } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatDateTime, formatFen, registerMessages, t } from '../lib/i18n.ts';
import { api } from '../lib/api.ts';
import { card, field, form, input, page, select, table } from '../lib/ui.ts';

const TOWNSHIPS = ['龙浔镇', '浔中镇', '盖德镇', '三班镇', '龙门滩镇', '雷峰镇', '南埕镇', '水口镇', '国宝乡', '赤水镇', '美湖镇', '大铭乡', '春美乡', '上涌镇', '汤头乡', '葛坑镇', '桂阳乡', '杨梅乡'];
const CATEGORIES = ['equipment', 'furniture', 'advertising', 'online_shop', 'brand_design', 'cold_chain_packaging', 'rent', 'platform_build', 'building', 'land', 'traffic_purchase', 'salary', 'work_funds', 'duplicate_funding', 'other'];
const PROGRAMS = ['livestream_base', 'poverty_procurement', 'brand_building', 'warehouse_rent', 'service_station'];

registerMessages({
  'zh-CN': {
    'claims.title': '补助申报', 'claims.new': '新建申报', 'claims.mine': '本单位申报', 'claims.queue': '待审核申报', 'claims.all': '全部申报',
    'claims.detail': '申报详情', 'claims.program': '项目', 'claims.status': '状态', 'claims.claimed': '申报金额', 'claims.eligible': '合规金额',
    'claims.proposed': '建议补助', 'claims.approved': '核准金额', 'claims.paid': '已拨付', 'claims.items': '支出明细', 'claims.trace': '核算说明',
    'claims.history': '办理记录', 'claims.evidence': '凭证', 'claims.upload': '上传凭证', 'claims.submit': '提交申报', 'claims.resubmit': '修改后重新提交',
    'claims.review': '审核', 'claims.approve': '核准', 'claims.return': '退回修改', 'claims.reject': '不予支持', 'claims.note': '审核意见',
    'claims.approvedFen': '核准金额（分，可低于建议）', 'claims.pay': '登记拨付', 'claims.voucherNo': '凭证号', 'claims.paidAt': '拨付日期',
    'claims.duplicate': '重复', 'claims.eligibleYes': '符合', 'claims.eligibleNo': '不符合', 'claims.category': '类别', 'claims.description': '说明',
    'claims.amountFen': '金额（分）', 'claims.invoiceCode': '发票代码', 'claims.invoiceNo': '发票号码', 'claims.baseId': '直播基地', 'claims.parkId': '园区',
    'claims.procurementIds': '采购记录编号（逗号分隔）', 'claims.level': '站点级别', 'claims.township': '乡镇', 'claims.village': '村',
    'claims.procurements': '采购贫困户农特产品记录', 'claims.registryNo': '建档立卡编号', 'claims.purchasedAt': '采购日期', 'claims.open': '查看',
    'claims.entitlement': '补助额度', 'claims.cap': '累计上限', 'claims.remaining': '剩余额度', 'claims.policy': '补助政策', 'claims.rate': '比例',
    'claims.negative': '负面清单', 'claims.exports': '导出', 'claims.by': '经办', 'claims.jobs': '任务队列',
    'status.draft': '草稿', 'status.submitted': '已提交', 'status.assessed': '已核算', 'status.approved': '已核准', 'status.returned': '已退回',
    'status.rejected': '不予支持', 'status.paid': '已拨付',
    'program.livestream_base': '直播基地', 'program.poverty_procurement': '采购贫困户农特产品', 'program.brand_building': '品牌建设',
    'program.warehouse_rent': '仓储租赁', 'program.service_station': '服务站点',
  },
  en: {
    'claims.title': 'Subsidy claims', 'claims.new': 'New claim', 'claims.mine': 'Our claims', 'claims.queue': 'Review queue', 'claims.all': 'All claims',
    'claims.detail': 'Claim', 'claims.program': 'Programme', 'claims.status': 'Status', 'claims.claimed': 'Claimed', 'claims.eligible': 'Eligible',
    'claims.proposed': 'Proposed', 'claims.approved': 'Approved', 'claims.paid': 'Paid', 'claims.items': 'Items', 'claims.trace': 'Assessment trace',
    'claims.history': 'History', 'claims.evidence': 'Evidence', 'claims.upload': 'Upload evidence', 'claims.submit': 'Submit', 'claims.resubmit': 'Resubmit after correction',
    'claims.review': 'Review', 'claims.approve': 'Approve', 'claims.return': 'Return for correction', 'claims.reject': 'Reject', 'claims.note': 'Note',
    'claims.approvedFen': 'Approved amount (fen, may be lower)', 'claims.pay': 'Record payment', 'claims.voucherNo': 'Voucher no.', 'claims.paidAt': 'Paid on',
    'claims.duplicate': 'Duplicate', 'claims.eligibleYes': 'Eligible', 'claims.eligibleNo': 'Not eligible', 'claims.category': 'Category', 'claims.description': 'Description',
    'claims.amountFen': 'Amount (fen)', 'claims.invoiceCode': 'Invoice code', 'claims.invoiceNo': 'Invoice no.', 'claims.baseId': 'Livestream base', 'claims.parkId': 'Park',
    'claims.procurementIds': 'Procurement ids (comma separated)', 'claims.level': 'Level', 'claims.township': 'Township', 'claims.village': 'Village',
    'claims.procurements': 'Purchases from poverty households', 'claims.registryNo': 'Registry no.', 'claims.purchasedAt': 'Purchased on', 'claims.open': 'Open',
    'claims.entitlement': 'Entitlement', 'claims.cap': 'Cap', 'claims.remaining': 'Remaining', 'claims.policy': 'Subsidy policy', 'claims.rate': 'Rate',
    'claims.negative': 'Negative list', 'claims.exports': 'Exports', 'claims.by': 'By', 'claims.jobs': 'Job queues',
    'status.draft': 'Draft', 'status.submitted': 'Submitted', 'status.assessed': 'Assessed', 'status.approved': 'Approved', 'status.returned': 'Returned',
    'status.rejected': 'Rejected', 'status.paid': 'Paid',
    'program.livestream_base': 'Livestream base', 'program.poverty_procurement': 'Poverty procurement', 'program.brand_building': 'Brand building',
    'program.warehouse_rent': 'Warehouse rent', 'program.service_station': 'Service station',
  },
});

interface ClaimSummary { id: string; program: string; status: string; orgName: string | null; claimedFen: number; proposedFen: number | null; approvedFen: number | null; hasDuplicates: boolean; updatedAt: string }
interface Evidence { fileId: string; filename: string; contentType: string; size: number; sha256: string }
interface Item { id: string; category: string; description: string; amountFen: number; invoiceCode: string; invoiceNo: string; evidence: Evidence[]; eligible: boolean | null; reason?: string; duplicateOf: string | null }
interface Claim extends ClaimSummary {
  orgId: string; eligibleFen: number | null; paidFen: number | null; items: Item[]; trace: string[]; revision: number; reviewNote: string | null;
  history: { status: string; at: string; by: string; note: string | null; amountFen: number | null }[]; baseId: string | null; parkId: string | null;
  level: string | null; township: string | null; village: string | null; filerUserId: string;
}

const opts = (values: string[], prefix: string): [string, string][] => values.map((v) => [v, t(`${prefix}.${v}`)]);
const statusBadge = (s: string) => h('span', { class: `badge status-${s}`, 'data-testid': 'claim-status' }, t(`status.${s}`));

function claimsTable(items: ClaimSummary[], navigate: (p: string) => void, testid: string) {
  return table(items, [
    { label: t('claims.program'), value: (c) => t(`program.${c.program}`) },
    { label: t('org.name'), value: (c) => c.orgName ?? '' },
    { label: t('claims.status'), value: (c) => statusBadge(c.status) },
    { label: t('claims.claimed'), value: (c) => formatFen(c.claimedFen) },
    { label: t('claims.proposed'), value: (c) => formatFen(c.proposedFen) },
    { label: t('claims.approved'), value: (c) => formatFen(c.approvedFen) },
    { label: t('claims.duplicate'), value: (c) => (c.hasDuplicates ? '⚠' : '') },
    { label: '', value: (c) => h('button', { type: 'button', 'data-testid': `open-claim-${c.id}`, onclick: () => navigate(`/claims/${c.id}`) }, t('claims.open')) },
  ], testid);
}

/** Items entered one per line: category|description|amountFen|invoiceCode|invoiceNo (a plain, keyboard-friendly editor). */
function parseItems(text: string) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
    const [category, description, amount, invoiceCode, invoiceNo] = line.split('|').map((s) => s.trim());
    return { category, description, amountFen: Number(amount), invoiceCode, invoiceNo };
  });
}

registerPage({
  path: '/claims', titleKey: 'claims.title', access: ['bureau', 'auditor', 'association', 'enterprise'],
  nav: { labelKey: 'claims.title', roles: ['bureau', 'auditor', 'association', 'enterprise'], order: 30 },
  render: async (ctx) => {
    const role = ctx.user?.role;
    const reader = role === 'bureau' || role === 'auditor';
    const list = h('div');
    const load = async () => {
      const status = reader ? (ctx.query.get('status') ?? 'assessed') : '';
      const { items } = await api.get<{ items: ClaimSummary[] }>(`/claims?limit=200${status ? `&status=${status}` : ''}`);
      list.replaceChildren(claimsTable(items, ctx.navigate, 'claims-table'));
    };
    await load();
    const sections: HTMLElement[] = [];
    if (!reader) {
      const programs = role === 'association' ? ['livestream_base'] : PROGRAMS.filter((p) => p !== 'livestream_base');
      sections.push(card(t('claims.new'), form('claim-form', [
        field(t('claims.program'), select('program', opts(programs, 'program'), { 'data-testid': 'claim-program' })),
        field(t('claims.baseId'), input('baseId', { 'data-testid': 'claim-baseId', placeholder: 'livestream_base' })),
        field(t('claims.parkId'), input('parkId', { placeholder: 'warehouse_rent' })),
        field(t('claims.procurementIds'), input('procurementIds', { placeholder: 'poverty_procurement' })),
        field(t('claims.level'), select('level', [['township', '乡镇服务站 township'], ['village', '村级服务点 village']])),
        field(t('claims.township'), select('township', TOWNSHIPS.map((x): [string, string] => [x, x]))),
        field(t('claims.village'), input('village')),
        field(`${t('claims.items')}: category|description|amountFen|invoiceCode|invoiceNo (${CATEGORIES.join(' ')})`, h('textarea', { name: 'items', rows: 4, 'data-testid': 'claim-items' })),
      ], t('claims.new'), async (v) => {
        const body: Record<string, unknown> = { program: v.program };
        if (v.program === 'poverty_procurement') body.procurementIds = (v.procurementIds ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        else if (v.program === 'service_station') Object.assign(body, { level: v.level, township: v.township, ...(v.level === 'village' ? { village: v.village } : {}) });
        else {
          body.items = parseItems(v.items ?? '');
          if (v.program === 'livestream_base') body.baseId = v.baseId;
          if (v.program === 'warehouse_rent') body.parkId = v.parkId;
        }
        const created = await api.post<{ id: string }>('/claims', body);
        ctx.navigate(`/claims/${created.id}`);
      })));
      if (role === 'enterprise') {
        const procList = h('div');
        const loadProc = async () => {
          const { items } = await api.get<{ items: { id: string; householdRegistryNo: string; description: string; amountFen: number; purchasedAt: string; invoiceNo: string }[] }>('/procurements?limit=200');
          procList.replaceChildren(table(items, [
            { label: 'id', value: (p) => p.id }, { label: t('claims.registryNo'), value: (p) => p.householdRegistryNo },
            { label: t('claims.description'), value: (p) => p.description }, { label: t('claims.amountFen'), value: (p) => formatFen(p.amountFen) },
            { label: t('claims.purchasedAt'), value: (p) => p.purchasedAt.slice(0, 10) }, { label: t('claims.invoiceNo'), value: (p) => p.invoiceNo },
          ], 'procurements-table'));
        };
        await loadProc();
        sections.push(card(t('claims.procurements'), form('procurement-form', [
          field(t('claims.registryNo'), input('householdRegistryNo', { required: true })),
          field(t('claims.description'), input('description', { required: true })),
          field(t('claims.amountFen'), input('amountFen', { required: true, inputmode: 'numeric' })),
          field(t('claims.purchasedAt'), input('purchasedAt', { type: 'date', required: true })),
          field(t('claims.invoiceNo'), input('invoiceNo', { required: true })),
        ], t('common.create'), async (v, f) => {
          await api.post('/procurements', { ...v, amountFen: Number(v.amountFen) });
          f.reset();
          await loadProc();
        }), procList));
      }
    } else {
      const filter = select('status', [['assessed', t('status.assessed')], ...['submitted', 'approved', 'returned', 'rejected', 'paid', 'draft'].map((s): [string, string] => [s, t(`status.${s}`)])], {
        'data-testid': 'claims-status-filter', onchange: (e: Event) => ctx.navigate(`/claims?status=${(e.target as HTMLSelectElement).value}`),
      });
      filter.value = ctx.query.get('status') ?? 'assessed';
      const download = (path: string, name: string) => h('button', { type: 'button', onclick: async () => {
        const res = await fetch(`/api/v1${path}`, { credentials: 'same-origin' });
        const url = URL.createObjectURL(await res.blob());
        h('a', { href: url, download: name }).click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } }, name);
      sections.push(card(t('claims.exports'),
        download('/exports/claims?format=csv', 'claims.csv'), ' ', download('/exports/claims?format=xlsx', 'claims.xlsx'), ' ',
        download('/exports/disbursements?format=csv', 'disbursements.csv'), ' ', download('/exports/disbursements?format=xlsx', 'disbursements.xlsx'),
        role === 'bureau' ? h('p', null, h('a', { href: '/admin/queues', 'data-testid': 'jobs-link', onclick: async (e: Event) => {
          // A one-time code (60 s, single use) opens the board; no token goes into the URL.
          e.preventDefault();
          const { url } = await api.post<{ url: string }>('/admin/queues/code');
          window.location.assign(url);
        } }, t('claims.jobs'))) : null));
      sections.push(h('div', null, field(t('claims.status'), filter)));
    }
    return page(t('claims.title'), 'claims-page', ...sections, card(reader ? t('claims.queue') : t('claims.mine'), list));
  },
});

async function evidencePreview(claimId: string, itemId: string, ev: Evidence): Promise<HTMLElement> {
  const res = await fetch(`/api/v1/claims/${claimId}/items/${itemId}/evidence/${ev.fileId}`, { credentials: 'same-origin' });
  const url = URL.createObjectURL(await res.blob());
  const link = h('a', { href: url, target: '_blank', rel: 'noopener', 'data-testid': 'evidence-link' }, ev.filename);
  return ev.contentType.startsWith('image/') ? h('span', null, h('img', { src: url, alt: ev.filename, class: 'evidence-thumb', style: 'max-width:120px;max-height:120px;display:block' }), link) : link;
}

registerPage({
  path: '/claims/:id', titleKey: 'claims.detail', access: ['bureau', 'auditor', 'association', 'enterprise'],
  render: async (ctx) => {
    const id = ctx.params.id!;
    const root = h('div');
    const render = async () => {
      const c = await api.get<Claim>(`/claims/${id}`);
      const role = ctx.user?.role;
      const filer = (role === 'association' || role === 'enterprise') && ctx.user?.orgId === c.orgId;
      const editable = filer && (c.status === 'draft' || c.status === 'returned');
      const itemRows = await Promise.all(c.items.map(async (it) => ({ it, previews: await Promise.all(it.evidence.map((ev) => evidencePreview(id, it.id, ev))) })));
      const items = table(itemRows, [
        { label: t('claims.category'), value: (r) => r.it.category },
        { label: t('claims.description'), value: (r) => r.it.description },
        { label: t('claims.amountFen'), value: (r) => formatFen(r.it.amountFen) },
        { label: t('claims.invoiceNo'), value: (r) => `${r.it.invoiceCode} / ${r.it.invoiceNo}` },
        { label: t('claims.evidence'), value: (r) => h('div', null, r.previews, editable ? h('input', { type: 'file', accept: 'application/pdf,image/png,image/jpeg', 'data-testid': `upload-${r.it.id}`, onchange: async (e: Event) => {
          const file = (e.target as HTMLInputElement).files?.[0];
          if (!file) return;
          const body = new FormData();
          body.append('file', file);
          try {
            await api.post(`/claims/${id}/items/${r.it.id}/evidence`, body);
            await render();
          } catch (err) {
            alert((err as Error).message);
          }
        } }) : null) },
        { label: t('claims.eligible'), value: (r) => r.it.eligible === null ? '—' : h('span', { class: r.it.eligible ? 'ok' : 'bad', title: r.it.reason ?? '' }, r.it.eligible ? t('claims.eligibleYes') : `${t('claims.eligibleNo')}：${r.it.reason ?? ''}`) },
        { label: t('claims.duplicate'), value: (r) => (r.it.duplicateOf ? h('strong', { class: 'bad', 'data-testid': 'duplicate-flag' }, `⚠ ${r.it.duplicateOf}`) : '') },
      ], 'claim-items-table');
      const actions: HTMLElement[] = [];
      if (editable) {
        actions.push(h('button', { type: 'button', class: 'primary', 'data-testid': 'claim-submit', onclick: async () => {
          try {
            await api.post(`/claims/${id}/submit`);
            await render();
          } catch (err) {
            alert((err as Error).message);
          }
        } }, c.status === 'returned' ? t('claims.resubmit') : t('claims.submit')));
      }
      if (role === 'bureau' && c.status === 'assessed' && c.filerUserId !== ctx.user?.id) {
        actions.push(card(t('claims.review'), form('review-form', [
          field(t('claims.review'), select('decision', [['approve', t('claims.approve')], ['return', t('claims.return')], ['reject', t('claims.reject')]], { 'data-testid': 'review-decision' })),
          field(t('claims.approvedFen'), input('approvedFen', { inputmode: 'numeric', placeholder: String(c.proposedFen ?? ''), 'data-testid': 'review-amount' })),
          field(t('claims.note'), input('note', { 'data-testid': 'review-note' })),
        ], t('claims.review'), async (v) => {
          await api.post(`/claims/${id}/review`, { decision: v.decision, ...(v.note ? { note: v.note } : {}), ...(v.approvedFen && v.decision === 'approve' ? { approvedFen: Number(v.approvedFen) } : {}) });
          await render();
        })));
      }
      if (role === 'bureau' && c.status === 'approved') {
        actions.push(card(t('claims.pay'), form('payment-form', [
          field(t('claims.voucherNo'), input('voucherNo', { required: true, 'data-testid': 'payment-voucher' })),
          field(t('claims.paidAt'), input('paidAt', { type: 'date', required: true, 'data-testid': 'payment-date' })),
        ], t('claims.pay'), async (v) => {
          await api.post(`/claims/${id}/payments`, v);
          await render();
        })));
      }
      // Follow the tally while it runs.
      if (c.status === 'submitted') setTimeout(() => void render().catch(() => undefined), 1000);
      root.replaceChildren(page(`${t('claims.detail')} · ${t(`program.${c.program}`)}`, 'claim-detail',
        card(t('claims.status'),
          h('p', null, statusBadge(c.status), ' ', c.orgName ?? ''),
          h('dl', { class: 'figures' },
            h('dt', null, t('claims.claimed')), h('dd', { 'data-testid': 'claim-claimed' }, formatFen(c.claimedFen)),
            h('dt', null, t('claims.eligible')), h('dd', null, formatFen(c.eligibleFen)),
            h('dt', null, t('claims.proposed')), h('dd', { 'data-testid': 'claim-proposed' }, formatFen(c.proposedFen)),
            h('dt', null, t('claims.approved')), h('dd', { 'data-testid': 'claim-approved' }, formatFen(c.approvedFen)),
            h('dt', null, t('claims.paid')), h('dd', null, formatFen(c.paidFen))),
          c.reviewNote ? h('p', { 'data-testid': 'claim-review-note' }, `${t('claims.note')}：${c.reviewNote}`) : null,
          actions),
        card(t('claims.items'), items),
        card(t('claims.trace'), h('ol', { 'data-testid': 'claim-trace' }, c.trace.map((line) => h('li', null, line)))),
        card(t('claims.history'), table(c.history, [
          { label: t('claims.status'), value: (x) => t(`status.${x.status}`) },
          { label: 'at', value: (x) => formatDateTime(x.at) },
          { label: t('claims.by'), value: (x) => x.by },
          { label: t('claims.note'), value: (x) => x.note ?? '' },
          { label: t('claims.amountFen'), value: (x) => formatFen(x.amountFen) },
        ], 'claim-history'))));
    };
    await render();
    return root;
  },
});

registerPage({
  path: '/policy', titleKey: 'claims.policy', access: 'signed-in',
  nav: { labelKey: 'claims.policy', roles: ['bureau', 'auditor', 'association', 'enterprise'], order: 31 },
  render: async () => {
    const { items } = await api.get<{ items: { version: string; document: { titleZh: string; documentNo: string; programs: { code: string; nameZh: string; nameEn: string; section: string; rateBasisPoints: number | null; capFen: number | null; fixedAwardsFen?: { township: number; village: number }; basisCategories: string[] }[]; negativeList: { zh: string; en: string }[] } }[] }>('/policies');
    return page(t('claims.policy'), 'policy-page', ...items.map((p) => card(`${p.document.titleZh}（${p.document.documentNo}）· ${p.version}`,
      table(p.document.programs, [
        { label: t('claims.program'), value: (r) => `${r.section} ${r.nameZh} / ${r.nameEn}` },
        { label: t('claims.rate'), value: (r) => (r.rateBasisPoints === null ? '定额 fixed' : `${r.rateBasisPoints / 100}%`) },
        { label: t('claims.cap'), value: (r) => (r.fixedAwardsFen ? `${formatFen(r.fixedAwardsFen.township)} / ${formatFen(r.fixedAwardsFen.village)}` : r.capFen === null ? '—' : formatFen(r.capFen)) },
        { label: t('claims.category'), value: (r) => r.basisCategories.join(', ') },
      ], 'policy-programs'),
      h('h3', null, t('claims.negative')), h('ul', null, p.document.negativeList.map((n) => h('li', null, `${n.zh} — ${n.en}`))))));
  },
});
