/** Traceability: the public trace page a QR label opens, and the enterprise's batch register. */
import './openness.css';
import { h } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatDate, formatDateTime, registerMessages, t } from '../lib/i18n.ts';
import { evidencePicker } from '../lib/evidencePicker.ts';
import { api, ApiError, type Res } from '../lib/api.ts';
import { card, field, form, input, page, select, table } from '../lib/ui.ts';
import { TOWNSHIPS } from '../../../config/places.ts';

registerMessages({
  'zh-CN': {
    'trace.title': '产品溯源',
    'trace.notFound': '未找到该溯源码',
    'trace.notFoundHint': '请核对标签上的二维码或溯源码。',
    'trace.product': '产品',
    'trace.enterprise': '生产企业',
    'trace.brand': '品牌',
    'trace.township': '乡镇',
    'trace.origin': '产地与来源',
    'trace.steps': '生产流通环节',
    'trace.sessions': '销售直播场次',
    'trace.noSessions': '暂无直播销售记录',
    'trace.code': '溯源码',
    'trace.claySource': '瓷土来源',
    'trace.kiln': '窑炉',
    'trace.firingDate': '烧制日期',
    'trace.workshop': '作坊',
    'trace.inspector': '检验员',
    'trace.giMark': '地理标志',
    'trace.household': '贫困户',
    'trace.cooperative': '合作社',
    'trace.village': '村',
    'trace.harvestDate': '采收日期',
    'trace.inspection': '检测',
    'trace.quantity': '批次数量',
    'trace.saleWindow': '销售期',
    'trace.startsAt': '开播时间',
    'trace.noSteps': '未登记生产流通环节',
    'trace.sold': '售出',
    'trace.category': '类别',
    'trace.stage.origin': '产地',
    'trace.stage.production': '生产',
    'trace.stage.firing': '烧制',
    'trace.stage.harvest': '采收',
    'trace.stage.processing': '加工',
    'trace.stage.inspection': '检验',
    'trace.stage.packing': '包装',
    'trace.stage.warehousing': '仓储',
    'trace.stage.shipping': '发运',
    'trace.stage.other': '其他',
    'trace.stage.clay_source': '瓷土来源',
    'trace.stage.forming': '成型',
    'trace.stage.glazing': '施釉',
    'trace.stage.planting': '种植',
    'trace.responsible': '责任人',
    'trace.place': '地点',
    'trace.date': '日期',
    'trace.note': '说明',
    'trace.photos': '照片',
    'trace.end': '直播销售',
    'trace.stations': '经由乡镇服务站',
    'trace.station': '服务站',
    'trace.parcels': '包裹',
    'trace.parcelsN': '{n} 件包裹',
    'trace.noStations': '暂无经服务站送达的订单',
    'batches.steps': '生产流通环节',
    'batches.addStep': '登记环节',
    'batches.stepSaved': '已登记',
    'batches.stepsOf': '批次 {code} 的环节',
    'category.ceramic': '陶瓷',
    'category.farm': '农产品',
    'category.forest': '林产品',
    'category.other': '其他',
    'batches.title': '批次与溯源码',
    'batches.product': '选择产品',
    'batches.record': '登记批次',
    'batches.qr': '二维码',
    'batches.open': '打开溯源页',
    'batches.noProducts': '请先上架产品',
    'session.status.scheduled': '预告',
    'session.status.live': '直播中',
    'session.status.ended': '已结束',
    'session.status.cancelled': '已取消',
  },
  en: {
    'trace.title': 'Product trace',
    'trace.notFound': 'Trace code not found',
    'trace.notFoundHint': 'Check the QR code or the code on the label.',
    'trace.product': 'Product',
    'trace.enterprise': 'Producer',
    'trace.brand': 'Brand',
    'trace.township': 'Township',
    'trace.origin': 'Origin',
    'trace.steps': 'Production and distribution',
    'trace.sessions': 'Sold in live sessions',
    'trace.noSessions': 'No live sales yet',
    'trace.code': 'Trace code',
    'trace.claySource': 'Clay source',
    'trace.kiln': 'Kiln',
    'trace.firingDate': 'Fired on',
    'trace.workshop': 'Workshop',
    'trace.inspector': 'Inspector',
    'trace.giMark': 'GI mark',
    'trace.household': 'Household',
    'trace.cooperative': 'Cooperative',
    'trace.village': 'Village',
    'trace.harvestDate': 'Harvested on',
    'trace.inspection': 'Inspection',
    'trace.quantity': 'Batch size',
    'trace.saleWindow': 'Sale window',
    'trace.startsAt': 'Started',
    'trace.noSteps': 'No steps recorded',
    'trace.sold': 'Sold',
    'trace.category': 'Category',
    'trace.stage.origin': 'Origin',
    'trace.stage.production': 'Production',
    'trace.stage.firing': 'Firing',
    'trace.stage.harvest': 'Harvest',
    'trace.stage.processing': 'Processing',
    'trace.stage.inspection': 'Inspection',
    'trace.stage.packing': 'Packing',
    'trace.stage.warehousing': 'Warehousing',
    'trace.stage.shipping': 'Shipping',
    'trace.stage.other': 'Other',
    'trace.stage.clay_source': 'Clay source',
    'trace.stage.forming': 'Forming',
    'trace.stage.glazing': 'Glazing',
    'trace.stage.planting': 'Planting',
    'trace.responsible': 'Responsible',
    'trace.place': 'Place',
    'trace.date': 'Date',
    'trace.note': 'Note',
    'trace.photos': 'Photos',
    'trace.end': 'Sold live',
    'trace.stations': 'Through township stations',
    'trace.station': 'Station',
    'trace.parcels': 'Parcels',
    'trace.parcelsN': '{n} parcels',
    'trace.noStations': 'No orders delivered through a station yet',
    'batches.steps': 'Production and distribution steps',
    'batches.addStep': 'Record a step',
    'batches.stepSaved': 'Recorded',
    'batches.stepsOf': 'Steps of batch {code}',
    'category.ceramic': 'Ceramics',
    'category.farm': 'Farm product',
    'category.forest': 'Forest product',
    'category.other': 'Other',
    'batches.title': 'Batches and trace codes',
    'batches.product': 'Product',
    'batches.record': 'Record a batch',
    'batches.qr': 'QR code',
    'batches.open': 'Open trace page',
    'batches.noProducts': 'List a product first',
    'session.status.scheduled': 'Scheduled',
    'session.status.live': 'Live',
    'session.status.ended': 'Ended',
    'session.status.cancelled': 'Cancelled',
  },
});

// Response shapes come from the API's OpenAPI document (client/src/lib/api.gen.ts).
type Step = Res<'/public/trace/{code}'>['steps'][number];

/** The steps each kind of batch goes through, in order (the form offers these first). */
const CERAMIC_STAGES = ['clay_source', 'forming', 'firing', 'glazing', 'inspection', 'packing', 'warehousing', 'shipping', 'other'];
const FARM_STAGES = ['planting', 'harvest', 'processing', 'inspection', 'packing', 'warehousing', 'shipping', 'other'];

function stepTimeline(steps: Step[], testid: string): HTMLElement {
  return h(
    'ol',
    { class: 'timeline trace-chain', 'data-testid': testid },
    steps.map((s) =>
      h(
        'li',
        { class: 'timeline-step' },
        h('div', { class: 'timeline-head' }, h('strong', null, t(`trace.stage.${s.stage}`)), ' ', h('time', null, formatDate(s.at))),
        h(
          'div',
          null,
          [s.place ? `${t('trace.place')}：${s.place}` : '', s.responsible ? `${t('trace.responsible')}：${s.responsible}` : '']
            .filter(Boolean)
            .join(' · '),
        ),
        s.note ? h('div', { class: 'timeline-note' }, s.note) : null,
        s.photos?.length
          ? h(
              'div',
              { class: 'timeline-photos' },
              s.photos.map((p) =>
                h('a', { href: p.url, target: '_blank', rel: 'noopener' }, h('img', { src: p.url, alt: p.filename, loading: 'lazy' })),
              ),
            )
          : null,
      ),
    ),
  );
}
type Trace = Res<'/public/trace/{code}'>;

const dl = (rows: [string, unknown][]) =>
  h(
    'dl',
    { class: 'facts' },
    rows.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [h('dt', null, k), h('dd', null, String(v))]),
  );

registerPage({
  path: '/trace/:code',
  titleKey: 'trace.title',
  access: 'public',
  layout: 'bare',
  render: async (ctx) => {
    let trace: Trace;
    try {
      trace = await api.get<'/public/trace/{code}'>(`/public/trace/${encodeURIComponent(ctx.params.code!)}`);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 400)) {
        return h(
          'div',
          { class: 'trace-page', 'data-testid': 'trace-not-found' },
          h('h1', null, t('trace.notFound')),
          h('p', null, t('trace.notFoundHint')),
        );
      }
      throw err;
    }
    const o = trace.origin;
    const origin =
      o.kind === 'ceramic'
        ? dl([
            [t('trace.giMark'), o.giMark],
            [t('trace.claySource'), o.claySource],
            [t('trace.kiln'), o.kiln],
            [t('trace.firingDate'), o.firingDate],
            [t('trace.workshop'), o.workshop],
            [t('trace.inspector'), o.inspector],
          ])
        : dl([
            [t('trace.brand'), o.brand],
            [t('trace.household'), o.household ? `${o.household.name}（${o.household.township}${o.household.village}）` : null],
            [t('trace.cooperative'), o.cooperative],
            [t('trace.township'), o.township],
            [t('trace.village'), o.village],
            [t('trace.harvestDate'), o.harvestDate],
            [t('trace.inspection'), o.inspection],
          ]);
    const chain = !trace.steps.length
      ? h('p', { class: 'empty', 'data-testid': 'trace-steps' }, t('trace.noSteps'))
      : stepTimeline(trace.steps, 'trace-steps');
    const sessions = trace.sessions.length
      ? table(
          trace.sessions,
          [
            { label: t('trace.sessions'), value: (s) => s.title },
            { label: t('trace.startsAt'), value: (s) => formatDateTime(s.startsAt) },
            { label: '', value: (s) => t(`session.status.${s.status}`) },
            { label: t('trace.sold'), value: (s) => s.quantity },
          ],
          'trace-sessions',
        )
      : h('p', { class: 'empty', 'data-testid': 'trace-sessions' }, t('trace.noSessions'));
    // The last leg of the chain: the township stations the goods passed on their way to buyers.
    const stationList = trace.stations ?? [];
    const stations = stationList.length
      ? h(
          'ol',
          { class: 'timeline trace-chain', 'data-testid': 'trace-stations' },
          stationList.map((s) =>
            h(
              'li',
              { class: 'timeline-step' },
              h('div', { class: 'timeline-head' }, h('strong', null, s.name), s.township ? ` · ${s.township}` : ''),
              h('div', null, t('trace.parcelsN', { n: s.parcels })),
            ),
          ),
        )
      : h('p', { class: 'empty', 'data-testid': 'trace-stations' }, t('trace.noStations'));
    return h(
      'div',
      { class: 'trace-page', 'data-testid': 'trace-page' },
      h('h1', null, trace.product?.name ?? t('trace.title')),
      h('p', { class: 'trace-code' }, `${t('trace.code')}：${trace.code}`),
      card(
        t('trace.product'),
        dl([
          [t('trace.enterprise'), trace.enterprise?.name],
          [t('trace.category'), trace.product ? t(`category.${trace.product.category}`) : null],
          [t('trace.brand'), trace.product?.brand],
          [t('trace.township'), trace.product?.township],
          [t('trace.quantity'), trace.quantity],
        ]),
      ),
      card(t('trace.origin'), origin),
      card(t('trace.steps'), chain),
      card(t('trace.end'), sessions),
      card(t('trace.stations'), stations),
    );
  },
});

type Batch = Res<'/products/{id}/batches'>['items'][number];

/** Recording a step from a phone: the stage, the day, where, who, a note and photos taken there and then. */
function stepForm(batch: Batch, reload: () => Promise<void>): HTMLElement {
  const stages = batch.kind === 'ceramic' ? CERAMIC_STAGES : FARM_STAGES;
  const next = stages.find((st) => !batch.steps.some((s) => s.stage === st)) ?? stages[0]!;
  const stage = select(
    'stage',
    stages.map((st): [string, string] => [st, t(`trace.stage.${st}`)]),
    { 'data-testid': `step-stage-${batch.id}` },
  );
  stage.value = next;
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const photos = evidencePicker(`step-photos-${batch.id}`, { imagesOnly: true });
  return form(
    `step-form-${batch.id}`,
    [
      field(t('batches.addStep'), stage),
      field(t('trace.date'), input('at', { type: 'date', required: true, value: today, 'data-testid': `step-date-${batch.id}` })),
      field(t('trace.place'), input('place', { required: true, 'data-testid': `step-place-${batch.id}` })),
      field(t('trace.responsible'), input('responsible', { required: true, 'data-testid': `step-responsible-${batch.id}` })),
      field(t('trace.note'), input('note', { 'data-testid': `step-note-${batch.id}` })),
      field(t('trace.photos'), photos.el),
    ],
    t('batches.addStep'),
    async (v) => {
      const saved = await api.post<'/batches/{id}/steps'>(`/batches/${batch.id}/steps`, {
        stage: stage.value,
        at: `${v.at}T12:00:00+08:00`,
        place: v.place,
        responsible: v.responsible,
        ...(v.note ? { note: v.note } : {}),
      });
      const step = [...saved.steps].reverse().find((s) => s.stage === stage.value && s.place === v.place?.trim());
      if (step?.id) {
        for (const file of photos.files()) {
          const body = new FormData();
          body.append('file', file, file.name);
          await api.post(`/batches/${batch.id}/steps/${step.id}/photos`, body);
        }
      }
      await reload();
    },
  );
}

registerPage({
  path: '/batches',
  titleKey: 'batches.title',
  access: ['enterprise'],
  nav: { labelKey: 'batches.title', roles: ['enterprise'], order: 35 },
  render: async (ctx) => {
    const { items: products } = await api.get<'/products'>('/products');
    if (!products.length)
      return page(t('batches.title'), 'batches-page', card(t('batches.title'), h('p', { class: 'empty' }, t('batches.noProducts'))));
    const chosen = products.find((p) => p.id === ctx.query.get('product')) ?? products[0]!;
    const picker = select(
      'product',
      products.map((p): [string, string] => [p.id, `${p.name}（${t(`category.${p.category}`)}）`]),
      {
        onchange: (e: Event) => ctx.navigate(`/batches?product=${(e.target as HTMLSelectElement).value}`),
      },
    );
    picker.value = chosen.id;
    const list = h('div');
    const load = async () => {
      const { items } = await api.get<'/products/{id}/batches'>(`/products/${chosen.id}/batches`);
      list.replaceChildren(
        table(
          items,
          [
            { label: t('trace.code'), value: (b) => b.code },
            {
              label: t('batches.qr'),
              value: (b) => h('img', { src: `/api/v1/batches/${b.code}/qr.svg`, alt: b.code, width: 96, height: 96 }),
            },
            { label: t('batches.open'), value: (b) => h('a', { href: b.traceUrl, target: '_blank', rel: 'noopener' }, b.traceUrl) },
            { label: t('common.createdAt'), value: (b) => formatDateTime(b.createdAt) },
          ],
          'batches-table',
        ),
        ...items
          .slice(0, 5)
          .map((b) =>
            h(
              'details',
              { class: 'card batch-steps', open: b === items[0], 'data-testid': `batch-steps-${b.id}` },
              h('summary', null, t('batches.stepsOf', { code: b.code })),
              b.steps.length ? stepTimeline(b.steps, `batch-timeline-${b.id}`) : h('p', { class: 'empty' }, t('trace.noSteps')),
              stepForm(b, load),
            ),
          ),
      );
    };
    await load();
    const ceramic = chosen.category === 'ceramic';
    const fields = ceramic
      ? [
          field(t('trace.claySource'), input('claySource', { required: true })),
          field(t('trace.kiln'), input('kiln', { required: true })),
          field(t('trace.firingDate'), input('firingDate', { type: 'date', required: true })),
          field(t('trace.workshop'), input('workshop', { required: true })),
          field(t('trace.inspector'), input('inspector', { required: true })),
          field(
            t('trace.giMark'),
            select('giMark', [
              ['', '—'],
              ...['德化陶瓷', '德化白瓷', '德化玉瓷', '德化瓷雕', '德化窑瓷器'].map((b): [string, string] => [b, b]),
            ]),
          ),
        ]
      : [
          field(t('trace.household'), input('householdRegistryNo', { placeholder: '建档立卡编号' })),
          field(t('trace.cooperative'), input('cooperative')),
          field(
            t('trace.township'),
            select(
              'township',
              TOWNSHIPS.map((x): [string, string] => [x, x]),
            ),
          ),
          field(t('trace.village'), input('village')),
          field(t('trace.harvestDate'), input('harvestDate', { type: 'date', required: true })),
          field(t('trace.inspection'), input('inspection', { required: true })),
          field(
            t('trace.brand'),
            select('brand', [
              ['', '—'],
              ['三黑三黄三红', '三黑三黄三红'],
            ]),
          ),
        ];
    const create = form(
      'batch-form',
      [...fields, field(t('trace.quantity'), input('quantity', { type: 'number', min: 1 }))],
      t('batches.record'),
      async (v, f) => {
        const pick = (keys: string[]) => Object.fromEntries(keys.filter((k) => v[k]).map((k) => [k, v[k]]));
        const origin = ceramic
          ? { ceramic: pick(['claySource', 'kiln', 'firingDate', 'workshop', 'inspector', 'giMark']) }
          : { farm: pick(['householdRegistryNo', 'cooperative', 'township', 'village', 'harvestDate', 'inspection', 'brand']) };
        await api.post(`/products/${chosen.id}/batches`, { ...origin, ...(v.quantity ? { quantity: Number(v.quantity) } : {}) });
        f.reset();
        await load();
      },
    );
    return page(
      t('batches.title'),
      'batches-page',
      card(t('batches.product'), picker),
      card(t('batches.record'), create),
      card(t('batches.title'), list),
    );
  },
});
