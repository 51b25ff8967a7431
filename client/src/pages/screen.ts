/**
 * 数据展示大屏 (§四(二)3): a 1920×1080 stage scaled to the window, fed by one snapshot
 * (GET /public/overview) and then by pushes on the '/screen' Socket.IO namespace — no polling.
 */
import * as echartsCore from 'echarts/core';
import * as echartsCharts from 'echarts/charts';
import * as echartsComponents from 'echarts/components';
import * as echartsRenderers from 'echarts/renderers';
import type * as CoreTypes from 'echarts/types/dist/core';
import type * as ChartTypes from 'echarts/types/dist/charts';
import type * as ComponentTypes from 'echarts/types/dist/components';
import type * as RendererTypes from 'echarts/types/dist/renderers';
import { io, type Socket } from 'socket.io-client';
import './openness.css';
import { fenToWanYuan } from '../../../config/money.ts';
import { h, replace } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { registerMessages, t } from '../lib/i18n.ts';
import { api } from '../lib/api.ts';

// ECharts' entry declarations use extensionless relative paths that NodeNext resolution cannot follow,
// so the runtime modules are typed with the package's own declaration files.
const { init: initChart, use: useEcharts } = echartsCore as unknown as typeof CoreTypes;
const { BarChart, PieChart } = echartsCharts as unknown as typeof ChartTypes;
const { GridComponent, LegendComponent, TooltipComponent } = echartsComponents as unknown as typeof ComponentTypes;
const { CanvasRenderer } = echartsRenderers as unknown as typeof RendererTypes;
type ECharts = CoreTypes.ECharts;
// Only the charts the screen draws, so the bundle carries a fraction of ECharts.
useEcharts([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);
type EChartsOption = CoreTypes.ComposeOption<
  | ChartTypes.BarSeriesOption
  | ChartTypes.PieSeriesOption
  | ComponentTypes.GridComponentOption
  | ComponentTypes.LegendComponentOption
  | ComponentTypes.TooltipComponentOption
>;

registerMessages({
  'zh-CN': {
    'screen.title': '德化县电子商务进农村综合示范县 · 数据大屏',
    'screen.liveNow': '直播中',
    'screen.viewers': '在线观众',
    'screen.gmvToday': '今日交易额',
    'screen.gmvTotal': '累计交易额',
    'screen.ordersToday': '今日订单',
    'screen.ordersTotal': '累计订单',
    'screen.households': '带动贫困户',
    'screen.procurement': '贫困户产品采购额',
    'screen.perMinute': '每分钟订单（近60分钟）',
    'screen.byBrand': '品牌交易额',
    'screen.byTownship': '乡镇交易额',
    'screen.bySession': '直播场次交易额',
    'screen.subsidies': '补助批准与拨付（按项目）',
    'screen.budget': '资金使用（按类别）',
    'screen.topProducts': '热销商品',
    'screen.approved': '已批准',
    'screen.paid': '已拨付',
    'screen.allocated': '安排资金',
    'screen.orders': '订单',
    'screen.online': '实时',
    'screen.offline': '重连中',
    'screen.unit.yuan': '元',
    'screen.unit.wan': '万元',
    'screen.unit.orders': '笔',
    'screen.unit.people': '人',
    'screen.unit.households': '户',
    'screen.unit.sessions': '场',
    'screen.cap': '每单位上限',
    'screen.empty.sales': '暂无成交数据',
    'screen.empty.sessions': '暂无直播场次成交',
    'screen.empty.perMinute': '近60分钟暂无订单',
    'screen.empty.subsidies': '暂无补助批准或拨付',
    'screen.empty.budget': '暂无资金安排',
    'screen.stations': '本月驿站包裹（到站 / 已取）',
    'screen.empty.stations': '本月暂无包裹到站',
    'screen.stationFigure': '{parcels} 件 / {pickedUp} 已取',
  },
  en: {
    'screen.title': 'Dehua rural e-commerce demonstration county · live figures',
    'screen.liveNow': 'Live now',
    'screen.viewers': 'Viewers',
    'screen.gmvToday': 'GMV today',
    'screen.gmvTotal': 'GMV in total',
    'screen.ordersToday': 'Orders today',
    'screen.ordersTotal': 'Orders in total',
    'screen.households': 'Poverty households reached',
    'screen.procurement': 'Procurement from households',
    'screen.perMinute': 'Orders per minute (last hour)',
    'screen.byBrand': 'GMV by brand',
    'screen.byTownship': 'GMV by township',
    'screen.bySession': 'GMV by session',
    'screen.subsidies': 'Subsidies approved and paid',
    'screen.budget': 'Budget use by category',
    'screen.topProducts': 'Top products',
    'screen.approved': 'Approved',
    'screen.paid': 'Paid',
    'screen.allocated': 'Allocated',
    'screen.orders': 'Orders',
    'screen.online': 'Live',
    'screen.offline': 'Reconnecting',
    'screen.unit.yuan': 'yuan',
    'screen.unit.wan': '10k yuan',
    'screen.unit.orders': '',
    'screen.unit.people': '',
    'screen.unit.households': '',
    'screen.unit.sessions': '',
    'screen.cap': 'cap per beneficiary',
    'screen.empty.sales': 'No sales yet',
    'screen.empty.sessions': 'No live-session sales yet',
    'screen.empty.perMinute': 'No orders in the last hour',
    'screen.empty.subsidies': 'No subsidies approved or paid yet',
    'screen.empty.budget': 'No funds allocated yet',
    'screen.stations': 'Station parcels this month (arrived / picked up)',
    'screen.empty.stations': 'No parcels at the stations this month',
    'screen.stationFigure': '{parcels} / {pickedUp} picked up',
  },
});

interface Ranked {
  key: string;
  label: string;
  fen: number;
  live?: boolean;
}
/** The screen's own model: the snapshot (GET /public/overview) as pushes then update it, minute buckets without `at`. */
interface Overview {
  version: number;
  today: string;
  sessions: { liveNow: number; viewers: number; liveIds: string[] };
  gmv: {
    todayFen: number;
    totalFen: number;
    ordersToday: number;
    ordersTotal: number;
    bySession: Ranked[];
    byBrand: Ranked[];
    byTownship: Ranked[];
    perMinute: { t: number; orders: number; fen: number }[];
  };
  subsidies: { program: string; nameZh: string; approvedFen: number; paidFen: number; capFen: number | null }[];
  budget: { category: string; nameZh: string; allocatedFen: number; approvedFen: number; paidFen: number; programs: string[] }[];
  poverty: { householdsBenefiting: number; procurementFen: number; householdSalesFen: number };
  topProducts: Ranked[];
  stations: { month: string; items: { stationOrgId: string; name: string; township: string | null; parcels: number; pickedUp: number }[] };
}
type Push =
  | {
      kind: 'order';
      version: number;
      day: string;
      totalFen: number;
      ordersTotal: number;
      todayFen: number;
      ordersToday: number;
      minute: { t: number; fen: number; orders: number };
      session: { id: string; title: string; fen: number } | null;
      brand: { name: string; fen: number };
      township: { name: string; fen: number };
      product: { id: string; name: string; fen: number };
      poverty: { householdsBenefiting: number; householdSalesFen: number } | null;
    }
  | {
      kind: 'subsidy';
      version: number;
      program: string;
      approvedFen: number;
      paidFen: number;
      poverty: { householdsBenefiting: number; procurementFen: number } | null;
    }
  | { kind: 'sessions'; version: number; liveNow: number; viewers: number }
  | { kind: 'reload'; version: number };

/** Big money reads best in 万元 (10,000 yuan) with two decimals; integer arithmetic until display. */
/** Fen in 万元, truncated, by digit shifting (no float): 123456789 → "123.45"; big values lose the decimals. */
function wan(fen: number): string {
  const value = fenToWanYuan(Math.max(0, Math.trunc(fen)), fen >= 1e10 ? 0 : 2);
  const [whole, frac] = value.split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
}
/** A money axis in 万元 that spans at least ¥10,000 so an all-zero series is not a column of "0.00". */
const wanAxis = {
  name: '万元',
  nameTextStyle: { color: '#c7d2e6', fontSize: 16 },
  min: 0,
  max: (v: { max: number }) => Math.max(v.max, 1_000_000),
};
const count = (n: number) => n.toLocaleString('zh-CN');

function upsert(list: Ranked[], key: string, label: string, fen: number, limit: number, extra: Partial<Ranked> = {}): Ranked[] {
  const next = list.filter((r) => r.key !== key);
  next.push({ key, label, fen, ...extra });
  next.sort((a, b) => b.fen - a.fen);
  return next.slice(0, limit);
}

const CLOCK_FORMAT = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const PALETTE = ['#f2c14e', '#e4572e', '#4fb0c6', '#76b041', '#b388eb', '#ff8c42', '#5dd39e', '#f25f5c'];
const TEXT = '#e8eefc';

registerPage({
  path: '/screen',
  titleKey: 'screen.title',
  access: 'public',
  layout: 'bare',
  render: async (ctx) => {
    document.documentElement.classList.add('screen-mode');
    ctx.onLeave(() => document.documentElement.classList.remove('screen-mode'));

    const kpi = (id: string, labelKey: string, unitKey: string) => {
      const value = h('div', { class: 'kpi-value', 'data-testid': `screen-${id}` }, '—');
      return {
        el: h(
          'div',
          { class: 'kpi' },
          h('div', { class: 'kpi-label' }, t(labelKey)),
          h('div', { class: 'kpi-line' }, value, h('span', { class: 'kpi-unit' }, t(unitKey))),
        ),
        value,
      };
    };
    const kpis = {
      liveNow: kpi('live-now', 'screen.liveNow', 'screen.unit.sessions'),
      viewers: kpi('viewers', 'screen.viewers', 'screen.unit.people'),
      gmvToday: kpi('gmv-today', 'screen.gmvToday', 'screen.unit.wan'),
      gmvTotal: kpi('gmv-total', 'screen.gmvTotal', 'screen.unit.wan'),
      ordersToday: kpi('orders-today', 'screen.ordersToday', 'screen.unit.orders'),
      ordersTotal: kpi('orders-total', 'screen.ordersTotal', 'screen.unit.orders'),
      households: kpi('households', 'screen.households', 'screen.unit.households'),
      procurement: kpi('procurement', 'screen.procurement', 'screen.unit.wan'),
    };
    const clock = h('div', { class: 'screen-clock', 'data-testid': 'screen-clock' });
    const status = h('div', { class: 'screen-status', 'data-testid': 'screen-status' }, t('screen.offline'));
    const panel = (id: string, titleKey: string, area: string) => {
      const chart = h('div', { class: 'chart', 'data-testid': `chart-${id}`, 'data-points': '0' });
      // Shown over the chart when a chart would say nothing: an empty-state line, or one big figure.
      const note = h('div', { class: 'panel-note', 'data-testid': `note-${id}`, hidden: true });
      return { el: h('section', { class: 'panel', style: `grid-area:${area}` }, h('h2', null, t(titleKey)), chart, note), chart, note };
    };
    const panels = {
      perMinute: panel('per-minute', 'screen.perMinute', 'pm'),
      brand: panel('brand', 'screen.byBrand', 'br'),
      township: panel('township', 'screen.byTownship', 'tw'),
      session: panel('session', 'screen.bySession', 'se'),
      subsidies: panel('subsidies', 'screen.subsidies', 'su'),
      budget: panel('budget', 'screen.budget', 'bu'),
      products: panel('products', 'screen.topProducts', 'tp'),
    };
    // Stations: a plain list (counts, not money), busiest first, so the bureau sees which stations serve people.
    const stationList = h('ul', { class: 'station-rows', 'data-testid': 'screen-stations' });
    const stationEmpty = h(
      'div',
      { class: 'panel-note', 'data-testid': 'note-stations', hidden: true },
      h('div', { class: 'note-empty' }, t('screen.empty.stations')),
    );
    const stationPanel = h(
      'section',
      { class: 'panel', style: 'grid-area:st' },
      h('h2', null, t('screen.stations')),
      stationList,
      stationEmpty,
    );
    const stage = h(
      'div',
      { class: 'screen-stage', 'data-testid': 'screen-page' },
      h('header', { class: 'screen-header' }, h('h1', null, t('screen.title')), h('div', { class: 'screen-right' }, status, clock)),
      h(
        'div',
        { class: 'kpis' },
        Object.values(kpis).map((k) => k.el),
      ),
      h(
        'div',
        { class: 'panels' },
        Object.values(panels).map((p) => p.el),
        stationPanel,
      ),
    );
    const root = h('div', { class: 'screen-root' }, stage);

    // Scale the 1920×1080 stage to the window, keeping its aspect; never scroll.
    const fit = () => {
      const scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
      stage.style.transform = `scale(${scale})`;
      stage.style.left = `${(window.innerWidth - 1920 * scale) / 2}px`;
      stage.style.top = `${(window.innerHeight - 1080 * scale) / 2}px`;
    };
    window.addEventListener('resize', fit);
    ctx.onLeave(() => window.removeEventListener('resize', fit));
    const tick = () => (clock.textContent = CLOCK_FORMAT.format(new Date()));
    tick();
    const clockTimer = setInterval(tick, 1000);
    ctx.onLeave(() => clearInterval(clockTimer));

    let state: Overview | null = null;
    // Newest push version seen per figure: a push that overtook an older one is never undone by it.
    const seen = new Map<string, number>();
    const fresh = (key: string, version: number) => {
      if (!state || version <= state.version || (seen.get(key) ?? 0) >= version) return false;
      seen.set(key, version);
      return true;
    };

    const charts = new Map<string, ECharts>();
    const chartFor = (id: keyof typeof panels) => {
      let chart = charts.get(id);
      if (!chart) {
        chart = initChart(panels[id].chart, undefined, { renderer: 'canvas' });
        charts.set(id, chart);
      }
      return chart;
    };
    ctx.onLeave(() => charts.forEach((c) => c.dispose()));
    const axis = {
      axisLabel: { color: TEXT, fontSize: 16 },
      axisLine: { lineStyle: { color: '#4a5a7a' } },
      splitLine: { lineStyle: { color: '#24324d' } },
    };
    const setChart = (id: keyof typeof panels, points: number, option: EChartsOption) => {
      chartFor(id).setOption(
        {
          color: PALETTE,
          textStyle: { color: TEXT, fontSize: 16 },
          grid: { left: 16, right: 56, top: 36, bottom: 8, containLabel: true },
          animationDuration: 300,
          ...option,
        },
        { notMerge: true },
      );
      panels[id].chart.dataset.points = String(points);
    };
    /** Empty series: a plain sentence; one bar: the figure itself, big; otherwise the chart. */
    const setNote = (id: keyof typeof panels, state: 'empty' | 'figure' | null, content: (Node | string)[] = []) => {
      const { note, el } = panels[id];
      note.replaceChildren(...content);
      note.hidden = !state;
      note.dataset.state = state ?? '';
      el.classList.toggle('has-note', Boolean(state));
    };
    const emptyNote = (id: keyof typeof panels, key: string) => setNote(id, 'empty', [h('div', { class: 'note-empty' }, t(key))]);
    const figureNote = (id: keyof typeof panels, label: string, fen: number) =>
      setNote(id, 'figure', [
        h('div', { class: 'note-label' }, label),
        h('div', { class: 'note-figure' }, wan(fen), h('span', { class: 'note-unit' }, t('screen.unit.wan'))),
      ]);
    const ranked = (id: keyof typeof panels, rows: Ranked[], emptyKey: string) => {
      if (!rows.length) emptyNote(id, emptyKey);
      else if (rows.length === 1) figureNote(id, rows[0]!.live ? `● ${rows[0]!.label}` : rows[0]!.label, rows[0]!.fen);
      else setNote(id, null);
    };
    const hbar = (id: keyof typeof panels, rows: Ranked[]) =>
      setChart(id, rows.length, {
        // Few ticks: long category labels leave a narrow axis, and crowded tick labels overlap.
        xAxis: { type: 'value', splitNumber: 2, ...axis, ...wanAxis, axisLabel: { ...axis.axisLabel, formatter: (v: number) => wan(v) } },
        yAxis: { type: 'category', inverse: true, data: rows.map((r) => (r.live ? `● ${r.label}` : r.label)), ...axis },
        series: [
          {
            type: 'bar',
            data: rows.map((r) => r.fen),
            label: { show: true, position: 'right', color: TEXT, fontSize: 16, formatter: (p: { value: unknown }) => wan(Number(p.value)) },
          },
        ],
      });

    const render = () => {
      if (!state) return;
      const s = state;
      kpis.liveNow.value.textContent = count(s.sessions.liveNow);
      kpis.viewers.value.textContent = count(s.sessions.viewers);
      kpis.gmvToday.value.textContent = wan(s.gmv.todayFen);
      kpis.gmvTotal.value.textContent = wan(s.gmv.totalFen);
      kpis.ordersToday.value.textContent = count(s.gmv.ordersToday);
      kpis.ordersTotal.value.textContent = count(s.gmv.ordersTotal);
      kpis.households.value.textContent = count(s.poverty.householdsBenefiting);
      kpis.procurement.value.textContent = wan(s.poverty.procurementFen);
      const minuteLabel = (m: number) => CLOCK_FORMAT.format(new Date(m * 60_000)).slice(-8, -3);
      setChart('perMinute', s.gmv.perMinute.filter((m) => m.orders).length, {
        xAxis: { type: 'category', data: s.gmv.perMinute.map((m) => minuteLabel(m.t)), ...axis },
        yAxis: { type: 'value', minInterval: 1, ...axis },
        series: [{ type: 'bar', name: t('screen.orders'), data: s.gmv.perMinute.map((m) => m.orders), itemStyle: { color: '#f2c14e' } }],
      });
      setChart('brand', s.gmv.byBrand.length, {
        legend: { bottom: 0, textStyle: { color: TEXT, fontSize: 16 } },
        series: [
          {
            type: 'pie',
            radius: ['35%', '65%'],
            center: ['50%', '45%'],
            data: s.gmv.byBrand.map((b) => ({ name: b.label, value: b.fen })),
            label: {
              position: 'inside',
              color: '#0b1324',
              fontSize: 18,
              fontWeight: 'bold',
              formatter: (p: { percent?: number }) => `${Math.round(p.percent ?? 0)}%`,
            },
          },
        ],
      });
      const served = s.stations.items.filter((st) => st.parcels > 0).slice(0, 8);
      replace(
        stationList,
        served.map((st) =>
          h(
            'li',
            { 'data-station-id': st.stationOrgId },
            h('span', null, st.township ? `${st.name}（${st.township}）` : st.name),
            h('span', { class: 'station-figure' }, t('screen.stationFigure', { parcels: st.parcels, pickedUp: st.pickedUp })),
          ),
        ),
      );
      stationEmpty.hidden = served.length > 0;
      stationPanel.classList.toggle('has-note', !served.length);
      hbar('township', s.gmv.byTownship.slice(0, 8));
      hbar('session', s.gmv.bySession.slice(0, 6));
      hbar('products', s.topProducts.slice(0, 6));
      ranked('brand', s.gmv.byBrand, 'screen.empty.sales');
      ranked('township', s.gmv.byTownship, 'screen.empty.sales');
      ranked('session', s.gmv.bySession, 'screen.empty.sessions');
      ranked('products', s.topProducts, 'screen.empty.sales');
      if (s.gmv.perMinute.some((m) => m.orders)) setNote('perMinute', null);
      else emptyNote('perMinute', 'screen.empty.perMinute');
      if (s.subsidies.some((p) => p.approvedFen || p.paidFen)) setNote('subsidies', null);
      else emptyNote('subsidies', 'screen.empty.subsidies');
      if (s.budget.some((b) => b.allocatedFen || b.approvedFen || b.paidFen)) setNote('budget', null);
      else emptyNote('budget', 'screen.empty.budget');
      setChart('subsidies', s.subsidies.length, {
        legend: { top: 0, textStyle: { color: TEXT, fontSize: 16 } },
        xAxis: {
          type: 'category',
          data: s.subsidies.map((p) => p.nameZh),
          ...axis,
          axisLabel: { ...axis.axisLabel, interval: 0, fontSize: 14, width: 80, overflow: 'break' },
        },
        yAxis: { type: 'value', ...axis, ...wanAxis, axisLabel: { ...axis.axisLabel, formatter: (v: number) => wan(v) } },
        tooltip: { trigger: 'axis' },
        series: [
          { type: 'bar', name: t('screen.approved'), data: s.subsidies.map((p) => p.approvedFen) },
          { type: 'bar', name: t('screen.paid'), data: s.subsidies.map((p) => p.paidFen) },
        ],
      });
      // Horizontal bars: the long category names get a readable line each instead of colliding under narrow columns.
      setChart('budget', s.budget.length, {
        legend: { top: 0, textStyle: { color: TEXT, fontSize: 16 } },
        yAxis: {
          type: 'category',
          inverse: true,
          data: s.budget.map((b) => b.nameZh),
          ...axis,
          axisLabel: { ...axis.axisLabel, interval: 0, width: 130, overflow: 'break' },
        },
        xAxis: { type: 'value', splitNumber: 2, ...axis, ...wanAxis, axisLabel: { ...axis.axisLabel, formatter: (v: number) => wan(v) } },
        series: [
          { type: 'bar', name: t('screen.allocated'), data: s.budget.map((b) => b.allocatedFen) },
          { type: 'bar', name: t('screen.approved'), data: s.budget.map((b) => b.approvedFen) },
          { type: 'bar', name: t('screen.paid'), data: s.budget.map((b) => b.paidFen) },
        ],
      });
      stage.dataset.version = String(s.version);
    };

    const apply = (push: Push) => {
      if (!state) return;
      const s = state;
      if (push.kind === 'reload') {
        if (push.version > s.version) void load();
        return;
      }
      if (push.kind === 'sessions') {
        if (fresh('sessions', push.version)) s.sessions = { ...s.sessions, liveNow: push.liveNow, viewers: push.viewers };
        return;
      }
      if (push.kind === 'subsidy') {
        if (fresh(`subsidy:${push.program}`, push.version)) {
          const row = s.subsidies.find((p) => p.program === push.program);
          if (row) {
            row.approvedFen = push.approvedFen;
            row.paidFen = push.paidFen;
          }
          for (const b of s.budget) {
            const rows = s.subsidies.filter((p) => b.programs.includes(p.program));
            b.approvedFen = rows.reduce((sum, p) => sum + p.approvedFen, 0);
            b.paidFen = rows.reduce((sum, p) => sum + p.paidFen, 0);
          }
        }
        if (push.poverty && fresh('poverty:procurement', push.version)) {
          s.poverty.procurementFen = push.poverty.procurementFen;
          s.poverty.householdsBenefiting = Math.max(s.poverty.householdsBenefiting, push.poverty.householdsBenefiting);
        }
        return;
      }
      if (fresh('totals', push.version)) {
        s.gmv.totalFen = push.totalFen;
        s.gmv.ordersTotal = push.ordersTotal;
        if (push.day !== s.today) s.today = push.day;
        s.gmv.todayFen = push.todayFen;
        s.gmv.ordersToday = push.ordersToday;
      }
      if (fresh(`minute:${push.minute.t}`, push.version)) {
        const last = s.gmv.perMinute[s.gmv.perMinute.length - 1]?.t ?? push.minute.t - 1;
        for (let m = last + 1; m <= push.minute.t; m += 1) s.gmv.perMinute.push({ t: m, orders: 0, fen: 0 });
        s.gmv.perMinute = s.gmv.perMinute.slice(-60);
        const bucket = s.gmv.perMinute.find((m) => m.t === push.minute.t);
        if (bucket) {
          bucket.orders = push.minute.orders;
          bucket.fen = push.minute.fen;
        }
      }
      if (fresh(`brand:${push.brand.name}`, push.version))
        s.gmv.byBrand = upsert(s.gmv.byBrand, push.brand.name, push.brand.name, push.brand.fen, 50);
      if (fresh(`township:${push.township.name}`, push.version))
        s.gmv.byTownship = upsert(s.gmv.byTownship, push.township.name, push.township.name, push.township.fen, 50);
      if (fresh(`product:${push.product.id}`, push.version))
        s.topProducts = upsert(s.topProducts, push.product.id, push.product.name, push.product.fen, 10);
      if (push.session && fresh(`session:${push.session.id}`, push.version)) {
        s.gmv.bySession = upsert(s.gmv.bySession, push.session.id, push.session.title, push.session.fen, 10, {
          live: s.sessions.liveIds.includes(push.session.id),
        });
      }
      if (push.poverty && fresh('poverty:sales', push.version)) {
        s.poverty.householdSalesFen = push.poverty.householdSalesFen;
        s.poverty.householdsBenefiting = Math.max(s.poverty.householdsBenefiting, push.poverty.householdsBenefiting);
      }
    };

    let buffered: Push[] = [];
    async function load() {
      const snapshot = await api.get<'/public/overview'>('/public/overview');
      state = snapshot;
      seen.clear();
      // Pushes that arrived while the snapshot loaded: those newer than it still apply.
      for (const push of buffered) apply(push);
      buffered = [];
      render();
    }

    const socket: Socket = io('/screen', { transports: ['websocket', 'polling'] });
    socket.on('connect', () => {
      status.textContent = t('screen.online');
      status.classList.add('ok');
      // (Re)connected: take a fresh snapshot, since pushes sent while away are gone.
      void load();
    });
    socket.on('disconnect', () => {
      status.textContent = t('screen.offline');
      status.classList.remove('ok');
    });
    socket.on('overview:updates', (pushes: Push[]) => {
      if (!state) {
        buffered.push(...pushes);
        return;
      }
      for (const push of pushes) apply(push);
      render();
    });
    ctx.onLeave(() => socket.close());

    requestAnimationFrame(() => {
      fit();
      charts.forEach((c) => c.resize());
    });
    return root;
  },
});
