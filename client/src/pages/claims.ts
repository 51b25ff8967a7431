import { h, replace } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatDate, formatDateTime, formatFen, getLocale, registerMessages, t } from '../lib/i18n.ts';
import { api, type Res } from '../lib/api.ts';
import { card, field, form, input, page, pagedList, select, table } from '../lib/ui.ts';
import { confirmAmount, fenFromYuan, yuanInput } from '../lib/money.ts';
import { errorText } from '../lib/errors.ts';
import { evidencePicker, type Picker } from '../lib/evidencePicker.ts';
import { CATEGORY_NAMES, renderText } from '../../../config/claimTexts.ts';
import { capitalYuan, fenToYuanPlain } from '../../../config/money.ts';
import { TOWNSHIPS } from '../../../config/places.ts';
import { stationThroughputCard } from './stationThroughput.ts';
import { ITEM_CATEGORIES } from '../../../config/policies/types.ts';

/** The claim schema's category vocabulary (config/policies/types.ts), as the item rows list it. */
export const CATEGORIES: string[] = [...ITEM_CATEGORIES];

registerMessages({
  'zh-CN': {
    'claims.title': '补助申报',
    'claims.new': '新建申报',
    'claims.mine': '本单位申报',
    'claims.queue': '待审核申报',
    'claims.all': '全部申报',
    'claims.detail': '申报详情',
    'claims.program': '项目',
    'claims.status': '状态',
    'claims.claimed': '申报金额',
    'claims.eligible': '合规金额',
    'claims.proposed': '建议补助',
    'claims.approved': '核准金额',
    'claims.paid': '已拨付',
    'claims.items': '支出明细',
    'claims.trace': '核算说明',
    'claims.history': '办理记录',
    'claims.evidence': '凭证',
    'claims.upload': '上传凭证',
    'claims.submit': '提交申报',
    'claims.resubmit': '修改后重新提交',
    'claims.review': '审核',
    'claims.approve': '核准',
    'claims.return': '退回修改',
    'claims.reject': '不予支持',
    'claims.note': '审核意见',
    'claims.approvedFen': '核准金额（分，可低于建议）',
    'claims.pay': '登记拨付',
    'claims.voucherNo': '凭证号',
    'claims.paidAt': '拨付日期',
    'claims.duplicate': '重复',
    'claims.eligibleYes': '符合',
    'claims.eligibleNo': '不符合',
    'claims.category': '类别',
    'claims.description': '说明',
    'claims.amountFen': '金额（分）',
    'claims.invoiceCode': '发票代码',
    'claims.invoiceNo': '发票号码',
    'claims.baseId': '直播基地',
    'claims.parkId': '园区',
    'claims.procurementIds': '采购记录编号（逗号分隔）',
    'claims.level': '站点级别',
    'claims.township': '乡镇',
    'claims.village': '村',
    'claims.procurements': '采购贫困户农特产品记录',
    'claims.registryNo': '建档立卡编号',
    'claims.purchasedAt': '采购日期',
    'claims.open': '查看',
    'claims.entitlement': '补助额度',
    'claims.cap': '累计上限',
    'claims.remaining': '剩余额度',
    'claims.policy': '补助政策',
    'claims.rate': '比例',
    'claims.negative': '负面清单',
    'claims.exports': '导出',
    'claims.by': '经办',
    'claims.jobs': '任务队列',
    'status.draft': '草稿',
    'status.submitted': '已提交',
    'status.assessed': '已核算',
    'status.approved': '已核准',
    'status.returned': '已退回',
    'status.rejected': '不予支持',
    'status.paid': '已拨付',
    'program.livestream_base': '直播基地',
    'program.poverty_procurement': '采购贫困户农特产品',
    'program.brand_building': '品牌建设',
    'program.warehouse_rent': '仓储租赁',
    'program.service_station': '服务站点',
    'claims.amountYuan': '金额（元）',
    'claims.approvedYuan': '核准金额（元，可低于建议；留空按建议）',
    'claims.addItem': '添加一行',
    'claims.removeItem': '删除此行',
    'claims.total': '申报合计',
    'claims.expected': '按 {rate} 预计补助',
    'claims.capLine': '累计上限 {cap}，已核准 {approved}，剩余 {remaining}',
    'claims.noCap': '本项目未设累计上限',
    'claims.fixedAward': '定额奖补：乡镇服务站 {township}，村级服务点 {village}',
    'claims.overCap': '超出剩余额度的部分不予补助',
    'claims.chooseBase': '请选择直播基地',
    'claims.choosePark': '请选择电商园区',
    'claims.noBase': '还没有直播基地：请先在“直播基地”页登记并由县局备案',
    'claims.noProcurements': '还没有采购记录：请先在下方登记采购',
    'claims.filed': '已备案',
    'claims.unfiled': '未备案',
    'claims.demoPark': '国家级示范基地',
    'claims.notDemoPark': '非国家级示范基地',
    'claims.levelTownship': '乡镇服务站',
    'claims.levelVillage': '村级服务点',
    'claims.returnedNote': '退回修改意见',
    'claims.correction': '修改申报',
    'claims.saveChanges': '保存修改',
    'claims.removeEvidence': '删除凭证',
    'claims.confirmRemove': '确定删除凭证 {name}？',
    'claims.savedChanges': '已保存修改',
    'claims.confirmApprove': '确认核准',
    'claims.confirmPay': '确认拨付',
    'claims.approveLine': '核准「{org}」的「{program}」申报',
    'claims.payLine': '向「{org}」拨付，凭证号 {voucher}',
    'claims.approveCapNote': '若剩余累计额度不足，按剩余额度核准',
    'claims.when': '时间',
    'claims.pending': '待上传',
    'claims.uploading': '正在上传凭证…',
    'claims.warning.household_not_registered':
      '注意：建档立卡编号 {registryNo} 不在贫困户名录中，按政策此笔采购不予补助；请核对编号或请县局登记该户',
    'claims.warning.household_registered_later': '注意：该户 {registeredFrom} 才建档立卡，早于此日期的采购不予补助',
    'claims.exportsEn': '英文版',
    'claims.exportClaims': '申报明细表',
    'claims.exportDisbursements': '拨付明细表',
    'by.tally-worker': '自动核算',
    'by.system': '系统',
    'history.created': '创建',
    'history.edited': '修改',
    'history.resubmitted': '修改后重新提交',
    'history.voucher': '凭证号 {voucher}',
    'history.reassessed': '重新核算（{reason}）',
    'procurements.pick': '选择要申报的采购记录',
    'claims.basisOnly': '补助范围内的类别',
    'claims.otherCategories': '其他类别（不予补助）',
  },
  en: {
    'claims.title': 'Subsidy claims',
    'claims.new': 'New claim',
    'claims.mine': 'Our claims',
    'claims.queue': 'Review queue',
    'claims.all': 'All claims',
    'claims.detail': 'Claim',
    'claims.program': 'Programme',
    'claims.status': 'Status',
    'claims.claimed': 'Claimed',
    'claims.eligible': 'Eligible',
    'claims.proposed': 'Proposed',
    'claims.approved': 'Approved',
    'claims.paid': 'Paid',
    'claims.items': 'Items',
    'claims.trace': 'Assessment trace',
    'claims.history': 'History',
    'claims.evidence': 'Evidence',
    'claims.upload': 'Upload evidence',
    'claims.submit': 'Submit',
    'claims.resubmit': 'Resubmit after correction',
    'claims.review': 'Review',
    'claims.approve': 'Approve',
    'claims.return': 'Return for correction',
    'claims.reject': 'Reject',
    'claims.note': 'Note',
    'claims.approvedFen': 'Approved amount (fen, may be lower)',
    'claims.pay': 'Record payment',
    'claims.voucherNo': 'Voucher no.',
    'claims.paidAt': 'Paid on',
    'claims.duplicate': 'Duplicate',
    'claims.eligibleYes': 'Eligible',
    'claims.eligibleNo': 'Not eligible',
    'claims.category': 'Category',
    'claims.description': 'Description',
    'claims.amountFen': 'Amount (fen)',
    'claims.invoiceCode': 'Invoice code',
    'claims.invoiceNo': 'Invoice no.',
    'claims.baseId': 'Livestream base',
    'claims.parkId': 'Park',
    'claims.procurementIds': 'Procurement ids (comma separated)',
    'claims.level': 'Level',
    'claims.township': 'Township',
    'claims.village': 'Village',
    'claims.procurements': 'Purchases from poverty households',
    'claims.registryNo': 'Registry no.',
    'claims.purchasedAt': 'Purchased on',
    'claims.open': 'Open',
    'claims.entitlement': 'Entitlement',
    'claims.cap': 'Cap',
    'claims.remaining': 'Remaining',
    'claims.policy': 'Subsidy policy',
    'claims.rate': 'Rate',
    'claims.negative': 'Negative list',
    'claims.exports': 'Exports',
    'claims.by': 'By',
    'claims.jobs': 'Job queues',
    'status.draft': 'Draft',
    'status.submitted': 'Submitted',
    'status.assessed': 'Assessed',
    'status.approved': 'Approved',
    'status.returned': 'Returned',
    'status.rejected': 'Rejected',
    'status.paid': 'Paid',
    'program.livestream_base': 'Livestream base',
    'program.poverty_procurement': 'Poverty procurement',
    'program.brand_building': 'Brand building',
    'program.warehouse_rent': 'Warehouse rent',
    'program.service_station': 'Service station',
    'claims.amountYuan': 'Amount (yuan)',
    'claims.approvedYuan': 'Approved (yuan; may be lower; empty = proposed)',
    'claims.addItem': 'Add a row',
    'claims.removeItem': 'Remove this row',
    'claims.total': 'Total claimed',
    'claims.expected': 'Expected at {rate}',
    'claims.capLine': 'Cap {cap}, approved {approved}, remaining {remaining}',
    'claims.noCap': 'No cumulative cap for this programme',
    'claims.fixedAward': 'Fixed award: township station {township}, village point {village}',
    'claims.overCap': 'Anything above the remaining cap is not paid',
    'claims.chooseBase': 'Choose the livestream base',
    'claims.choosePark': 'Choose the park',
    'claims.noBase': 'No base yet: register one on the Bases page and have the bureau file it',
    'claims.noProcurements': 'No purchases yet: record them below first',
    'claims.filed': 'Filed',
    'claims.unfiled': 'Not filed',
    'claims.demoPark': 'National demo base',
    'claims.notDemoPark': 'Not a national demo base',
    'claims.levelTownship': 'Township station',
    'claims.levelVillage': 'Village point',
    'claims.returnedNote': 'Returned for correction',
    'claims.correction': 'Correct the claim',
    'claims.saveChanges': 'Save changes',
    'claims.removeEvidence': 'Remove file',
    'claims.confirmRemove': 'Remove the file {name}?',
    'claims.savedChanges': 'Changes saved',
    'claims.confirmApprove': 'Confirm approval',
    'claims.confirmPay': 'Confirm payment',
    'claims.approveLine': 'Approve the {program} claim of {org}',
    'claims.payLine': 'Pay {org}, voucher {voucher}',
    'claims.approveCapNote': 'If less of the cumulative cap remains, the remainder is approved',
    'claims.when': 'When',
    'claims.pending': 'To upload',
    'claims.uploading': 'Uploading evidence…',
    'claims.warning.household_not_registered':
      'Note: registry no. {registryNo} is not in the poverty household registry, so this purchase will not be subsidised; check the number or ask the bureau to register the household',
    'claims.warning.household_registered_later':
      'Note: the household is registered only from {registeredFrom}; purchases before that date are not subsidised',
    'claims.exportsEn': 'English',
    'claims.exportClaims': 'Claims',
    'claims.exportDisbursements': 'Disbursements',
    'by.tally-worker': 'Automatic tally',
    'by.system': 'System',
    'history.created': 'Created',
    'history.edited': 'Edited',
    'history.resubmitted': 'Resubmitted after correction',
    'history.voucher': 'Voucher {voucher}',
    'history.reassessed': 'Re-assessed ({reason})',
    'procurements.pick': 'Choose the purchases to claim',
    'claims.basisOnly': 'Categories this programme pays for',
    'claims.otherCategories': 'Other categories (not paid)',
  },
});

// Response shapes come from the API's OpenAPI document (client/src/lib/api.gen.ts, generated at build).
type ClaimSummary = Res<'/claims'>['items'][number];
type Claim = Res<'/claims/{id}'>;
type Item = Claim['items'][number];
type Evidence = Item['evidence'][number];
type ProgramRule = Res<'/policies'>['items'][number]['document']['programs'][number];

const statusBadge = (s: string) => h('span', { class: `badge status-${s}`, 'data-testid': 'claim-status' }, t(`status.${s}`));
const categoryName = (c: string) => CATEGORY_NAMES[c]?.[getLocale() === 'zh-CN' ? 0 : 1] ?? c;
const rateText = (bp: number) =>
  `${Math.floor(bp / 100)}${
    bp % 100
      ? `.${String(bp % 100)
          .padStart(2, '0')
          .replace(/0$/, '')}`
      : ''
  }%`;
const byName = (by: string) => (t(`by.${by}`) !== `by.${by}` ? t(`by.${by}`) : by);

function claimsTable(items: ClaimSummary[], navigate: (p: string) => void, testid: string) {
  return table(
    items,
    [
      { label: t('claims.program'), value: (c) => t(`program.${c.program}`) },
      { label: t('org.name'), value: (c) => c.orgName ?? '' },
      { label: t('claims.status'), value: (c) => statusBadge(c.status) },
      { label: t('claims.claimed'), value: (c) => formatFen(c.claimedFen) },
      { label: t('claims.proposed'), value: (c) => formatFen(c.proposedFen) },
      { label: t('claims.approved'), value: (c) => formatFen(c.approvedFen) },
      { label: t('claims.duplicate'), value: (c) => (c.hasDuplicates ? '⚠' : '') },
      {
        label: '',
        value: (c) =>
          h(
            'button',
            { type: 'button', class: 'secondary', 'data-testid': `open-claim-${c.id}`, onclick: () => navigate(`/claims/${c.id}`) },
            t('claims.open'),
          ),
      },
    ],
    testid,
  );
}

async function currentPolicy(): Promise<ProgramRule[]> {
  const { items } = await api.get<'/policies'>('/policies');
  return (items.find((p) => p.inForce) ?? items[items.length - 1])?.document.programs ?? [];
}

/** Which programmes the user's organisation may file now: the server's rule (the policy in force), not a copy of it. */
async function claimablePrograms(): Promise<string[]> {
  return (await api.get<'/claim-programs'>('/claim-programs').catch(() => ({ programs: [] }))).programs;
}

interface RowValue {
  id?: string;
  category: string;
  description: string;
  amountFen: number;
  invoiceCode: string;
  invoiceNo: string;
}
interface ItemRow {
  el: HTMLElement;
  value: () => RowValue;
  amount: () => number | null;
  picker: Picker | null;
  itemId?: string;
}

/** One spending item: category (in Chinese), description, amount in yuan, invoice code and number, evidence. */
function itemRow(
  index: number,
  categories: string[],
  onChange: () => void,
  onRemove: () => void,
  existing?: Item,
  existingEvidence?: HTMLElement,
): ItemRow {
  let amountFen: number | null = existing ? existing.amountFen : null;
  const cat = h(
    'select',
    { name: 'category', 'data-testid': `item-category-${index}`, onchange: onChange },
    categories.map((c) => h('option', { value: c }, categoryName(c))),
  );
  if (existing) cat.value = existing.category;
  const desc = input('description', { required: true, 'data-testid': `item-description-${index}`, value: existing?.description ?? '' });
  const amount = yuanInput(
    'amount',
    { required: true, 'data-testid': `item-amount-${index}`, value: existing ? fenToYuanPlain(existing.amountFen) : '' },
    (fen) => {
      amountFen = fen;
      onChange();
    },
  );
  const code = input('invoiceCode', {
    required: true,
    'data-testid': `item-invoiceCode-${index}`,
    value: existing?.invoiceCode ?? '',
    inputmode: 'numeric',
  });
  const no = input('invoiceNo', {
    required: true,
    'data-testid': `item-invoiceNo-${index}`,
    value: existing?.invoiceNo ?? '',
    inputmode: 'numeric',
  });
  const picker = existing ? null : evidencePicker(`item-files-${index}`);
  const el = h(
    'fieldset',
    { class: 'item-row', 'data-testid': `item-row-${index}` },
    h('legend', null, `${t('claims.items')} ${index + 1}`),
    h(
      'div',
      { class: 'row-fields' },
      field(t('claims.category'), cat),
      field(t('claims.description'), desc),
      field(t('claims.amountYuan'), amount),
      field(t('claims.invoiceCode'), code),
      field(t('claims.invoiceNo'), no),
    ),
    existingEvidence ?? null,
    picker ? field(t('claims.evidence'), picker.el) : null,
    h('button', { type: 'button', class: 'link danger', 'data-testid': `item-remove-${index}`, onclick: onRemove }, t('claims.removeItem')),
  );
  return {
    el,
    picker,
    itemId: existing?.id,
    amount: () => amountFen,
    value: () => ({
      ...(existing ? { id: existing.id } : {}),
      category: cat.value,
      description: desc.value.trim(),
      amountFen: fenFromYuan(
        (amount.querySelector('input') as HTMLInputElement).value,
        `${t('claims.items')} ${index + 1} · ${t('claims.amountYuan')}`,
      ),
      invoiceCode: code.value.trim(),
      invoiceNo: no.value.trim(),
    }),
  };
}

/** Rows plus a running total and the policy's rate and cap, updated as the person types. */
function itemsEditor(
  rule: ProgramRule | undefined,
  entitlement: Res<'/entitlements'> | null,
  existing: { item: Item; evidence: HTMLElement }[] = [],
) {
  // Widened: the select's value is any string until checked.
  const basis: readonly string[] = rule?.basisCategories ?? [];
  const categories = basis.length ? [...basis, ...CATEGORIES.filter((c) => !basis.includes(c))] : CATEGORIES;
  const rows: ItemRow[] = [];
  const list = h('div', { class: 'item-rows' });
  const summary = h('div', { class: 'running-total', 'data-testid': 'claim-running-total' });
  const update = () => {
    let total = 0;
    for (const r of rows) total += r.amount() ?? 0;
    const basisTotal = rows.reduce(
      (sum, r) => sum + (basis.includes((r.el.querySelector('select') as HTMLSelectElement).value) ? (r.amount() ?? 0) : 0),
      0,
    );
    const parts = [h('strong', null, `${t('claims.total')}：${formatFen(total)}`), h('small', null, capitalYuan(total))];
    if (rule?.rateBasisPoints) {
      const expected = Number((BigInt(basisTotal) * BigInt(rule.rateBasisPoints)) / 10000n);
      const capped =
        entitlement?.remainingFen !== null && entitlement?.remainingFen !== undefined
          ? Math.min(expected, entitlement.remainingFen)
          : expected;
      parts.push(
        h(
          'span',
          { 'data-testid': 'claim-expected' },
          `${t('claims.expected', { rate: rateText(rule.rateBasisPoints) })}：${formatFen(capped)}`,
        ),
      );
    }
    if (rule?.capFen != null) {
      parts.push(
        h(
          'span',
          { 'data-testid': 'claim-cap' },
          t('claims.capLine', {
            cap: formatFen(rule.capFen),
            approved: formatFen(entitlement?.approvedFen ?? 0),
            remaining: formatFen(entitlement?.remainingFen ?? rule.capFen),
          }),
        ),
      );
    } else parts.push(h('span', { 'data-testid': 'claim-cap' }, t('claims.noCap')));
    summary.replaceChildren(...parts);
  };
  const addRow = (item?: Item, evidence?: HTMLElement) => {
    const row = itemRow(
      rows.length,
      categories,
      update,
      () => {
        rows.splice(rows.indexOf(row), 1);
        row.el.remove();
        update();
      },
      item,
      evidence,
    );
    rows.push(row);
    list.append(row.el);
    update();
  };
  for (const e of existing) addRow(e.item, e.evidence);
  if (!existing.length) addRow();
  const state = { dirty: false };
  const el = h(
    'div',
    { class: 'items-editor', oninput: () => (state.dirty = true), onchange: () => (state.dirty = true) },
    list,
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'data-testid': 'item-add',
        onclick: () => {
          state.dirty = true;
          addRow();
        },
      },
      `＋ ${t('claims.addItem')}`,
    ),
    summary,
  );
  list.addEventListener('click', (e) => {
    if ((e.target as HTMLElement).closest('[data-testid^=item-remove]')) state.dirty = true;
  });
  return { el, rows, state, values: () => rows.map((r) => r.value()) };
}

async function uploadFiles(claimId: string, itemId: string, files: File[]): Promise<void> {
  for (const file of files) {
    const body = new FormData();
    body.append('file', file, file.name);
    await api.post(`/claims/${claimId}/items/${itemId}/evidence`, body);
  }
}

/** The claim form: one per programme, only the programmes this organisation may claim. */
async function claimForm(ctx: {
  user: { role: string; orgId: string | null } | null;
  navigate: (p: string) => void;
}): Promise<HTMLElement> {
  const programs = await claimablePrograms();
  const rules = await currentPolicy();
  const programSelect = select(
    'program',
    programs.map((p): [string, string] => [p, t(`program.${p}`)]),
    { 'data-testid': 'claim-program' },
  );
  const body = h('div', { class: 'program-body' });
  const status = h('p', { class: 'form-status', role: 'status', 'data-testid': 'claim-form-status' });
  let collect: () => { payload: Record<string, unknown>; files: File[][] } = () => ({ payload: {}, files: [] });

  const draw = async () => {
    const program = programSelect.value;
    const rule = rules.find((r) => r.code === program);
    const entitlement = await api.get<'/entitlements'>(`/entitlements?program=${program}`).catch(() => null);
    const parts: HTMLElement[] = [];
    if (program === 'livestream_base' || program === 'warehouse_rent') {
      const isBase = program === 'livestream_base';
      const list = isBase
        ? (await api.all<'/bases'>('/bases')).items.map((b) => ({
            id: b.id,
            label: `${b.name}（${b.filed ? t('claims.filed') : t('claims.unfiled')}）`,
          }))
        : (await api.get<'/parks'>('/parks')).items.map((p) => ({
            id: p.id,
            label: `${p.name}（${p.nationalDemoBase ? t('claims.demoPark') : t('claims.notDemoPark')}）`,
          }));
      const pick = h(
        'select',
        { name: isBase ? 'baseId' : 'parkId', required: true, 'data-testid': isBase ? 'claim-baseId' : 'claim-parkId' },
        h('option', { value: '' }, isBase ? t('claims.chooseBase') : t('claims.choosePark')),
        list.map((x) => h('option', { value: x.id }, x.label)),
      );
      if (list.length === 1) pick.value = list[0]!.id;
      parts.push(field(isBase ? t('claims.baseId') : t('claims.parkId'), pick));
      if (!list.length && isBase) parts.push(h('p', { class: 'empty' }, t('claims.noBase')));
      const editor = itemsEditor(rule, entitlement);
      parts.push(editor.el);
      collect = () => ({
        payload: { program, [isBase ? 'baseId' : 'parkId']: pick.value, items: editor.values() },
        files: editor.rows.map((r) => r.picker?.files() ?? []),
      });
    } else if (program === 'brand_building') {
      const editor = itemsEditor(rule, entitlement);
      parts.push(editor.el);
      collect = () => ({ payload: { program, items: editor.values() }, files: editor.rows.map((r) => r.picker?.files() ?? []) });
    } else if (program === 'poverty_procurement') {
      const { items } = await api.get<'/procurements'>('/procurements?limit=200');
      const total = h('div', { class: 'running-total', 'data-testid': 'claim-running-total' });
      const boxes = items.map((p) =>
        h('input', { type: 'checkbox', value: p.id, 'data-testid': `claim-procurement-${p.id}`, onchange: () => update() }),
      );
      const update = () => {
        const sum = items.reduce((s, p, i) => s + (boxes[i]!.checked ? p.amountFen : 0), 0);
        const expected = rule?.rateBasisPoints ? Number((BigInt(sum) * BigInt(rule.rateBasisPoints)) / 10000n) : 0;
        replace(
          total,
          h('strong', null, `${t('claims.total')}：${formatFen(sum)}`),
          rule?.rateBasisPoints
            ? h(
                'span',
                null,
                `${t('claims.expected', { rate: rateText(rule.rateBasisPoints) })}：${formatFen(entitlement?.remainingFen != null ? Math.min(expected, entitlement.remainingFen) : expected)}`,
              )
            : null,
          rule?.capFen != null
            ? h(
                'span',
                { 'data-testid': 'claim-cap' },
                t('claims.capLine', {
                  cap: formatFen(rule.capFen),
                  approved: formatFen(entitlement?.approvedFen ?? 0),
                  remaining: formatFen(entitlement?.remainingFen ?? rule.capFen),
                }),
              )
            : null,
        );
      };
      update();
      parts.push(
        field(
          t('procurements.pick'),
          items.length
            ? h(
                'ul',
                { class: 'checklist', 'data-testid': 'claim-procurements' },
                items.map((p, i) =>
                  h(
                    'li',
                    null,
                    h(
                      'label',
                      null,
                      boxes[i],
                      ` ${formatDate(p.purchasedAt)} · ${p.description} · ${formatFen(p.amountFen)} · ${t('claims.registryNo')} ${p.householdRegistryNo}`,
                    ),
                  ),
                ),
              )
            : h('p', { class: 'empty' }, t('claims.noProcurements')),
        ),
        total,
      );
      collect = () => ({ payload: { program, procurementIds: boxes.filter((b) => b.checked).map((b) => b.value) }, files: [] });
    } else if (program === 'service_station') {
      const level = select(
        'level',
        [
          ['township', t('claims.levelTownship')],
          ['village', t('claims.levelVillage')],
        ],
        { 'data-testid': 'claim-level' },
      );
      const township = select(
        'township',
        TOWNSHIPS.map((x): [string, string] => [x, x]),
        { 'data-testid': 'claim-township' },
      );
      const village = input('village', { 'data-testid': 'claim-village' });
      const villageField = field(t('claims.village'), village);
      const sync = () => {
        villageField.hidden = level.value !== 'village';
      };
      level.addEventListener('change', sync);
      sync();
      parts.push(field(t('claims.level'), level), field(t('claims.township'), township), villageField);
      if (rule?.fixedAwardsFen)
        parts.push(
          h(
            'p',
            { class: 'running-total' },
            t('claims.fixedAward', { township: formatFen(rule.fixedAwardsFen.township), village: formatFen(rule.fixedAwardsFen.village) }),
          ),
        );
      collect = () => ({
        payload: {
          program,
          level: level.value,
          township: township.value,
          ...(level.value === 'village' ? { village: village.value.trim() } : {}),
        },
        files: [],
      });
    }
    body.replaceChildren(...parts);
  };
  programSelect.addEventListener('change', () => void draw());
  await draw();
  const button = h('button', { type: 'submit', class: 'primary' }, t('claims.new'));
  const el: HTMLFormElement = h(
    'form',
    {
      class: 'form claim-form',
      'data-testid': 'claim-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        status.className = 'form-status';
        status.textContent = '';
        button.disabled = true;
        try {
          const { payload, files } = collect();
          const created = await api.post<'/claims'>('/claims', payload);
          if (files.some((f) => f.length)) {
            status.textContent = t('claims.uploading');
            for (const [i, item] of created.items.entries()) if (files[i]?.length) await uploadFiles(created.id, item.id, files[i]!);
          }
          ctx.navigate(`/claims/${created.id}`);
        } catch (err) {
          status.textContent = errorText(err);
          status.classList.add('bad');
        } finally {
          button.disabled = false;
        }
      },
    },
    field(t('claims.program'), programSelect),
    body,
    h('div', { class: 'actions' }, button),
    status,
  );
  return el;
}

function procurementSection(): Promise<HTMLElement> {
  const procList = h('div');
  const warning = h('p', { class: 'warning', role: 'alert', 'data-testid': 'procurement-warning', hidden: true });
  const loadProc = async () => {
    const { items } = await api.get<'/procurements'>('/procurements?limit=200');
    procList.replaceChildren(
      table(
        items,
        [
          { label: t('claims.registryNo'), value: (p) => p.householdRegistryNo },
          { label: t('claims.description'), value: (p) => p.description },
          { label: t('claims.amountYuan'), value: (p) => formatFen(p.amountFen) },
          { label: t('claims.purchasedAt'), value: (p) => formatDate(p.purchasedAt) },
          { label: t('claims.invoiceNo'), value: (p) => p.invoiceNo },
        ],
        'procurements-table',
      ),
    );
  };
  return loadProc().then(() =>
    card(
      t('claims.procurements'),
      form(
        'procurement-form',
        [
          field(t('claims.registryNo'), input('householdRegistryNo', { required: true, 'data-testid': 'procurement-registryNo' })),
          field(t('claims.description'), input('description', { required: true, 'data-testid': 'procurement-description' })),
          field(t('claims.amountYuan'), yuanInput('amount', { required: true, 'data-testid': 'procurement-amount' })),
          field(t('claims.purchasedAt'), input('purchasedAt', { type: 'date', required: true, 'data-testid': 'procurement-date' })),
          field(t('claims.invoiceNo'), input('invoiceNo', { required: true, 'data-testid': 'procurement-invoiceNo' })),
        ],
        t('common.create'),
        async (v, f) => {
          const created = await api.post<'/procurements'>('/procurements', {
            householdRegistryNo: v.householdRegistryNo,
            description: v.description,
            purchasedAt: v.purchasedAt,
            invoiceNo: v.invoiceNo,
            amountFen: fenFromYuan(v.amount ?? '', t('claims.amountYuan')),
          });
          const w = created.warnings?.[0];
          warning.hidden = !w;
          warning.textContent = w ? t(`claims.warning.${w.code}`, w.params) : '';
          f.reset();
          f.querySelectorAll('.yuan-hint').forEach((el) => (el.textContent = ''));
          await loadProc();
        },
      ),
      warning,
      procList,
    ),
  );
}

function exportButtons(): HTMLElement {
  const download = (path: string, name: string, label: string, testid: string) =>
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'data-testid': testid,
        onclick: async () => {
          const res = await fetch(`/api/v1${path}`, { credentials: 'same-origin' });
          const url = URL.createObjectURL(await res.blob());
          h('a', { href: url, download: name }).click();
          setTimeout(() => URL.revokeObjectURL(url), 10_000);
        },
      },
      label,
    );
  const set = (kind: 'claims' | 'disbursements', label: string) =>
    h(
      'p',
      { class: 'export-row' },
      h('strong', null, label),
      ' ',
      download(`/exports/${kind}?format=csv`, `${kind}.csv`, 'CSV', `export-${kind}-csv`),
      ' ',
      download(`/exports/${kind}?format=xlsx`, `${kind}.xlsx`, 'Excel', `export-${kind}-xlsx`),
      ' ',
      download(`/exports/${kind}?format=xlsx&lang=en`, `${kind}-en.xlsx`, `Excel（${t('claims.exportsEn')}）`, `export-${kind}-xlsx-en`),
    );
  return h('div', null, set('claims', t('claims.exportClaims')), set('disbursements', t('claims.exportDisbursements')));
}

registerPage({
  path: '/claims',
  titleKey: 'claims.title',
  access: ['bureau', 'auditor', 'association', 'enterprise'],
  nav: { labelKey: 'claims.title', roles: ['bureau', 'auditor', 'association', 'enterprise'], order: 30 },
  render: async (ctx) => {
    const role = ctx.user?.role;
    const reader = role === 'bureau' || role === 'auditor';
    const status = reader ? (ctx.query.get('status') ?? 'assessed') : '';
    const { el: list, reload } = pagedList<ClaimSummary>(
      (cursor) => api.get<'/claims'>(`/claims?limit=100${status ? `&status=${status}` : ''}${cursor ? `&cursor=${cursor}` : ''}`),
      (rows) => claimsTable(rows, ctx.navigate, 'claims-table'),
      'claims-table',
    );
    await reload();
    const sections: HTMLElement[] = [];
    if (!reader) {
      sections.push(card(t('claims.new'), await claimForm(ctx)));
      if (role === 'enterprise') sections.push(await procurementSection());
    } else {
      const filter = select(
        'status',
        [
          ['assessed', t('status.assessed')],
          ...['submitted', 'approved', 'returned', 'rejected', 'paid', 'draft'].map((s): [string, string] => [s, t(`status.${s}`)]),
        ],
        {
          'data-testid': 'claims-status-filter',
          onchange: (e: Event) => ctx.navigate(`/claims?status=${(e.target as HTMLSelectElement).value}`),
        },
      );
      filter.value = status;
      sections.push(
        card(
          t('claims.exports'),
          exportButtons(),
          role === 'bureau'
            ? h(
                'p',
                null,
                h(
                  'a',
                  {
                    href: '/admin/queues',
                    'data-testid': 'jobs-link',
                    onclick: async (e: Event) => {
                      // A one-time code (60 s, single use) opens the board; no token goes into the URL.
                      e.preventDefault();
                      const { url } = await api.post<'/admin/queues/code'>('/admin/queues/code');
                      window.location.assign(url);
                    },
                  },
                  t('claims.jobs'),
                ),
              )
            : null,
        ),
      );
      sections.push(h('div', null, field(t('claims.status'), filter)));
    }
    return page(t('claims.title'), 'claims-page', ...sections, card(reader ? t('claims.queue') : t('claims.mine'), list));
  },
});

async function evidencePreview(claimId: string, itemId: string, ev: Evidence, onRemove?: () => Promise<void>): Promise<HTMLElement> {
  const res = await fetch(`/api/v1/claims/${claimId}/items/${itemId}/evidence/${ev.fileId}`, { credentials: 'same-origin' });
  const url = URL.createObjectURL(await res.blob());
  const link = h('a', { href: url, target: '_blank', rel: 'noopener', 'data-testid': 'evidence-link' }, ev.filename);
  return h(
    'figure',
    { class: 'preview' },
    ev.contentType.startsWith('image/')
      ? h('img', { src: url, alt: ev.filename, class: 'evidence-thumb' })
      : h('span', { class: 'preview-doc' }, 'PDF'),
    h('figcaption', null, link),
    onRemove
      ? h(
          'button',
          {
            type: 'button',
            class: 'link danger',
            'data-testid': `evidence-remove-${ev.fileId}`,
            'aria-label': t('claims.removeEvidence'),
            onclick: async () => {
              if (confirm(t('claims.confirmRemove', { name: ev.filename }))) await onRemove();
            },
          },
          `✕ ${t('claims.removeEvidence')}`,
        )
      : null,
  );
}

function historyNote(note: string | null): string {
  if (!note) return '';
  const voucher = /^voucher (.+)$/.exec(note);
  if (voucher) return t('history.voucher', { voucher: voucher[1]! });
  const re = /^re-assessed \((.+)\)$/.exec(note);
  if (re) return t('history.reassessed', { reason: re[1]! });
  if (note === 'created' || note === 'edited') return t(`history.${note}`);
  if (note === 'resubmitted after correction') return t('history.resubmitted');
  return note;
}

function timeline(c: Claim): HTMLElement {
  return h(
    'ol',
    { class: 'timeline', 'data-testid': 'claim-history' },
    c.history.map((x) =>
      h(
        'li',
        { class: `timeline-step status-${x.status}` },
        h('div', { class: 'timeline-head' }, h('strong', null, t(`status.${x.status}`)), ' ', h('time', null, formatDateTime(x.at))),
        h('div', null, `${t('claims.by')}：${byName(x.by)}`, x.amountFen !== null ? ` · ${formatFen(x.amountFen)}` : ''),
        x.note ? h('div', { class: 'timeline-note' }, historyNote(x.note)) : null,
      ),
    ),
  );
}

registerPage({
  path: '/claims/:id',
  titleKey: 'claims.detail',
  access: ['bureau', 'auditor', 'association', 'enterprise'],
  render: async (ctx) => {
    const id = ctx.params.id!;
    const root = h('div');
    const flash = (el: HTMLElement, err: unknown) => {
      el.textContent = errorText(err);
      el.className = 'form-status bad';
    };
    const render = async () => {
      const c = await api.get<'/claims/{id}'>(`/claims/${id}`);
      const role = ctx.user?.role;
      const locale = getLocale();
      const filer = (role === 'association' || role === 'enterprise') && ctx.user?.orgId === c.orgId;
      const editable = filer && (c.status === 'draft' || c.status === 'returned');
      const withItems = c.program !== 'poverty_procurement' && c.program !== 'service_station';
      const actionStatus = h('p', { class: 'form-status', role: 'status', 'data-testid': 'claim-action-status' });
      const reasonOf = (it: Item) => (it.reasonKey ? renderText(it.reasonKey, locale) : (it.reason ?? ''));
      const previewsOf = (it: Item, removable: boolean) =>
        Promise.all(
          it.evidence.map((ev) =>
            evidencePreview(
              id,
              it.id,
              ev,
              removable
                ? async () => {
                    try {
                      await api.delete(`/claims/${id}/items/${it.id}/evidence/${ev.fileId}`);
                      await render();
                    } catch (err) {
                      flash(actionStatus, err);
                    }
                  }
                : undefined,
            ),
          ),
        );

      let itemsCard: HTMLElement;
      let editor: ReturnType<typeof itemsEditor> | null = null;
      if (editable && withItems) {
        const rules = await currentPolicy();
        const entitlement = await api.get<'/entitlements'>(`/entitlements?program=${c.program}`).catch(() => null);
        const existing = await Promise.all(
          c.items.map(async (it) => {
            const uploader = evidencePicker(`upload-${it.id}`, {
              onAdd: async (files) => {
                try {
                  await uploadFiles(id, it.id, files);
                  await render();
                } catch (err) {
                  flash(actionStatus, err);
                }
              },
            });
            const evidence = h(
              'div',
              { class: 'item-evidence' },
              h('div', { class: 'previews' }, await previewsOf(it, true)),
              uploader.el,
              it.eligible === false ? h('p', { class: 'bad' }, `${t('claims.eligibleNo')}：${reasonOf(it)}`) : null,
            );
            return { item: it, evidence };
          }),
        );
        editor = itemsEditor(
          rules.find((r) => r.code === c.program),
          entitlement,
          existing,
        );
        itemsCard = card(
          t('claims.correction'),
          editor.el,
          h(
            'div',
            { class: 'actions' },
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                'data-testid': 'claim-save',
                onclick: () =>
                  void save().then((ok) => {
                    if (ok) {
                      actionStatus.textContent = t('claims.savedChanges');
                      actionStatus.className = 'form-status ok';
                    }
                  }),
              },
              t('claims.saveChanges'),
            ),
          ),
        );
      } else {
        const itemRows = await Promise.all(c.items.map(async (it) => ({ it, previews: await previewsOf(it, false) })));
        itemsCard = card(
          t('claims.items'),
          table(
            itemRows,
            [
              { label: t('claims.category'), value: (r) => categoryName(r.it.category) },
              { label: t('claims.description'), value: (r) => r.it.description },
              { label: t('claims.amountYuan'), value: (r) => formatFen(r.it.amountFen) },
              { label: t('claims.invoiceNo'), value: (r) => `${r.it.invoiceCode} / ${r.it.invoiceNo}` },
              { label: t('claims.evidence'), value: (r) => h('div', { class: 'previews' }, r.previews) },
              {
                label: t('claims.eligible'),
                value: (r) =>
                  r.it.eligible === null
                    ? '—'
                    : h(
                        'span',
                        { class: r.it.eligible ? 'ok' : 'bad' },
                        r.it.eligible ? t('claims.eligibleYes') : `${t('claims.eligibleNo')}：${reasonOf(r.it)}`,
                      ),
              },
              {
                label: t('claims.duplicate'),
                value: (r) =>
                  r.it.duplicateOf ? h('strong', { class: 'bad', 'data-testid': 'duplicate-flag' }, `⚠ ${r.it.duplicateOf}`) : '',
              },
            ],
            'claim-items-table',
          ),
        );
      }

      /** Sends the edited rows (kept items by id keep their evidence), then uploads files of new rows. */
      const save = async (): Promise<boolean> => {
        if (!editor || !editor.state.dirty) return true;
        try {
          const values = editor.values();
          const payload: Record<string, unknown> = { program: c.program, items: values };
          if (c.program === 'livestream_base') payload.baseId = c.baseId;
          if (c.program === 'warehouse_rent') payload.parkId = c.parkId;
          const saved = await api.put<'/claims/{id}'>(`/claims/${id}`, payload);
          const newRows = editor.rows.map((r, i) => ({ r, i })).filter(({ r }) => !r.itemId && r.picker?.files().length);
          for (const { r, i } of newRows) {
            const item = saved.items[i];
            if (item) await uploadFiles(id, item.id, r.picker!.files());
          }
          if (newRows.length) await render();
          return true;
        } catch (err) {
          flash(actionStatus, err);
          return false;
        }
      };

      const actions: HTMLElement[] = [];
      if (editable) {
        actions.push(
          h(
            'button',
            {
              type: 'button',
              class: 'primary',
              'data-testid': 'claim-submit',
              onclick: async () => {
                if (!(await save())) return;
                try {
                  await api.post(`/claims/${id}/submit`);
                  await render();
                } catch (err) {
                  flash(actionStatus, err);
                }
              },
            },
            c.status === 'returned' ? t('claims.resubmit') : t('claims.submit'),
          ),
        );
      }
      if (role === 'bureau' && c.status === 'assessed' && c.filerUserId !== ctx.user?.id) {
        const decision = select(
          'decision',
          [
            ['approve', t('claims.approve')],
            ['return', t('claims.return')],
            ['reject', t('claims.reject')],
          ],
          { 'data-testid': 'review-decision' },
        );
        actions.push(
          card(
            t('claims.review'),
            form(
              'review-form',
              [
                field(t('claims.review'), decision),
                field(
                  t('claims.approvedYuan'),
                  yuanInput('approved', {
                    placeholder: c.proposedFen !== null ? fenToYuanPlain(c.proposedFen) : '',
                    'data-testid': 'review-amount',
                  }),
                ),
                field(t('claims.note'), input('note', { 'data-testid': 'review-note' })),
              ],
              t('claims.review'),
              async (v) => {
                const approving = v.decision === 'approve';
                const approvedFen = approving && v.approved?.trim() ? fenFromYuan(v.approved, t('claims.approvedYuan')) : undefined;
                if (approving) {
                  const amount = approvedFen ?? c.proposedFen ?? 0;
                  const ok = await confirmAmount(t('claims.confirmApprove'), amount, [
                    t('claims.approveLine', { org: c.orgName ?? '', program: t(`program.${c.program}`) }),
                    t('claims.approveCapNote'),
                  ]);
                  if (!ok) throw new Error(t('money.confirm.cancel'));
                }
                await api.post(`/claims/${id}/review`, {
                  decision: v.decision,
                  ...(v.note ? { note: v.note } : {}),
                  ...(approvedFen !== undefined ? { approvedFen } : {}),
                });
                await render();
              },
            ),
          ),
        );
      }
      if (role === 'bureau' && c.status === 'approved') {
        actions.push(
          card(
            t('claims.pay'),
            form(
              'payment-form',
              [
                field(
                  t('claims.voucherNo'),
                  input('voucherNo', { required: true, 'data-testid': 'payment-voucher', placeholder: '德财拨〔2020〕0123' }),
                ),
                field(t('claims.paidAt'), input('paidAt', { type: 'date', required: true, 'data-testid': 'payment-date' })),
              ],
              t('claims.pay'),
              async (v) => {
                const ok = await confirmAmount(t('claims.confirmPay'), c.approvedFen ?? 0, [
                  t('claims.payLine', { org: c.orgName ?? '', voucher: v.voucherNo ?? '' }),
                ]);
                if (!ok) throw new Error(t('money.confirm.cancel'));
                await api.post(`/claims/${id}/payments`, v);
                await render();
              },
            ),
          ),
        );
      }
      // Follow the tally while it runs.
      if (c.status === 'submitted') setTimeout(() => void render().catch(() => undefined), 1000);
      const traceLines = c.traceKeys?.length ? c.traceKeys.map((k) => renderText(k, locale)) : c.trace;
      const figure = (label: string, value: string, testid?: string) =>
        h(
          'div',
          { class: 'figure' },
          h('div', { class: 'figure-value', 'data-testid': testid }, value),
          h('div', { class: 'figure-label' }, label),
        );
      root.replaceChildren(
        page(
          `${t('claims.detail')} · ${t(`program.${c.program}`)}`,
          'claim-detail',
          c.status === 'returned' && c.reviewNote
            ? h(
                'section',
                { class: 'card notice', 'data-testid': 'claim-returned-note' },
                h('h2', null, t('claims.returnedNote')),
                h('p', { 'data-testid': 'claim-review-note' }, c.reviewNote),
              )
            : null,
          card(
            t('claims.status'),
            h('p', null, statusBadge(c.status), ' ', c.orgName ?? ''),
            h(
              'div',
              { class: 'figures' },
              figure(t('claims.claimed'), formatFen(c.claimedFen), 'claim-claimed'),
              figure(t('claims.eligible'), formatFen(c.eligibleFen)),
              figure(t('claims.proposed'), formatFen(c.proposedFen), 'claim-proposed'),
              figure(t('claims.approved'), formatFen(c.approvedFen), 'claim-approved'),
              figure(t('claims.paid'), formatFen(c.paidFen)),
            ),
            c.reviewNote && c.status !== 'returned'
              ? h('p', { 'data-testid': 'claim-review-note' }, `${t('claims.note')}：${c.reviewNote}`)
              : null,
            actions,
            actionStatus,
          ),
          itemsCard,
          // A service-station claim shows the station's parcels per month (commerce's throughput), so the bureau sees whom it serves.
          c.program === 'service_station' ? await stationThroughputCard(c.orgId) : null,
          card(
            t('claims.trace'),
            h(
              'ol',
              { 'data-testid': 'claim-trace' },
              traceLines.map((line) => h('li', null, line)),
            ),
          ),
          card(t('claims.history'), timeline(c)),
        ),
      );
    };
    await render();
    return root;
  },
});

registerPage({
  path: '/policy',
  titleKey: 'claims.policy',
  access: 'signed-in',
  nav: { labelKey: 'claims.policy', roles: ['bureau', 'auditor', 'association', 'enterprise'], order: 31 },
  render: async () => {
    const { items } = await api.get<'/policies'>('/policies');
    return page(
      t('claims.policy'),
      'policy-page',
      ...items.map((p) =>
        card(
          `${p.document.titleZh}（${p.document.documentNo}）· ${p.version}`,
          table(
            p.document.programs,
            [
              { label: t('claims.program'), value: (r) => `${r.section} ${r.nameZh} / ${r.nameEn}` },
              { label: t('claims.rate'), value: (r) => (r.rateBasisPoints === null ? '定额 fixed' : `${r.rateBasisPoints / 100}%`) },
              {
                label: t('claims.cap'),
                value: (r) =>
                  r.fixedAwardsFen
                    ? `${formatFen(r.fixedAwardsFen.township)} / ${formatFen(r.fixedAwardsFen.village)}`
                    : r.capFen === null
                      ? '—'
                      : formatFen(r.capFen),
              },
              { label: t('claims.category'), value: (r) => r.basisCategories.join(', ') },
            ],
            'policy-programs',
          ),
          h('h3', null, t('claims.negative')),
          h(
            'ul',
            null,
            p.document.negativeList.map((n) => h('li', null, `${n.zh} — ${n.en}`)),
          ),
        ),
      ),
    );
  },
});
