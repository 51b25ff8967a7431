/**
 * 限时秒杀 on the pages (server/commerce/live/: commands/, flashSaleStore.ts): the viewer's sale card with a live countdown and a
 * buy button, and the host's start form in the studio.
 */
import { h, replace } from '../lib/dom.ts';
import { formatFen, registerMessages, t } from '../lib/i18n.ts';
import { errorText } from '../lib/errors.ts';
import { api, type Res } from '../lib/api.ts';
import { fenFromYuan, yuanInput } from '../lib/money.ts';

registerMessages({
  'zh-CN': {
    'flash.title': '限时秒杀',
    'flash.price': '秒杀价',
    'flash.remaining': '剩余 {n} / {total} 件',
    'flash.limit': '每人限购 {n} 件',
    'flash.endsIn': '距结束 {s} 秒',
    'flash.ended': '秒杀已结束',
    'flash.buy': '立即抢购',
    'flash.soldOut': '已抢光',
    'flash.start': '开始秒杀',
    'flash.stop': '结束秒杀',
    'flash.startTitle': '限时秒杀（置顶商品）',
    'flash.priceYuan': '秒杀价（元）',
    'flash.quantity': '秒杀数量',
    'flash.perBuyer': '每人限购',
    'flash.duration': '时长（秒）',
    'flash.pinFirst': '请先置顶要秒杀的商品',
    'flash.running': '秒杀进行中：{price}，剩余 {n} 件，{s} 秒后结束',
  },
  en: {
    'flash.title': 'Flash sale',
    'flash.price': 'Sale price',
    'flash.remaining': '{n} of {total} left',
    'flash.limit': 'Limit {n} per buyer',
    'flash.endsIn': 'Ends in {s} s',
    'flash.ended': 'The flash sale has ended',
    'flash.buy': 'Grab it',
    'flash.soldOut': 'All gone',
    'flash.start': 'Start flash sale',
    'flash.stop': 'End flash sale',
    'flash.startTitle': 'Flash sale (pinned product)',
    'flash.priceYuan': 'Sale price (yuan)',
    'flash.quantity': 'Quantity for the sale',
    'flash.perBuyer': 'Limit per buyer',
    'flash.duration': 'Duration (seconds)',
    'flash.pinFirst': 'Pin the product for the sale first',
    'flash.running': 'Flash sale running: {price}, {n} left, ends in {s} s',
  },
});

export type FlashSale = NonNullable<Res<'/sessions/{id}/flash-sale'>['sale']>;

const secondsLeft = (sale: FlashSale) => Math.max(0, Math.ceil((Date.parse(sale.endsAt) - Date.now()) / 1000));
const fetchSale = (sessionId: string) => api.get<'/sessions/{id}/flash-sale'>(`/sessions/${sessionId}/flash-sale`).then((r) => r.sale);

/** Where pushed sale states arrive: the session's Socket.IO connection (`flash:sale`), and its reconnects. */
export interface SalePushes {
  onSale: (listener: (sale: FlashSale | null) => void) => void;
  onReconnect: (listener: () => void) => void;
}

/**
 * Keeps a flash sale's view fresh without polling: read once, then every change (remaining, sold out,
 * ended) is pushed by the hub; after a reconnect (pushes may have been missed) it is read again. The
 * countdown ticks every second from the hub's end time. Stop it when the page goes.
 */
function watchSale(sessionId: string, pushes: SalePushes, render: (sale: FlashSale | null) => void) {
  let sale: FlashSale | null = null;
  let stopped = false;
  const load = async () => {
    const next = await fetchSale(sessionId).catch(() => sale);
    if (stopped) return;
    sale = next;
    render(sale);
  };
  void load();
  pushes.onSale((pushed) => {
    if (stopped) return;
    sale = pushed;
    render(sale);
  });
  pushes.onReconnect(() => void load());
  const tick = setInterval(() => render(sale), 1000);
  return {
    reload: load,
    stop: () => {
      stopped = true;
      clearInterval(tick);
    },
  };
}

/** The viewer's sale card: shown only while a sale runs for the pinned product. */
export function flashSaleCard(sessionId: string, pushes: SalePushes, pinnedId: () => string | null, onBuy: (quantity: number) => void) {
  const card = h('section', { class: 'card flash-sale', 'data-testid': 'flash-sale', hidden: true });
  const countdown = h('p', { class: 'notice', 'data-testid': 'flash-countdown' });
  const price = h('p', { class: 'price', 'data-testid': 'flash-price' });
  const remaining = h('p', { 'data-testid': 'flash-remaining' });
  const limit = h('p', { class: 'muted', 'data-testid': 'flash-limit' });
  const quantity = h('input', { type: 'number', min: '1', value: '1', name: 'flashQuantity', 'data-testid': 'flash-quantity' });
  const buy = h(
    'button',
    { class: 'primary', 'data-testid': 'flash-buy', onclick: () => onBuy(Math.max(1, Number(quantity.value) || 1)) },
    t('flash.buy'),
  );
  replace(
    card,
    h('h3', null, t('flash.title')),
    price,
    remaining,
    limit,
    countdown,
    h('div', { class: 'actions' }, h('label', null, t('live.quantity'), ' ', quantity), buy),
  );
  const watch = watchSale(sessionId, pushes, (sale) => {
    const show = !!sale && sale.productId === pinnedId() && (sale.status === 'running' || Date.parse(sale.endsAt) > Date.now() - 60_000);
    card.hidden = !show;
    if (!sale || !show) return;
    const left = sale.status === 'running' ? secondsLeft(sale) : 0;
    card.dataset.saleId = sale.id;
    card.dataset.secondsLeft = String(left);
    price.textContent = `${t('flash.price')} ${formatFen(sale.priceFen)}`;
    remaining.textContent = t('flash.remaining', { n: sale.remaining, total: sale.quantity });
    limit.textContent = t('flash.limit', { n: sale.perBuyerLimit });
    quantity.max = String(sale.perBuyerLimit);
    countdown.textContent = left > 0 ? t('flash.endsIn', { s: left }) : t('flash.ended');
    buy.disabled = left <= 0 || sale.remaining <= 0;
    buy.textContent = sale.remaining <= 0 ? t('flash.soldOut') : t('flash.buy');
  });
  return { card, reload: watch.reload, stop: watch.stop };
}

/** The host's start form for the pinned product, and the running sale's state with an end button. */
export function flashSaleStartForm(sessionId: string, pushes: SalePushes, pinnedId: () => string | null) {
  const status = h('p', { class: 'form-status', role: 'status', 'data-testid': 'flash-start-status' });
  const running = h('p', { 'data-testid': 'flash-host-running' });
  const price = yuanInput('priceYuan', { 'data-testid': 'flash-start-price', required: true });
  const num = (name: string, value: string, min: string, max: string) =>
    h('input', {
      type: 'number',
      name,
      value,
      min,
      max,
      required: true,
      inputmode: 'numeric',
      'data-testid': `flash-start-${name}`,
    }) as HTMLInputElement;
  const quantity = num('quantity', '10', '1', '100000');
  const perBuyer = num('perBuyerLimit', '1', '1', '100');
  const duration = num('durationSeconds', '60', '10', '21600');
  const stop = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      'data-testid': 'flash-stop',
      hidden: true,
      onclick: async () => {
        try {
          await api.delete(`/sessions/${sessionId}/flash-sale`);
          await watch.reload();
        } catch (err) {
          status.textContent = errorText(err);
          status.className = 'form-status bad';
        }
      },
    },
    t('flash.stop'),
  );
  const f = (label: string, el: HTMLElement) => h('label', { class: 'field' }, h('span', null, label), el);
  const form = h(
    'form',
    {
      class: 'form',
      'data-testid': 'flash-start-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        status.className = 'form-status';
        status.textContent = '';
        const productId = pinnedId();
        if (!productId) {
          status.textContent = t('flash.pinFirst');
          status.className = 'form-status bad';
          return;
        }
        try {
          const priceFen = fenFromYuan((price.querySelector('input') as HTMLInputElement | null)?.value ?? '', t('flash.priceYuan'));
          await api.post(`/sessions/${sessionId}/flash-sale`, {
            productId,
            priceFen,
            quantity: Number(quantity.value),
            perBuyerLimit: Number(perBuyer.value),
            durationSeconds: Number(duration.value),
          });
          await watch.reload();
        } catch (err) {
          status.textContent = errorText(err);
          status.className = 'form-status bad';
        }
      },
    },
    f(t('flash.priceYuan'), price),
    f(t('flash.quantity'), quantity),
    f(t('flash.perBuyer'), perBuyer),
    f(t('flash.duration'), duration),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'flash-start' }, t('flash.start')), stop),
    status,
  );
  const watch = watchSale(sessionId, pushes, (sale) => {
    const left = sale && sale.status === 'running' ? secondsLeft(sale) : 0;
    running.dataset.status = left > 0 ? 'running' : 'none';
    running.textContent = sale && left > 0 ? t('flash.running', { price: formatFen(sale.priceFen), n: sale.remaining, s: left }) : '';
    stop.hidden = left <= 0;
  });
  return { element: h('div', null, running, form), stop: watch.stop };
}
