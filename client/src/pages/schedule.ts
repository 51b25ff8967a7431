import { h, replace } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatDateTime, formatFen, getLocale, registerMessages, t } from '../lib/i18n.ts';
import { fenFromYuan, yuanInput } from '../lib/money.ts';
import { api, type Res } from '../lib/api.ts';
import { card, field, form, input, page, select, table } from '../lib/ui.ts';
import { connectLive } from './liveClient.ts';

registerMessages({
  'zh-CN': {
    'schedule.nav': '直播排期',
    'schedule.title': '直播排期（按周、按直播间）',
    'schedule.prev': '上一周',
    'schedule.next': '下一周',
    'schedule.studio': '直播间',
    'schedule.addStudio': '新增直播间',
    'schedule.base': '直播基地',
    'schedule.book': '预约直播',
    'schedule.host': '主播',
    'schedule.sessionTitle': '直播主题',
    'schedule.startsAt': '开始',
    'schedule.endsAt': '结束',
    'schedule.products': '本场商品',
    'schedule.cancel': '取消场次',
    'schedule.move': '改期',
    'schedule.enter': '进入直播间',
    'schedule.watch': '观看',
    'schedule.replay': '回放',
    'schedule.notifications': '通知',
    'schedule.mySessions': '我的场次',
    'schedule.status.scheduled': '待开播',
    'schedule.status.live': '直播中',
    'schedule.status.ended': '已结束',
    'schedule.status.cancelled': '已取消',
    'schedule.sales': '成交',
    'schedule.peak': '观众峰值',
    'schedule.noStudios': '还没有直播间',
    'products.nav': '商品管理',
    'products.title': '商品',
    'products.name': '商品名称',
    'products.category': '类别',
    'products.price': '单价（元）',
    'products.stock': '库存',
    'products.household': '贫困户建档立卡编号（可选）',
    'products.category.ceramic': '陶瓷',
    'products.category.farm': '农产品',
    'products.category.forest': '林产品',
    'products.category.other': '其他',
  },
  en: {
    'schedule.nav': 'Live schedule',
    'schedule.title': 'Live schedule (by week and studio)',
    'schedule.prev': 'Previous week',
    'schedule.next': 'Next week',
    'schedule.studio': 'Studio',
    'schedule.addStudio': 'Add a studio',
    'schedule.base': 'Base',
    'schedule.book': 'Book a session',
    'schedule.host': 'Host',
    'schedule.sessionTitle': 'Title',
    'schedule.startsAt': 'Starts',
    'schedule.endsAt': 'Ends',
    'schedule.products': 'Products',
    'schedule.cancel': 'Cancel',
    'schedule.move': 'Move',
    'schedule.enter': 'Enter studio',
    'schedule.watch': 'Watch',
    'schedule.replay': 'Replay',
    'schedule.notifications': 'Notifications',
    'schedule.mySessions': 'My sessions',
    'schedule.status.scheduled': 'Scheduled',
    'schedule.status.live': 'Live',
    'schedule.status.ended': 'Ended',
    'schedule.status.cancelled': 'Cancelled',
    'schedule.sales': 'Sales',
    'schedule.peak': 'Peak viewers',
    'schedule.noStudios': 'No studios yet',
    'products.nav': 'Products',
    'products.title': 'Products',
    'products.name': 'Product',
    'products.category': 'Category',
    'products.price': 'Unit price (yuan)',
    'products.stock': 'Stock',
    'products.household': 'Poverty household registry no. (optional)',
    'products.category.ceramic': 'Ceramics',
    'products.category.farm': 'Farm produce',
    'products.category.forest': 'Forest produce',
    'products.category.other': 'Other',
  },
});

// Response shapes come from the API's OpenAPI document (client/src/lib/api.gen.ts).
type Session = Res<'/sessions'>['items'][number];

const DAY = 86_400_000;
function mondayOf(date: Date): Date {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d;
}
const hhmm = (iso: string) =>
  new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });
const md = (iso: string) => new Date(iso).toLocaleDateString('zh-CN', { month: 'numeric', day: 'numeric', timeZone: 'Asia/Shanghai' });
/** "19:00–21:00", or with the end's date when it ends on another day: "23:00–12/3 01:00". */
const span = (s: { startsAt: string; endsAt: string }) =>
  `${hhmm(s.startsAt)}–${md(s.endsAt) !== md(s.startsAt) ? `${md(s.endsAt)} ` : ''}${hhmm(s.endsAt)}`;
const toIso = (local: string) => new Date(local).toISOString();

registerPage({
  path: '/schedule',
  titleKey: 'schedule.nav',
  access: ['association', 'host', 'bureau', 'auditor'],
  nav: { labelKey: 'schedule.nav', roles: ['association', 'host', 'bureau', 'auditor'], order: 30 },
  render: async (ctx) => {
    const role = ctx.user!.role;
    let weekStart = mondayOf(ctx.query.get('week') ? new Date(ctx.query.get('week')!) : new Date());
    const grid = h('div', { 'data-testid': 'schedule-grid' });
    const weekLabel = h('strong', { 'data-testid': 'schedule-week' });
    const notifications = h('ul', { 'data-testid': 'schedule-notifications' });

    const { items: studios } = await api.all<'/studios'>('/studios');
    const hosts = role === 'association' ? (await api.all<'/users'>('/users?role=host')).items : [];
    const hostName = new Map(hosts.map((x) => [x.id, x.displayName ?? x.username]));

    const dayLabel = (d: Date) => d.toLocaleDateString(getLocale(), { weekday: 'short', month: 'numeric', day: 'numeric' });
    const load = async () => {
      const from = weekStart;
      const to = new Date(weekStart.getTime() + 7 * DAY);
      weekLabel.textContent = `${from.toLocaleDateString(getLocale())} – ${new Date(to.getTime() - DAY).toLocaleDateString(getLocale())}`;
      const { items } = await api.get<'/sessions'>(
        `/sessions?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`,
      );
      const days = Array.from({ length: 7 }, (_, i) => new Date(from.getTime() + i * DAY));
      const rows =
        role === 'host'
          ? [...new Set(items.map((s) => s.studioId))].map((id) => studios.find((s) => s.id === id) ?? { id, baseId: '', name: id })
          : studios;
      if (!rows.length) return replace(grid, h('p', { class: 'empty' }, t('schedule.noStudios')));
      const sessionBlock = (s: Session) =>
        h(
          'div',
          { class: `slot slot-${s.status}`, 'data-testid': `slot-${s.id}` },
          h('div', null, h('time', { datetime: s.startsAt }, `${md(s.startsAt)} ${span(s)}`), ' ', h('strong', null, s.title)),
          h(
            'div',
            { class: 'muted' },
            t(`schedule.status.${s.status}`),
            hostName.get(s.hostUserId) ? ` · ${hostName.get(s.hostUserId)}` : '',
            s.status === 'ended' ? ` · ${t('schedule.sales')} ${formatFen(s.gmvFen)} · ${t('schedule.peak')} ${s.peakViewers}` : '',
          ),
          role === 'host' && (s.status === 'scheduled' || s.status === 'live')
            ? h(
                'a',
                {
                  href: `/studio/${s.id}`,
                  onclick: (e: Event) => {
                    e.preventDefault();
                    ctx.navigate(`/studio/${s.id}`);
                  },
                },
                t('schedule.enter'),
              )
            : s.status === 'live' || s.status === 'scheduled'
              ? h('a', { href: `/live/${s.id}`, target: '_blank', 'data-testid': `watch-${s.id}` }, t('schedule.watch'))
              : null,
          s.status === 'ended' ? h('a', { href: `/replay/${s.id}`, 'data-testid': `replay-link-${s.id}` }, t('schedule.replay')) : null,
          role === 'association' && s.status === 'scheduled' ? moveAndCancel(s) : null,
        );
      replace(
        grid,
        h(
          'table',
          { class: 'table calendar' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, t('schedule.studio')),
              days.map((d) => h('th', null, dayLabel(d))),
            ),
          ),
          h(
            'tbody',
            null,
            rows.map((studio) =>
              h(
                'tr',
                { 'data-testid': `studio-row-${studio.id}` },
                h('th', null, studio.name),
                days.map((d) =>
                  h(
                    'td',
                    { 'data-label': dayLabel(d) },
                    items
                      .filter(
                        (s) => s.studioId === studio.id && new Date(s.startsAt) >= d && new Date(s.startsAt).getTime() < d.getTime() + DAY,
                      )
                      .map(sessionBlock),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    };

    const moveAndCancel = (s: Session) =>
      h(
        'details',
        null,
        h('summary', null, t('schedule.move')),
        form(
          `move-${s.id}`,
          [input('startsAt', { type: 'datetime-local', required: true }), input('endsAt', { type: 'datetime-local', required: true })],
          t('schedule.move'),
          async (v) => {
            await api.patch(`/sessions/${s.id}`, { startsAt: toIso(v.startsAt!), endsAt: toIso(v.endsAt!) });
            await load();
          },
        ),
        h(
          'button',
          {
            class: 'danger',
            onclick: async () => {
              await api.delete(`/sessions/${s.id}`);
              await load();
            },
          },
          t('schedule.cancel'),
        ),
      );

    await load();
    const nav = h(
      'div',
      { class: 'actions week-nav' },
      h(
        'button',
        {
          class: 'secondary',
          'data-testid': 'schedule-prev',
          onclick: () => {
            weekStart = new Date(weekStart.getTime() - 7 * DAY);
            void load();
          },
        },
        t('schedule.prev'),
      ),
      weekLabel,
      h(
        'button',
        {
          class: 'secondary',
          'data-testid': 'schedule-next',
          onclick: () => {
            weekStart = new Date(weekStart.getTime() + 7 * DAY);
            void load();
          },
        },
        t('schedule.next'),
      ),
    );

    let forms: HTMLElement[] = [];
    if (role === 'association') {
      const [{ items: bases }, { items: products }] = await Promise.all([api.all<'/bases'>('/bases'), api.get<'/products'>('/products')]);
      forms = [
        card(
          t('schedule.addStudio'),
          form(
            'studio-form',
            [
              field(
                t('schedule.base'),
                select(
                  'baseId',
                  bases.map((b): [string, string] => [b.id, b.name]),
                ),
              ),
              field(t('schedule.studio'), input('name', { required: true })),
            ],
            t('common.create'),
            async (v, f) => {
              await api.post('/studios', { baseId: v.baseId, name: v.name });
              f.reset();
              ctx.navigate('/schedule');
            },
          ),
        ),
        card(
          t('schedule.book'),
          form(
            'session-form',
            [
              field(
                t('schedule.studio'),
                select(
                  'studioId',
                  studios.map((s): [string, string] => [s.id, s.name]),
                ),
              ),
              field(
                t('schedule.host'),
                select(
                  'hostUserId',
                  hosts.map((x): [string, string] => [x.id, x.displayName ?? x.username]),
                ),
              ),
              field(t('schedule.sessionTitle'), input('title', { required: true, maxlength: 120 })),
              field(t('schedule.startsAt'), input('startsAt', { type: 'datetime-local', required: true })),
              field(t('schedule.endsAt'), input('endsAt', { type: 'datetime-local', required: true })),
              field(
                t('schedule.products'),
                products.length
                  ? h(
                      'ul',
                      { class: 'checklist', 'data-testid': 'session-products' },
                      products.map((p) =>
                        h(
                          'li',
                          null,
                          h(
                            'label',
                            null,
                            h('input', { type: 'checkbox', name: 'productIds', value: p.id }),
                            ` ${p.name} · ${formatFen(p.priceFen)}`,
                          ),
                        ),
                      ),
                    )
                  : h('p', { class: 'empty' }, t('common.empty')),
              ),
            ],
            t('schedule.book'),
            async (v, f) => {
              const chosen = [...f.querySelectorAll<HTMLInputElement>('input[name=productIds]:checked')].map((o) => o.value);
              await api.post('/sessions', {
                studioId: v.studioId,
                hostUserId: v.hostUserId,
                title: v.title,
                startsAt: toIso(v.startsAt!),
                endsAt: toIso(v.endsAt!),
                productIds: chosen,
              });
              weekStart = mondayOf(new Date(v.startsAt!));
              await load();
            },
          ),
        ),
      ];
    }
    if (role === 'host') {
      // Reminders, moves and cancellations arrive in-app while this page is open.
      const socket = connectLive();
      ctx.onLeave(() => socket.disconnect());
      socket.on('notification', (n: { message: string; sessionId: string; kind: string; at: string }) => {
        notifications.prepend(
          h(
            'li',
            { 'data-kind': n.kind },
            `${formatDateTime(n.at)} · ${n.message} `,
            h(
              'a',
              {
                href: `/studio/${n.sessionId}`,
                onclick: (e: Event) => {
                  e.preventDefault();
                  ctx.navigate(`/studio/${n.sessionId}`);
                },
              },
              t('schedule.enter'),
            ),
          ),
        );
        void load();
      });
      forms = [card(t('schedule.notifications'), notifications)];
    }
    return page(t('schedule.title'), 'schedule-page', ...forms, card(t('schedule.nav'), nav, grid));
  },
});

registerPage({
  path: '/products',
  titleKey: 'products.nav',
  access: ['enterprise', 'association', 'bureau', 'auditor'],
  nav: { labelKey: 'products.nav', roles: ['enterprise'], order: 30 },
  render: async (ctx) => {
    const list = h('div');
    const load = async () => {
      const { items } = await api.get<'/products'>('/products');
      list.replaceChildren(
        table(
          items,
          [
            { label: t('products.name'), value: (p) => p.name },
            { label: t('products.category'), value: (p) => t(`products.category.${p.category}`) },
            { label: t('products.price'), value: (p) => formatFen(p.priceFen) },
            { label: t('products.stock'), value: (p) => String(p.stock) },
          ],
          'products-table',
        ),
      );
    };
    await load();
    const create =
      ctx.user?.role === 'enterprise'
        ? card(
            t('common.create'),
            form(
              'product-form',
              [
                field(t('products.name'), input('name', { required: true, maxlength: 120 })),
                field(
                  t('products.category'),
                  select(
                    'category',
                    ['ceramic', 'farm', 'forest', 'other'].map((c): [string, string] => [c, t(`products.category.${c}`)]),
                  ),
                ),
                field(t('products.price'), yuanInput('price', { required: true, 'data-testid': 'product-price' })),
                field(t('products.stock'), input('stock', { type: 'number', min: '0', step: '1', required: true })),
                field(t('products.household'), input('householdRegistryNo')),
              ],
              t('common.create'),
              async (v, f) => {
                const priceFen = fenFromYuan(v.price ?? '', t('products.price'));
                await api.post('/products', {
                  name: v.name,
                  category: v.category,
                  priceFen,
                  stock: Number(v.stock),
                  ...(v.householdRegistryNo ? { householdRegistryNo: v.householdRegistryNo } : {}),
                });
                f.reset();
                await load();
              },
            ),
          )
        : null;
    return page(t('products.title'), 'products-page', create, card(t('products.title'), list));
  },
});
