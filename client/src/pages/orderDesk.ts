/** The enterprise's order desk (filter, confirm transfers, ship, deliver) and a station's parcel page (arrival, pick-up, COD). */
import { h, replace } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatDateTime, formatFen, registerMessages, t } from '../lib/i18n.ts';
import { api, type Res } from '../lib/api.ts';
import { statusLabel } from './buyer.ts';
import { errorText } from '../lib/errors.ts';
import { stationThroughputCard } from './stationThroughput.ts';

registerMessages({
  'zh-CN': {
    'desk.title': '订单台',
    'desk.all': '全部',
    'desk.ship': '发货',
    'desk.shipViaStation': '交县物流中心共同配送到站',
    'desk.carrier': '快递公司',
    'desk.waybill': '运单号',
    'desk.confirmPay': '确认到账',
    'desk.reference': '转账流水号',
    'desk.deliver': '确认送达',
    'desk.refund': '退款',
    'desk.delivery': '配送',
    'desk.payment': '付款',
    'desk.packingList': '打印装箱单（PDF）',
    'desk.rejectRefund': '拒绝退款',
    'desk.rejectReason': '拒绝理由（买家可见）',
    'station.title': '驿站包裹',
    'station.arrive': '确认到站',
    'station.pickup': '核验取件',
    'station.code': '取件码',
    'station.cod': '代收货款 {amount}',
    'station.throughput': '本站每月包裹量',
    'desk.empty': '暂无订单',
    'station.empty': '暂无到站包裹',
  },
  en: {
    'desk.title': 'Order desk',
    'desk.all': 'All',
    'desk.ship': 'Ship',
    'desk.shipViaStation': 'Hand to the county centre for the station',
    'desk.carrier': 'Carrier',
    'desk.waybill': 'Waybill no.',
    'desk.confirmPay': 'Confirm payment',
    'desk.reference': 'Transfer reference',
    'desk.deliver': 'Delivered',
    'desk.refund': 'Refund',
    'desk.delivery': 'Delivery',
    'desk.payment': 'Payment',
    'desk.packingList': 'Packing list (PDF)',
    'desk.rejectRefund': 'Decline refund',
    'desk.rejectReason': 'Reason (the buyer sees it)',
    'station.title': 'Station parcels',
    'station.arrive': 'Arrived',
    'station.pickup': 'Hand over',
    'station.code': 'Pick-up code',
    'station.cod': 'Collect {amount}',
    'station.throughput': 'Parcels per month at this station',
    'desk.empty': 'No orders yet',
    'station.empty': 'No parcels for this station yet',
  },
});

type DeskOrder = Res<'/orders'>['items'][number];

const STATUSES = ['placed', 'paid', 'shipped', 'arrived', 'delivered', 'completed', 'refund_requested', 'refunded', 'cancelled', 'expired'];

function deliveryText(o: DeskOrder): string {
  if (!o.delivery) return '—';
  return o.delivery.mode === 'station'
    ? `${o.delivery.stationName}（${o.delivery.stationTownship ?? ''}）`
    : `${o.delivery.address.name} ${o.delivery.address.township}${o.delivery.address.village ?? ''}${o.delivery.address.detail}`;
}

function actionRow(o: DeskOrder, reload: () => Promise<void>, status: HTMLElement) {
  const run = (fn: () => Promise<unknown>) => async () => {
    status.textContent = '';
    try {
      await fn();
      await reload();
    } catch (err) {
      status.textContent = errorText(err);
    }
  };
  const buttons: HTMLElement[] = [];
  if (o.status === 'placed' && o.payment?.method === 'transfer') {
    const ref = h('input', { placeholder: t('desk.reference'), 'data-testid': 'desk-reference', size: 12 });
    buttons.push(
      ref,
      h(
        'button',
        { 'data-testid': 'desk-confirm-pay', onclick: run(() => api.post(`/orders/${o.id}/payment`, { reference: ref.value })) },
        t('desk.confirmPay'),
      ),
    );
  }
  const shippable = o.status === 'paid' || (o.status === 'placed' && o.payment?.method !== 'transfer' && o.delivery);
  if (shippable && o.delivery?.mode === 'station') {
    buttons.push(
      h(
        'button',
        {
          class: 'primary',
          'data-testid': 'desk-ship-station',
          onclick: run(() => api.post(`/orders/${o.id}/ship`, { viaStation: true })),
        },
        t('desk.shipViaStation'),
      ),
    );
  }
  if (shippable) {
    const carrier = h('input', { placeholder: t('desk.carrier'), size: 6, 'data-testid': 'desk-carrier' });
    const waybill = h('input', { placeholder: t('desk.waybill'), size: 12, 'data-testid': 'desk-waybill' });
    buttons.push(
      carrier,
      waybill,
      h(
        'button',
        {
          'data-testid': 'desk-ship',
          onclick: run(() => api.post(`/orders/${o.id}/ship`, { carrier: carrier.value, waybillNo: waybill.value })),
        },
        t('desk.ship'),
      ),
    );
  }
  if (o.status === 'shipped' && o.delivery?.mode === 'courier')
    buttons.push(h('button', { onclick: run(() => api.post(`/orders/${o.id}/deliver`)) }, t('desk.deliver')));
  if (o.status === 'refund_requested') {
    const ref = h('input', { placeholder: t('desk.reference'), size: 12 });
    buttons.push(
      ref,
      h(
        'button',
        { 'data-testid': 'desk-refund', onclick: run(() => api.post(`/orders/${o.id}/refund`, { reference: ref.value })) },
        t('desk.refund'),
      ),
    );
    const reason = h('input', { placeholder: t('desk.rejectReason'), size: 14, 'data-testid': 'desk-reject-reason' });
    buttons.push(
      reason,
      h(
        'button',
        { 'data-testid': 'desk-refund-reject', onclick: run(() => api.post(`/orders/${o.id}/refund-reject`, { reason: reason.value })) },
        t('desk.rejectRefund'),
      ),
    );
  }
  return buttons;
}

registerPage({
  path: '/orders/desk',
  titleKey: 'desk.title',
  access: ['enterprise'],
  nav: { labelKey: 'desk.title', roles: ['enterprise'] },
  render: async () => {
    const filter = h(
      'select',
      { 'data-testid': 'desk-filter' },
      h('option', { value: '' }, t('desk.all')),
      STATUSES.map((s) => h('option', { value: s }, statusLabel(s))),
    );
    const status = h('p', { class: 'form-status bad', role: 'alert', 'data-testid': 'desk-error' });
    const list = h('div', { 'data-testid': 'desk-orders' });
    const reload = async () => {
      const { items } = await api.get<'/orders'>(filter.value ? `/orders?status=${filter.value}` : '/orders');
      if (!items.length) return replace(list, h('p', { class: 'empty', 'data-testid': 'desk-empty' }, t('desk.empty')));
      replace(
        list,
        items.map((o) =>
          h(
            'div',
            { class: 'card order-row', 'data-order-id': o.id, 'data-status': o.status },
            h(
              'p',
              null,
              h('strong', null, statusLabel(o.status)),
              ` · ${formatDateTime(o.createdAt)} · × ${o.quantity} ${formatFen(o.amountFen)}`,
            ),
            h(
              'p',
              { class: 'muted' },
              `${t('desk.delivery')}: ${deliveryText(o)} · ${t('desk.payment')}: ${o.payment ? t(`buyer.${o.payment.method}`) : '—'}`,
            ),
            h('div', { class: 'actions' }, actionRow(o, reload, status)),
          ),
        ),
      );
    };
    filter.addEventListener('change', () => void reload());
    await reload();
    const pdf = h(
      'a',
      {
        class: 'button',
        href: '#',
        'data-testid': 'desk-packing-list',
        onclick: async (e: Event) => {
          e.preventDefault();
          const ids = [...list.querySelectorAll<HTMLElement>('[data-status="paid"], [data-status="placed"]')]
            .map((el) => el.dataset.orderId)
            .filter(Boolean);
          const { apiFetchBlob } = await import('./packingList.ts');
          const blob = await apiFetchBlob(ids as string[]);
          window.open(URL.createObjectURL(blob), '_blank');
        },
      },
      t('desk.packingList'),
    );
    return h(
      'div',
      { class: 'page', 'data-testid': 'desk-page' },
      h('h1', null, t('desk.title')),
      h('div', { class: 'actions' }, filter, pdf),
      status,
      list,
    );
  },
});

registerPage({
  path: '/station/parcels',
  titleKey: 'station.title',
  access: ['enterprise'],
  nav: { labelKey: 'station.title', roles: ['enterprise'] },
  render: async (ctx) => {
    const status = h('p', { class: 'form-status bad', role: 'alert', 'data-testid': 'station-error' });
    const list = h('div', { 'data-testid': 'station-parcels' });
    const throughput = h('div', { 'data-testid': 'station-throughput' });
    const reload = async () => {
      const { items } = await api.get<'/orders'>('/orders?station=1');
      if (!items.length) replace(list, h('p', { class: 'empty', 'data-testid': 'station-empty' }, t('station.empty')));
      else
        replace(
          list,
          items.map((o) => {
            const act = (fn: () => Promise<unknown>) => async () => {
              status.textContent = '';
              try {
                await fn();
                await reload();
              } catch (err) {
                status.textContent = errorText(err);
              }
            };
            const code = h('input', {
              inputmode: 'numeric',
              maxlength: '6',
              placeholder: t('station.code'),
              'data-testid': 'station-code',
              size: 6,
            });
            return h(
              'div',
              { class: 'card order-row', 'data-order-id': o.id, 'data-status': o.status },
              h('p', null, h('strong', null, statusLabel(o.status)), ` · ${formatDateTime(o.createdAt)} · × ${o.quantity}`),
              o.payment?.method === 'cod' && o.payment.status === 'due'
                ? h('p', { class: 'notice' }, t('station.cod', { amount: formatFen(o.amountFen) }))
                : null,
              h(
                'div',
                { class: 'actions' },
                o.status === 'shipped'
                  ? h(
                      'button',
                      { class: 'primary', 'data-testid': 'station-arrive', onclick: act(() => api.post(`/orders/${o.id}/arrive`)) },
                      t('station.arrive'),
                    )
                  : null,
                o.status === 'arrived'
                  ? [
                      code,
                      h(
                        'button',
                        {
                          class: 'primary',
                          'data-testid': 'station-pickup',
                          onclick: act(() => api.post(`/orders/${o.id}/pickup`, { pickupCode: code.value })),
                        },
                        t('station.pickup'),
                      ),
                    ]
                  : null,
              ),
            );
          }),
        );
      if (ctx.user?.orgId) {
        const card = await stationThroughputCard(ctx.user.orgId);
        if (card) replace(throughput, card);
      }
    };
    await reload();
    return h('div', { class: 'page', 'data-testid': 'station-page' }, h('h1', null, t('station.title')), status, list, throughput);
  },
});
