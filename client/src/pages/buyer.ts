/**
 * The buyer's side (server/commerce/checkout, fulfilment): sign-up with the hub's proof-of-work challenge,
 * saved addresses, "my orders", the checkout panel the viewer page opens, and the public tracking page.
 */
import { h, replace } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatDateTime, formatFen, registerMessages, t } from '../lib/i18n.ts';
import { api, type Res } from '../lib/api.ts';
import { saveSession } from '../lib/session.ts';
import { errorText } from '../lib/errors.ts';

registerMessages({
  'zh-CN': {
    'buyer.signup': '手机号注册',
    'buyer.phone': '手机号',
    'buyer.password': '密码（至少8位）',
    'buyer.signupSubmit': '注册并登录',
    'buyer.solving': '正在验证（防批量注册）…',
    'buyer.haveAccount': '已有账号？登录',
    'buyer.me': '我的',
    'buyer.addresses': '收货地址',
    'buyer.addAddress': '添加地址',
    'buyer.name': '收货人',
    'buyer.township': '乡镇',
    'buyer.village': '村（社区）',
    'buyer.detail': '详细地址',
    'buyer.orders': '我的订单',
    'buyer.delete': '删除',
    'buyer.checkout': '确认订单',
    'buyer.delivery': '配送方式',
    'buyer.station': '到乡镇服务站/村级服务点自提',
    'buyer.courier': '快递送货上门',
    'buyer.pickStation': '选择服务站点',
    'buyer.payment': '支付方式',
    'buyer.cod': '货到付款',
    'buyer.transfer': '对公转账',
    'buyer.placeOrder': '提交订单',
    'buyer.reserved': '已为你保留 1 件，请在 {time} 前确认订单',
    'buyer.placed': '下单成功，订单号 {id}',
    'buyer.track': '查看物流',
    'buyer.pickupCode': '取件码',
    'buyer.expiresAt': '请在 {time} 前付款',
    'buyer.tracking': '订单跟踪',
    'buyer.stationAt': '自提点：{name}（{township}）',
    'buyer.signupHint': '注册后即可下单',
    'buyer.checkedOut': '已确认订单',
    'buyer.refundRejected': '商家未同意退款：{reason}',
    'buyer.otherVillage': '（其他村请直接填写）',
    'order.status.placed': '已下单',
    'order.status.paid': '已付款',
    'order.status.shipped': '已发货',
    'order.status.arrived': '已到站',
    'order.status.delivered': '已签收',
    'order.status.completed': '已完成',
    'order.status.cancelled': '已取消',
    'order.status.expired': '已超时关闭',
    'order.status.refund_requested': '退款中',
    'order.status.refunded': '已退款',
  },
  en: {
    'buyer.signup': 'Sign up with your mobile number',
    'buyer.phone': 'Mobile number',
    'buyer.password': 'Password (8+ characters)',
    'buyer.signupSubmit': 'Sign up and sign in',
    'buyer.solving': 'Checking (against bulk sign-ups)…',
    'buyer.haveAccount': 'Have an account? Sign in',
    'buyer.me': 'Me',
    'buyer.addresses': 'Delivery addresses',
    'buyer.addAddress': 'Add address',
    'buyer.name': 'Recipient',
    'buyer.township': 'Township',
    'buyer.village': 'Village',
    'buyer.detail': 'Street and number',
    'buyer.orders': 'My orders',
    'buyer.delete': 'Delete',
    'buyer.checkout': 'Confirm order',
    'buyer.delivery': 'Delivery',
    'buyer.station': 'Pick up at a township station / village point',
    'buyer.courier': 'Courier to my door',
    'buyer.pickStation': 'Station',
    'buyer.payment': 'Payment',
    'buyer.cod': 'Cash on delivery',
    'buyer.transfer': 'Bank transfer',
    'buyer.placeOrder': 'Place order',
    'buyer.reserved': 'One is held for you: confirm before {time}',
    'buyer.placed': 'Ordered: order {id}',
    'buyer.track': 'Track',
    'buyer.pickupCode': 'Pick-up code',
    'buyer.expiresAt': 'Pay before {time}',
    'buyer.tracking': 'Order tracking',
    'buyer.stationAt': 'Pick-up: {name} ({township})',
    'buyer.signupHint': 'Sign up to order',
    'buyer.checkedOut': 'Order confirmed',
    'buyer.refundRejected': 'The seller declined the refund: {reason}',
    'buyer.otherVillage': '(other villages: type the name)',
    'order.status.placed': 'Placed',
    'order.status.paid': 'Paid',
    'order.status.shipped': 'Shipped',
    'order.status.arrived': 'At the station',
    'order.status.delivered': 'Delivered',
    'order.status.completed': 'Completed',
    'order.status.cancelled': 'Cancelled',
    'order.status.expired': 'Expired',
    'order.status.refund_requested': 'Refund requested',
    'order.status.refunded': 'Refunded',
  },
});

/** Leading zero bits of a SHA-256 digest. */
function zeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const b of bytes) {
    if (b === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}

/** Solves the hub's sign-up challenge (docs/commerce.md): SHA-256(challenge:n) with `bits` leading zero bits. */
export async function solveSignupChallenge(): Promise<string> {
  const { challenge, bits } = await api.get<'/auth/signup/challenge'>('/auth/signup/challenge');
  const encoder = new TextEncoder();
  for (let n = 0; ; n += 1) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`${challenge}:${n}`)));
    if (zeroBits(digest) >= bits) return `${challenge}:${n}`;
  }
}

export const statusLabel = (status: string) => t(`order.status.${status}`);

function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

let placesCache: Promise<Res<'/places'>> | null = null;
const places = () => (placesCache ??= api.get<'/places'>('/places'));

/** Address fields with Dehua's townships (and their villages) offered first. */
async function addressFields(prefix: string) {
  const p = await places();
  const township = h(
    'select',
    { name: 'township', 'data-testid': `${prefix}-township` },
    p.townships.map((tw) => h('option', { value: tw.name }, tw.name)),
  );
  const villageList = h('datalist', { id: `${prefix}-villages` });
  const fillVillages = () =>
    replace(
      villageList,
      (p.townships.find((tw) => tw.name === township.value)?.villages ?? []).map((v) => h('option', { value: v })),
    );
  township.addEventListener('change', fillVillages);
  fillVillages();
  const f = (label: string, el: HTMLElement) => h('label', { class: 'field' }, h('span', null, label), el);
  return [
    f(t('buyer.name'), h('input', { name: 'name', required: true, maxlength: '32', 'data-testid': `${prefix}-name` })),
    f(
      t('buyer.phone'),
      h('input', { name: 'phone', required: true, inputmode: 'numeric', pattern: '1[3-9][0-9]{9}', 'data-testid': `${prefix}-phone` }),
    ),
    f(t('buyer.township'), township),
    f(
      `${t('buyer.village')} ${t('buyer.otherVillage')}`,
      h('input', { name: 'village', list: `${prefix}-villages`, 'data-testid': `${prefix}-village` }),
    ),
    villageList,
    f(t('buyer.detail'), h('input', { name: 'detail', required: true, maxlength: '120', 'data-testid': `${prefix}-detail` })),
  ];
}

const addressOf = (v: Record<string, string>) => ({
  name: v.name ?? '',
  phone: v.phone ?? '',
  township: v.township ?? '',
  detail: v.detail ?? '',
  ...(v.village ? { village: v.village } : {}),
});

/** What the checkout panel needs of an order: a "+1" reservation arrives over Socket.IO with these fields of it. */
export type CheckoutOrder = Pick<Res<'/orders/{id}'>, 'id' | 'status' | 'amountFen'> &
  Partial<Pick<Res<'/orders/{id}'>, 'expiresAt' | 'trackingCode' | 'pickupCode'>>;

/**
 * The checkout panel: delivery (station pick-up or courier) and payment. For a "+1" reservation it completes
 * that order; otherwise it places a new one for the product and quantity.
 */
export async function checkoutPanel(options: {
  reservation?: CheckoutOrder;
  productId?: string;
  quantity?: number;
  sessionId?: string;
  flashSale?: boolean;
  onDone?: (order: CheckoutOrder) => void;
}) {
  const stations = (await api.get<'/stations'>('/stations')).items;
  const status = h('p', { class: 'form-status', role: 'status', 'data-testid': 'checkout-status' });
  const mode = h(
    'select',
    { name: 'mode', 'data-testid': 'checkout-mode' },
    h('option', { value: 'station' }, t('buyer.station')),
    h('option', { value: 'courier' }, t('buyer.courier')),
  );
  const station = h(
    'select',
    { name: 'stationOrgId', 'data-testid': 'checkout-station' },
    stations.map((s) => h('option', { value: s.id }, `${s.name}（${s.township ?? ''}）`)),
  );
  const stationBox = h('div', null, h('label', { class: 'field' }, h('span', null, t('buyer.pickStation')), station));
  const courierBox = h('div', { hidden: true }, await addressFields('checkout'));
  mode.addEventListener('change', () => {
    stationBox.hidden = mode.value !== 'station';
    courierBox.hidden = mode.value !== 'courier';
    for (const el of courierBox.querySelectorAll('input'))
      (el as HTMLInputElement).required = mode.value === 'courier' && el.getAttribute('name') !== 'village';
  });
  for (const el of courierBox.querySelectorAll('input')) (el as HTMLInputElement).required = false;
  const payment = h(
    'select',
    { name: 'payment', 'data-testid': 'checkout-payment' },
    h('option', { value: 'cod' }, t('buyer.cod')),
    h('option', { value: 'transfer' }, t('buyer.transfer')),
  );
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'checkout-submit' }, t('buyer.placeOrder'));
  const key = newKey();
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'form',
      'data-testid': 'checkout-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const values: Record<string, string> = {};
        new FormData(form).forEach((v, k) => {
          if (typeof v === 'string') values[k] = v;
        });
        const delivery =
          mode.value === 'station' ? { mode: 'station', stationOrgId: station.value } : { mode: 'courier', address: addressOf(values) };
        submit.disabled = true;
        status.className = 'form-status';
        try {
          const order = options.reservation
            ? await api.post<'/orders/{id}/checkout'>(`/orders/${options.reservation.id}/checkout`, { delivery, payment: payment.value })
            : options.flashSale && options.sessionId
              ? // A flash-sale purchase (server/commerce/live/commands/buyFlashSale.ts): the sale's price and limit apply.
                await api.post<'/sessions/{id}/flash-sale/orders'>(
                  `/sessions/${options.sessionId}/flash-sale/orders`,
                  { quantity: options.quantity ?? 1, delivery, payment: payment.value },
                  { 'Idempotency-Key': key },
                )
              : await api.post<'/orders'>(
                  '/orders',
                  {
                    productId: options.productId,
                    quantity: options.quantity ?? 1,
                    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
                    delivery,
                    payment: payment.value,
                  },
                  { 'Idempotency-Key': key },
                );
          replace(
            panel,
            h('h3', null, t('buyer.placed', { id: order.id.slice(-6) })),
            order.pickupCode
              ? h('p', null, t('buyer.pickupCode'), ': ', h('strong', { 'data-testid': 'checkout-pickup-code' }, order.pickupCode))
              : null,
            order.expiresAt ? h('p', null, t('buyer.expiresAt', { time: formatDateTime(order.expiresAt) })) : null,
            h(
              'a',
              {
                href: `/track/${order.id}?c=${encodeURIComponent(order.trackingCode ?? '')}`,
                'data-testid': 'checkout-track',
                class: 'button',
              },
              t('buyer.track'),
            ),
          );
          panel.dataset.orderId = order.id;
          options.onDone?.(order);
        } catch (err) {
          status.textContent = errorText(err);
          status.classList.add('bad');
          submit.disabled = false;
        }
      },
    },
    options.reservation?.expiresAt
      ? h('p', { class: 'notice' }, t('buyer.reserved', { time: formatDateTime(options.reservation.expiresAt) }))
      : null,
    h('label', { class: 'field' }, h('span', null, t('buyer.delivery')), mode),
    stationBox,
    courierBox,
    h('label', { class: 'field' }, h('span', null, t('buyer.payment')), payment),
    h('div', { class: 'actions' }, submit),
    status,
  );
  const panel = h('section', { class: 'card checkout', 'data-testid': 'checkout-panel' }, h('h2', null, t('buyer.checkout')), form);
  return panel;
}

registerPage({
  path: '/signup',
  titleKey: 'buyer.signup',
  access: 'public',
  render: (ctx) => {
    const status = h('p', { class: 'form-status', role: 'status', 'data-testid': 'signup-status' });
    const phone = h('input', {
      name: 'phone',
      inputmode: 'numeric',
      autocomplete: 'tel',
      required: true,
      pattern: '1[3-9][0-9]{9}',
      'data-testid': 'signup-phone',
    });
    const password = h('input', {
      name: 'password',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
      minlength: '8',
      'data-testid': 'signup-password',
    });
    const form = h(
      'form',
      {
        class: 'form login',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          status.className = 'form-status';
          status.textContent = t('buyer.solving');
          try {
            const proof = await solveSignupChallenge();
            const result = await api.post<'/auth/signup'>(
              '/auth/signup',
              { phone: phone.value, password: password.value },
              { 'Signup-Proof': proof },
            );
            saveSession(result.user, result.expiresIn);
            location.assign(ctx.query.get('next') || '/me');
          } catch (err) {
            status.textContent = errorText(err);
            status.classList.add('bad');
          }
        },
      },
      h('label', { class: 'field' }, h('span', null, t('buyer.phone')), phone),
      h('label', { class: 'field' }, h('span', null, t('buyer.password')), password),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'signup-submit' }, t('buyer.signupSubmit')),
      ),
      status,
      h('p', null, h('a', { href: `/login?next=${encodeURIComponent(ctx.query.get('next') || '/me')}` }, t('buyer.haveAccount'))),
    );
    return h('section', { class: 'card narrow', 'data-testid': 'signup-page' }, h('h1', null, t('buyer.signup')), form);
  },
});

registerPage({
  path: '/me',
  titleKey: 'buyer.me',
  access: ['buyer'],
  nav: { labelKey: 'buyer.me', roles: ['buyer'] },
  render: async () => {
    const list = h('div', { 'data-testid': 'me-addresses' });
    const orders = h('div', { 'data-testid': 'me-orders' });
    const load = async () => {
      const { items } = await api.get<'/me/addresses'>('/me/addresses');
      replace(
        list,
        items.map((a) =>
          h(
            'p',
            { 'data-address-id': a.id },
            `${a.name} ${a.phone} ${a.township}${a.village ?? ''}${a.detail} `,
            h(
              'button',
              {
                onclick: async () => {
                  await api.delete(`/me/addresses/${a.id}`);
                  await load();
                },
              },
              t('buyer.delete'),
            ),
          ),
        ),
      );
      const mine = (await api.get<'/me/orders'>('/me/orders')).items;
      replace(
        orders,
        mine.length
          ? h(
              'ul',
              { class: 'orders' },
              mine.map((o) =>
                h(
                  'li',
                  { 'data-order-id': o.id, 'data-status': o.status },
                  `${formatDateTime(o.createdAt)} × ${o.quantity} ${formatFen(o.amountFen)} `,
                  h('strong', null, statusLabel(o.status)),
                  ' ',
                  h('a', { href: `/track/${o.id}?c=${encodeURIComponent(o.trackingCode ?? '')}` }, t('buyer.track')),
                ),
              ),
            )
          : h('p', { class: 'empty' }, t('common.empty')),
      );
    };
    const status = h('p', { class: 'form-status', 'data-testid': 'address-status' });
    const form: HTMLFormElement = h(
      'form',
      {
        class: 'form',
        'data-testid': 'address-form',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const values: Record<string, string> = {};
          new FormData(form).forEach((v, k) => {
            if (typeof v === 'string') values[k] = v;
          });
          try {
            await api.post('/me/addresses', addressOf(values));
            form.reset();
            status.textContent = '';
            await load();
          } catch (err) {
            status.textContent = errorText(err);
          }
        },
      },
      await addressFields('address'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('buyer.addAddress'))),
      status,
    );
    await load();
    return h(
      'div',
      { class: 'page', 'data-testid': 'me-page' },
      h('h1', null, t('buyer.me')),
      h('section', { class: 'card' }, h('h2', null, t('buyer.orders')), orders),
      h('section', { class: 'card' }, h('h2', null, t('buyer.addresses')), list, form),
    );
  },
});

registerPage({
  path: '/track/:orderId',
  titleKey: 'buyer.tracking',
  access: 'public',
  layout: 'bare',
  render: async (ctx) => {
    const body = h('div', { 'data-testid': 'track-body' });
    const load = async () => {
      try {
        const o = await api.get<'/public/orders/{id}/tracking'>(
          `/public/orders/${ctx.params.orderId}/tracking?code=${encodeURIComponent(ctx.query.get('c') ?? '')}`,
        );
        body.dataset.status = o.status;
        replace(
          body,
          h(
            'p',
            { class: 'price' },
            `× ${o.quantity} ${formatFen(o.amountFen)} · `,
            h('strong', { 'data-testid': 'track-status' }, statusLabel(o.status)),
          ),
          o.delivery.mode === 'station'
            ? h(
                'p',
                { 'data-testid': 'track-station' },
                t('buyer.stationAt', { name: o.delivery.stationName ?? '', township: o.delivery.stationTownship ?? '' }),
              )
            : null,
          o.waybillNo ? h('p', null, `${o.carrier ?? ''} ${o.waybillNo}`) : null,
          h(
            'ol',
            { class: 'timeline', 'data-testid': 'track-timeline' },
            o.history.map((s) =>
              h(
                'li',
                { 'data-status': s.status },
                h(
                  'strong',
                  null,
                  s.note === 'checkout'
                    ? t('buyer.checkedOut')
                    : s.event === 'refund_rejected'
                      ? t('buyer.refundRejected', { reason: s.note ?? '' })
                      : statusLabel(s.status),
                ),
                ' ',
                formatDateTime(s.at),
              ),
            ),
          ),
        );
      } catch (err) {
        replace(body, h('p', { class: 'form-status bad' }, errorText(err)));
      }
    };
    await load();
    const timer = setInterval(() => void load(), 5000);
    ctx.onLeave(() => clearInterval(timer));
    return h(
      'div',
      { class: 'page narrow', style: 'padding: 16px; max-width: 640px; margin: 0 auto', 'data-testid': 'track-page' },
      h('h1', null, t('buyer.tracking')),
      body,
    );
  },
});
