import { h, replace } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatDateTime, formatFen, registerMessages, t } from '../lib/i18n.ts';
import { errorText } from '../lib/errors.ts';
import { card, page } from '../lib/ui.ts';
import { api } from '../lib/api.ts';
import { ask, connectLive, publish, type ChatMessage, type JoinReply, type PinnedProduct } from './liveClient.ts';
import { ingestCard } from './studioIngest.ts';
import { recordingCard } from './studioRecording.ts';
import { flashSaleStartForm, type FlashSale } from './flashSale.ts';

registerMessages({
  'zh-CN': {
    'studio.title': '直播间（主播）',
    'studio.preview': '摄像头预览',
    'studio.goLive': '开始直播',
    'studio.end': '结束直播',
    'studio.status.scheduled': '未开播',
    'studio.status.live': '直播中',
    'studio.status.ended': '已结束',
    'studio.status.cancelled': '已取消',
    'studio.viewers': '在线观众',
    'studio.sales': '本场成交',
    'studio.orders': '订单',
    'studio.amount': '金额',
    'studio.shelf': '本场商品',
    'studio.plusOnes': '扣 1 排队',
    'studio.analytics': '本场数据',
    'studio.a.viewers': '观看人数',
    'studio.a.peak': '最高在线',
    'studio.a.chat': '弹幕',
    'studio.a.paid': '已付成交额',
    'studio.a.conversion': '转化率',
    'studio.pin': '置顶讲解',
    'studio.unpin': '取消置顶',
    'studio.pinned': '讲解中',
    'studio.chat': '弹幕互动',
    'studio.mute': '禁言',
    'studio.remove': '删除',
    'studio.stock': '库存 {n}',
    'studio.camera': '无法打开摄像头或麦克风：{message}。请使用 HTTPS 访问（本机 localhost 除外）并允许摄像头权限。',
    'studio.noMedia': '本服务器未启用视频转发（缺少 mediasoup-worker），仍可管理商品与弹幕。',
    'studio.viewerLink': '观众观看链接',
  },
  en: {
    'studio.title': 'Studio (host)',
    'studio.preview': 'Camera preview',
    'studio.goLive': 'Go live',
    'studio.end': 'End session',
    'studio.status.scheduled': 'Not live yet',
    'studio.status.live': 'LIVE',
    'studio.status.ended': 'Ended',
    'studio.status.cancelled': 'Cancelled',
    'studio.viewers': 'Viewers',
    'studio.sales': 'Sales this session',
    'studio.orders': 'Orders',
    'studio.amount': 'Amount',
    'studio.shelf': 'Product shelf',
    'studio.plusOnes': '"+1" queue',
    'studio.analytics': 'Session analytics',
    'studio.a.viewers': 'Viewers',
    'studio.a.peak': 'Peak',
    'studio.a.chat': 'Chat messages',
    'studio.a.paid': 'Paid GMV',
    'studio.a.conversion': 'Conversion',
    'studio.pin': 'Pin',
    'studio.unpin': 'Unpin',
    'studio.pinned': 'Pinned',
    'studio.chat': 'Live chat',
    'studio.mute': 'Mute',
    'studio.remove': 'Remove',
    'studio.stock': '{n} in stock',
    'studio.camera': 'Cannot open camera or microphone: {message}. Use HTTPS (localhost is exempt) and allow camera access.',
    'studio.noMedia': 'Video relay is off on this server (no mediasoup-worker); products and chat still work.',
    'studio.viewerLink': 'Viewer link',
  },
});

registerPage({
  path: '/studio/:sessionId',
  titleKey: 'studio.title',
  access: ['host'],
  render: async (ctx) => {
    const sessionId = ctx.params.sessionId!;
    const socket = connectLive(sessionId);
    let stream: MediaStream | null = null;
    let sending: { close: () => void } | null = null;
    ctx.onLeave(() => {
      sending?.close();
      stream?.getTracks().forEach((track) => track.stop());
      socket.disconnect();
    });

    const preview = h('video', { autoplay: true, muted: true, playsInline: true, class: 'live-video', 'data-testid': 'studio-preview' });
    preview.muted = true;
    const status = h('span', { class: 'badge', 'data-testid': 'studio-status' });
    const message = h('p', { class: 'form-status', role: 'status', 'data-testid': 'studio-message' });
    const viewers = h('strong', { 'data-testid': 'studio-viewers' }, '0');
    const orders = h('strong', { 'data-testid': 'studio-sales-orders' }, '0');
    const amount = h('strong', { 'data-testid': 'studio-sales-amount' }, formatFen(0));
    const shelf = h('div', { 'data-testid': 'studio-shelf' });
    const chatList = h('ul', { class: 'chat', 'data-testid': 'studio-chat' });
    const goLive = h('button', { class: 'primary', 'data-testid': 'studio-go-live' }, t('studio.goLive'));
    const end = h('button', { class: 'danger', 'data-testid': 'studio-end' }, t('studio.end'));

    const show = (err: unknown) => {
      message.textContent = errorText(err);
      message.className = 'form-status bad';
    };
    const setStatus = (s: string) => {
      status.textContent = t(`studio.status.${s}`);
      status.dataset.status = s;
      goLive.disabled = s !== 'scheduled' && !(s === 'live' && !sending);
      end.disabled = s !== 'live';
    };

    let pinnedId: string | null = null;
    let products: PinnedProduct[] = [];
    const renderShelf = () => {
      replace(
        shelf,
        products.length
          ? h(
              'table',
              { class: 'table' },
              h(
                'tbody',
                null,
                products.map((p) =>
                  h(
                    'tr',
                    { 'data-testid': `shelf-${p.id}`, class: p.id === pinnedId ? 'pinned' : '' },
                    h('td', null, p.name),
                    h('td', null, formatFen(p.priceFen)),
                    h('td', { 'data-testid': `shelf-stock-${p.id}` }, t('studio.stock', { n: p.stock })),
                    h(
                      'td',
                      null,
                      p.id === pinnedId
                        ? h(
                            'button',
                            { 'data-testid': `unpin-${p.id}`, onclick: () => ask(socket, 'product:pin', { productId: null }).catch(show) },
                            t('studio.unpin'),
                          )
                        : h(
                            'button',
                            { 'data-testid': `pin-${p.id}`, onclick: () => ask(socket, 'product:pin', { productId: p.id }).catch(show) },
                            t('studio.pin'),
                          ),
                    ),
                  ),
                ),
              ),
            )
          : h('p', { class: 'empty' }, t('common.empty')),
      );
    };
    const addChat = (m: ChatMessage) => {
      chatList.append(
        h(
          'li',
          { 'data-message-id': m.id },
          h('span', { class: 'chat-user' }, m.username),
          ' ',
          h('span', { class: 'chat-text' }, m.text),
          ' ',
          h(
            'button',
            { class: 'link', onclick: () => ask(socket, 'chat:mute', { userId: m.userId, muted: true }).catch(show) },
            t('studio.mute'),
          ),
          h(
            'button',
            { class: 'link', 'data-testid': `remove-${m.id}`, onclick: () => ask(socket, 'chat:remove', { messageId: m.id }).catch(show) },
            t('studio.remove'),
          ),
        ),
      );
      chatList.scrollTop = chatList.scrollHeight;
    };

    // The page renders at once; the camera comes when the browser (or the person) allows it.
    const camera = (async () => {
      try {
        if (!navigator.mediaDevices) throw new Error(window.isSecureContext ? 'no media devices' : 'not a secure context');
        stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360, frameRate: 24 }, audio: true });
        preview.srcObject = stream;
      } catch (err) {
        show(t('studio.camera', { message: err instanceof Error ? err.message : String(err) }));
      }
    })();

    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const joined = await ask<JoinReply>(socket, 'session:join', { sessionId, role: 'host' });
    products = joined.shelf;
    pinnedId = joined.pinned?.id ?? null;
    viewers.textContent = String(joined.viewers);
    if (joined.sales) {
      orders.textContent = String(joined.sales.orders);
      amount.textContent = formatFen(joined.sales.amountFen);
    }
    joined.chat.forEach(addChat);
    renderShelf();
    if (!joined.media.available) show(t('studio.noMedia'));

    const startSending = async () => {
      await camera;
      if (!stream || !joined.media.routerRtpCapabilities || sending) return;
      sending = await publish(socket, joined.media.routerRtpCapabilities, stream);
      setStatus('live');
    };
    goLive.addEventListener('click', async () => {
      goLive.disabled = true;
      try {
        await ask(socket, 'session:start');
        await startSending();
      } catch (err) {
        show(err);
        goLive.disabled = false;
      }
    });
    end.addEventListener('click', async () => {
      end.disabled = true;
      try {
        await ask(socket, 'session:end');
        sending?.close();
        sending = null;
        setStatus('ended');
      } catch (err) {
        show(err);
        end.disabled = false;
      }
    });
    setStatus(joined.session.status);
    // A host that reconnects to a live session resumes sending as soon as the camera is on.
    if (joined.session.status === 'live') void startSending().catch(show);

    socket.on('viewers', (v: { count: number }) => (viewers.textContent = String(v.count)));
    socket.on('sales', (s: { orders: number; amountFen: number }) => {
      orders.textContent = String(s.orders);
      amount.textContent = formatFen(s.amountFen);
    });
    socket.on('product:pinned', (e: { product: PinnedProduct | null }) => {
      pinnedId = e.product?.id ?? null;
      renderShelf();
    });
    socket.on('product:stock', (e: { productId: string; stock: number }) => {
      products = products.map((p) => (p.id === e.productId ? { ...p, stock: e.stock } : p));
      renderShelf();
    });
    socket.on('chat:message', addChat);
    socket.on('chat:removed', (e: { messageId: string }) =>
      chatList.querySelector(`[data-message-id="${CSS.escape(e.messageId)}"]`)?.remove(),
    );
    socket.on('session:status', (e: { status: string }) => setStatus(e.status));
    // Recording status (recording → processing → ready/failed) as the hub's recorder reports it; the size grows meanwhile.
    const recording = recordingCard(sessionId);
    socket.on('recording:status', () => void recording.refresh());
    const recordingTimer = setInterval(() => void recording.refresh(), 10_000);
    ctx.onLeave(() => clearInterval(recordingTimer));
    // Session analytics (server/commerce/live/sessionAnalytics.ts), refreshed while the page is open.
    const analytics = h('dl', { class: 'figures', 'data-testid': 'studio-analytics' });
    const loadAnalytics = async () => {
      const a = await api
        .get<{
          viewers: number;
          peakViewers: number;
          chatMessages: number;
          plusOnes: number;
          orders: number;
          paidGmvFen: number;
          conversionBp: number;
        }>(`/sessions/${sessionId}/analytics`)
        .catch(() => null);
      if (!a) return;
      const cell = (label: string, value: string) =>
        h('div', { class: 'figure' }, h('div', { class: 'figure-value' }, value), h('div', { class: 'figure-label' }, label));
      analytics.replaceChildren(
        cell(t('studio.a.viewers'), String(a.viewers)),
        cell(t('studio.a.peak'), String(a.peakViewers)),
        cell(t('studio.a.chat'), String(a.chatMessages)),
        cell('+1', String(a.plusOnes)),
        cell(t('studio.orders'), String(a.orders)),
        cell(t('studio.a.paid'), formatFen(a.paidGmvFen)),
        cell(t('studio.a.conversion'), `${Math.floor(a.conversionBp / 100)}.${String(a.conversionBp % 100).padStart(2, '0')}%`),
      );
    };
    void loadAnalytics();
    const analyticsTimer = setInterval(() => void loadAnalytics(), 10_000);
    ctx.onLeave(() => clearInterval(analyticsTimer));
    // "+1" reservations from buyers in chat (server/commerce/live/commands/plusOne.ts), newest first.
    const plusOnes = h('ol', { class: 'chat', 'data-testid': 'studio-plus-ones' });
    socket.on('plusone:queued', (e: { orderId: string; buyerTail: string; at: string }) => {
      plusOnes.prepend(h('li', { 'data-order-id': e.orderId }, `+1 · ****${e.buyerTail} · ${formatDateTime(e.at)}`));
      while (plusOnes.children.length > 50) plusOnes.lastElementChild?.remove();
    });

    const flash = flashSaleStartForm(
      sessionId,
      {
        onSale: (fn) => socket.on('flash:sale', (e: { sale: FlashSale | null }) => fn(e.sale)),
        onReconnect: (fn) => socket.io.on('reconnect', fn),
      },
      () => pinnedId,
    );
    ctx.onLeave(() => flash.stop());

    const viewerUrl = `${location.origin}/live/${sessionId}`;
    return page(
      `${t('studio.title')} · ${joined.session.title}`,
      'studio-page',
      h(
        'p',
        null,
        status,
        ' ',
        formatDateTime(joined.session.startsAt),
        ' – ',
        formatDateTime(joined.session.endsAt),
        ' · ',
        t('studio.viewerLink'),
        ': ',
        h('a', { href: viewerUrl, target: '_blank' }, viewerUrl),
      ),
      message,
      h(
        'div',
        { class: 'live-layout' },
        card(t('studio.preview'), preview, h('div', { class: 'actions' }, goLive, end)),
        h(
          'div',
          null,
          card(
            t('studio.sales'),
            h(
              'div',
              { class: 'figures' },
              h(
                'div',
                { class: 'figure' },
                h('div', { class: 'figure-value' }, viewers),
                h('div', { class: 'figure-label' }, t('studio.viewers')),
              ),
              h(
                'div',
                { class: 'figure' },
                h('div', { class: 'figure-value' }, orders),
                h('div', { class: 'figure-label' }, t('studio.orders')),
              ),
              h(
                'div',
                { class: 'figure' },
                h('div', { class: 'figure-value' }, amount),
                h('div', { class: 'figure-label' }, t('studio.amount')),
              ),
            ),
          ),
          card(t('studio.shelf'), shelf),
          card(t('flash.startTitle'), flash.element),
          recording.element,
          ingestCard(sessionId),
          card(t('studio.plusOnes'), plusOnes),
          card(t('studio.analytics'), analytics),
          card(t('studio.chat'), chatList),
        ),
      ),
    );
  },
});
