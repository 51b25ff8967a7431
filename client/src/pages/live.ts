import { h, replace } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatFen, registerMessages, t } from '../lib/i18n.ts';
import { errorText } from '../lib/errors.ts';
import { api, ApiError } from '../lib/api.ts';
import { currentSession } from '../lib/session.ts';
import { ask, connectLive, subscribe, type ChatMessage, type JoinReply, type PinnedProduct } from './liveClient.ts';
import { watchLiveHls, webRtcAvailable, type LiveMode } from './liveFallback.ts';
import { checkoutPanel, type CheckoutOrder } from './buyer.ts';
import { flashSaleCard, type FlashSale } from './flashSale.ts';
import { clock } from './replay.ts';

registerMessages({
  'zh-CN': {
    'live.title': '直播',
    'live.viewers': '{n} 人在看',
    'live.buy': '立即购买',
    'live.bought': '下单成功：{amount}',
    'live.unmute': '开启声音',
    'live.chatPlaceholder': '说点什么…',
    'live.send': '发送',
    'live.signInToChat': '登录后可以发弹幕和购买',
    'live.signIn': '登录',
    'live.waiting': '主播还没有开播，请稍候…',
    'live.ended': '本场直播已结束',
    'live.noPinned': '主播讲解的商品会显示在这里',
    'live.quantity': '数量',
    'live.stock': '剩余 {n}',
    'live.soldOut': '已售罄',
    'live.muted': '你已被主播禁言',
    'live.mode.webrtc': '实时画面',
    'live.mode.hls': '流畅模式（延迟几秒）',
    'live.mode.connecting': '连接中…',
    'live.replay': '观看回放',
    'live.remind': '预约开播提醒',
    'live.reminded': '已预约，开播时提醒你',
    'live.quality': '画质',
    'live.quality.auto': '自动',
    'live.quality.2': '高清',
    'live.quality.1': '标清',
    'live.quality.0': '流畅',
    'live.quality.current': '当前：{q}',
    'live.quality.autoNow': '自动（{q}）',
    'live.quality.none': '—',
    'live.shelf': '本场商品',
    'live.clip': '讲解回放 {d}',
    'live.noClip': '讲解后可回看',
  },
  en: {
    'live.title': 'Live',
    'live.viewers': '{n} watching',
    'live.buy': 'Buy now',
    'live.bought': 'Ordered: {amount}',
    'live.unmute': 'Turn sound on',
    'live.chatPlaceholder': 'Say something…',
    'live.send': 'Send',
    'live.signInToChat': 'Sign in to chat and buy',
    'live.signIn': 'Sign in',
    'live.waiting': 'The host is not live yet; please wait…',
    'live.ended': 'This live session has ended',
    'live.noPinned': 'The product the host presents shows here',
    'live.quantity': 'Quantity',
    'live.stock': '{n} left',
    'live.soldOut': 'Sold out',
    'live.muted': 'The host muted you',
    'live.mode.webrtc': 'Real time (WebRTC)',
    'live.mode.hls': 'Crowd mode (HLS, a few seconds behind)',
    'live.mode.connecting': 'Connecting…',
    'live.replay': 'Watch the replay',
    'live.remind': 'Remind me when it starts',
    'live.reminded': 'We will tell you when it goes live',
    'live.quality': 'Quality',
    'live.quality.auto': 'Auto',
    'live.quality.2': 'HD',
    'live.quality.1': 'SD',
    'live.quality.0': 'Smooth',
    'live.quality.current': 'Now: {q}',
    'live.quality.autoNow': 'Auto ({q})',
    'live.quality.none': '—',
    'live.shelf': 'Products in this session',
    'live.clip': 'Explanation replay {d}',
    'live.noClip': 'Replay after the host presents it',
  },
});

/** A fresh key per purchase; retries of that purchase reuse it so the hub sells once. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

registerPage({
  path: '/live/:sessionId',
  titleKey: 'live.title',
  access: 'public',
  layout: 'bare',
  render: async (ctx) => {
    const sessionId = ctx.params.sessionId!;
    const signedIn = Boolean(currentSession());
    const socket = connectLive(sessionId);
    let receiving: Awaited<ReturnType<typeof subscribe>> | null = null;
    let hlsWatch: ReturnType<typeof watchLiveHls> | null = null;
    const statsTimer = setInterval(async () => {
      if (!receiving) return;
      const bytes = await receiving.bytesReceived().catch(() => null);
      if (bytes === null) return;
      stats.dataset.bytes = String(bytes);
      // Only a data attribute (tests and support read it); viewers see no byte counter.
    }, 1000);
    ctx.onLeave(() => {
      clearInterval(statsTimer);
      receiving?.close();
      hlsWatch?.stop();
      socket.disconnect();
    });

    const video = h('video', { autoplay: true, muted: true, playsInline: true, class: 'live-video', 'data-testid': 'live-video' });
    // Browsers only autoplay muted video; sound comes on with the viewer's tap.
    video.muted = true;
    const unmute = h(
      'button',
      {
        class: 'primary',
        'data-testid': 'live-unmute',
        onclick: () => {
          video.muted = false;
          void video.play();
          unmute.remove();
        },
      },
      t('live.unmute'),
    );
    const notice = h('p', { class: 'notice', 'data-testid': 'live-notice' });
    const viewers = h('span', { 'data-testid': 'live-viewers', 'data-count': '0' });
    const stats = h('small', { class: 'muted', 'data-testid': 'live-stats', 'data-bytes': '0', hidden: true });
    const mode = h('span', { class: 'live-mode', 'data-testid': 'live-mode', 'data-mode': 'connecting' }, t('live.mode.connecting'));
    const setMode = (m: LiveMode) => {
      mode.dataset.mode = m;
      mode.textContent = t(`live.mode.${m}`);
    };
    // Simulcast: the layer the hub forwards now (its 'layerschange'), and the viewer's own choice.
    const quality = h(
      'span',
      { class: 'live-quality', 'data-testid': 'live-quality', 'data-spatial-layer': '' },
      t('live.quality.current', { q: t('live.quality.none') }),
    );
    const showLayer = (spatialLayer: number | null) => {
      quality.dataset.spatialLayer = spatialLayer === null ? '' : String(spatialLayer);
      quality.textContent = t('live.quality.current', {
        q: spatialLayer === null ? t('live.quality.none') : t(`live.quality.${spatialLayer}`),
      });
    };
    const qualityChoice = h(
      'select',
      { name: 'quality', 'aria-label': t('live.quality'), 'data-testid': 'live-quality-choice', disabled: true },
      h('option', { value: 'auto' }, t('live.quality.auto')),
      ...[2, 1, 0].map((layer) => h('option', { value: String(layer) }, t(`live.quality.${layer}`))),
    );
    qualityChoice.addEventListener('change', async () => {
      const layer = qualityChoice.value === 'auto' ? null : Number(qualityChoice.value);
      try {
        await receiving?.setPreferredLayer(layer);
        qualityChoice.dataset.applied = qualityChoice.value;
      } catch (err) {
        chatStatus.textContent = errorText(err);
      }
    });
    const productCard = h('div', { class: 'card product-card', 'data-testid': 'live-pinned' });
    // Each product's explanation clips (讲解片段), cut as each pinned stretch ends: on its card and on the shelf.
    const clips = new Map<string, { url: string; durationS: number }[]>();
    const clipFigure = (productId: string, testId: string) => {
      const latest = clips.get(productId)?.at(-1);
      return latest
        ? h(
            'figure',
            { class: 'clip' },
            h('video', {
              controls: true,
              playsInline: true,
              muted: true,
              preload: 'metadata',
              src: latest.url,
              class: 'clip-video',
              'data-testid': testId,
              'data-duration': String(latest.durationS),
            }),
            h('figcaption', null, t('live.clip', { d: clock(latest.durationS) })),
          )
        : null;
    };
    const shelfList = h('ul', { class: 'live-shelf', 'data-testid': 'live-shelf' });
    let shelfProducts: PinnedProduct[] = [];
    const renderShelf = () => {
      replace(
        shelfList,
        ...shelfProducts.map((p) =>
          h(
            'li',
            { 'data-testid': `live-shelf-${p.id}` },
            h('strong', null, p.name),
            h('span', { class: 'price' }, formatFen(p.priceFen)),
            clipFigure(p.id, `live-shelf-clip-${p.id}`) ?? h('small', { class: 'muted', style: 'display:block' }, t('live.noClip')),
          ),
        ),
      );
    };
    const addClip = (clip: { productId: string; url: string; durationS: number }) => {
      const list = clips.get(clip.productId) ?? [];
      if (list.some((c) => c.url === clip.url)) return;
      clips.set(clip.productId, [...list, clip]);
      renderShelf();
      if (pinned?.id === clip.productId) renderProduct();
    };
    const chatList = h('ul', { class: 'chat', 'data-testid': 'live-chat' });
    const chatStatus = h('p', { class: 'form-status', 'data-testid': 'live-chat-status' });
    const orderStatus = h('p', { class: 'form-status', role: 'status', 'data-testid': 'live-order-status' });

    const setViewers = (n: number) => {
      viewers.dataset.count = String(n);
      viewers.textContent = t('live.viewers', { n });
    };
    const addChat = (m: ChatMessage) => {
      chatList.append(
        h('li', { 'data-message-id': m.id }, h('span', { class: 'chat-user' }, m.username), ' ', h('span', { class: 'chat-text' }, m.text)),
      );
      while (chatList.children.length > 100) chatList.firstElementChild?.remove();
      chatList.scrollTop = chatList.scrollHeight;
    };

    const checkoutSlot = h('div', { 'data-testid': 'live-checkout' });
    const openCheckout = async (options: Parameters<typeof checkoutPanel>[0]) => {
      replace(checkoutSlot, await checkoutPanel(options));
      checkoutSlot.scrollIntoView({ block: 'start' });
    };
    let pinned: PinnedProduct | null = null;
    // 限时秒杀 for the pinned product: buyers choose delivery and payment in the same checkout panel.
    const flash = flashSaleCard(
      sessionId,
      {
        onSale: (fn) => socket.on('flash:sale', (e: { sale: FlashSale | null }) => fn(e.sale)),
        onReconnect: (fn) => socket.io.on('reconnect', fn),
      },
      () => pinned?.id ?? null,
      (quantity) => {
        if (currentSession()?.user.role !== 'buyer') return ctx.navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
        void openCheckout({ flashSale: true, sessionId, quantity }).catch((err) => {
          orderStatus.textContent = errorText(err);
        });
      },
    );
    ctx.onLeave(() => flash.stop());
    const renderProduct = () => {
      if (!pinned) {
        productCard.dataset.productId = '';
        replace(productCard, h('p', { class: 'empty' }, t('live.noPinned')));
        return;
      }
      const product = pinned;
      productCard.dataset.productId = product.id;
      const quantity = h('input', { type: 'number', min: '1', max: '99', value: '1', name: 'quantity', 'data-testid': 'live-quantity' });
      const buy = h(
        'button',
        { class: 'primary', 'data-testid': 'live-buy', disabled: product.stock <= 0 },
        product.stock > 0 ? t('live.buy') : t('live.soldOut'),
      );
      buy.addEventListener('click', async () => {
        if (!currentSession()) return ctx.navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
        // Buyers choose delivery and payment first (pages/buyer.ts).
        if (currentSession()?.user.role === 'buyer')
          return openCheckout({ productId: product.id, quantity: Number(quantity.value) || 1, sessionId });
        buy.disabled = true;
        orderStatus.className = 'form-status';
        const key = newIdempotencyKey();
        const body = { productId: product.id, quantity: Number(quantity.value) || 1, sessionId };
        try {
          let order: { amountFen: number };
          try {
            order = await api.post<'/orders'>('/orders', body, { 'Idempotency-Key': key });
          } catch (err) {
            // A lost response is retried once with the same key: the hub answers with the same order.
            if (err instanceof ApiError) throw err;
            order = await api.post<'/orders'>('/orders', body, { 'Idempotency-Key': key });
          }
          orderStatus.textContent = t('live.bought', { amount: formatFen(order.amountFen) });
          orderStatus.classList.add('ok');
        } catch (err) {
          orderStatus.textContent = errorText(err);
          orderStatus.classList.add('bad');
        } finally {
          buy.disabled = false;
        }
      });
      replace(
        productCard,
        h('h3', { 'data-testid': 'live-pinned-name' }, product.name),
        h('p', { class: 'price', 'data-testid': 'live-pinned-price' }, formatFen(product.priceFen)),
        h('p', { class: 'muted', 'data-testid': 'live-pinned-stock' }, t('live.stock', { n: product.stock })),
        clipFigure(product.id, 'live-pinned-clip'),
        h('div', { class: 'actions' }, h('label', null, t('live.quantity'), ' ', quantity), buy),
        orderStatus,
      );
    };

    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const joined = await ask<JoinReply>(socket, 'session:join', { sessionId, role: 'viewer' });
    pinned = joined.pinned;
    shelfProducts = joined.shelf ?? [];
    renderProduct();
    renderShelf();
    socket.on('media:clip', (clip: { productId: string; url: string; durationS: number }) => addClip(clip));
    void api.get<'/public/sessions/{id}/media'>(`/public/sessions/${sessionId}/media`).then(
      (m) => m.replay.clips.forEach(addClip),
      () => undefined,
    );
    setViewers(joined.viewers);
    joined.chat.forEach(addChat);
    const showStatus = (status: string) => {
      notice.textContent = status === 'live' ? '' : status === 'scheduled' ? t('live.waiting') : t('live.ended');
      notice.dataset.status = status;
    };
    showStatus(joined.session.status);
    // 预约: a signed-in viewer of a scheduled session is told in-app when it goes live.
    const remind =
      signedIn && joined.session.status === 'scheduled'
        ? h(
            'button',
            {
              'data-testid': 'live-remind',
              onclick: async () => {
                try {
                  await api.post(`/sessions/${sessionId}/reminder`);
                  remind!.textContent = t('live.reminded');
                  remind!.setAttribute('disabled', '');
                } catch (err) {
                  chatStatus.textContent = errorText(err);
                }
              },
            },
            t('live.remind'),
          )
        : null;
    socket.on('notification', (n: { kind?: string; sessionId?: string; message?: string }) => {
      if (n.kind === 'session.live' && n.sessionId === sessionId) notice.textContent = n.message ?? '';
    });
    // WebRTC first; HLS when the browser has no WebRTC, the hub has no SFU, or the SFU refuses (full).
    const fallBackToHls = () => {
      if (hlsWatch || joined.session.status === 'ended') return;
      setMode('hls');
      hlsWatch = watchLiveHls(sessionId, video);
    };
    if (joined.media.available && joined.media.routerRtpCapabilities && webRtcAvailable()) {
      try {
        receiving = await subscribe(
          socket,
          joined.media.routerRtpCapabilities,
          (stream) => {
            if (video.srcObject !== stream) video.srcObject = stream;
            void video.play().catch(() => undefined);
          },
          (layers) => showLayer(layers.spatialLayer),
        );
        setMode('webrtc');
        qualityChoice.disabled = false;
      } catch {
        fallBackToHls();
      }
    } else {
      fallBackToHls();
    }

    socket.on('viewers', (v: { count: number }) => setViewers(v.count));
    socket.on('product:pinned', (e: { product: PinnedProduct | null }) => {
      pinned = e.product;
      renderProduct();
      void flash.reload();
    });
    socket.on('product:stock', (e: { productId: string; stock: number }) => {
      if (pinned?.id !== e.productId) return;
      pinned = { ...pinned, stock: e.stock };
      const stock = productCard.querySelector('[data-testid="live-pinned-stock"]');
      if (stock) stock.textContent = t('live.stock', { n: e.stock });
    });
    socket.on('chat:message', addChat);
    // A "+1" in chat reserved one: its checkout opens here.
    socket.on('checkout:open', (e: { order: CheckoutOrder }) => void openCheckout({ reservation: e.order }));
    socket.on('checkout:refused', (e: { message: string }) => {
      chatStatus.textContent = e.message;
    });
    socket.on('chat:removed', (e: { messageId: string }) =>
      chatList.querySelector(`[data-message-id="${CSS.escape(e.messageId)}"]`)?.remove(),
    );
    socket.on('chat:muted', (e: { muted: boolean }) => {
      chatStatus.textContent = e.muted ? t('live.muted') : '';
    });
    socket.on('session:status', (e: { status: string }) => {
      showStatus(e.status);
      if (e.status === 'ended') {
        receiving?.close();
        receiving = null;
        hlsWatch?.stop();
        hlsWatch = null;
      }
    });

    const chatInput = h('input', {
      name: 'text',
      maxlength: '200',
      placeholder: t('live.chatPlaceholder'),
      'data-testid': 'live-chat-input',
    });
    const chatForm = signedIn
      ? h(
          'form',
          {
            class: 'chat-form',
            onsubmit: async (e: Event) => {
              e.preventDefault();
              const text = chatInput.value;
              if (!text.trim()) return;
              try {
                await ask(socket, 'chat:send', { text });
                chatInput.value = '';
                chatStatus.textContent = '';
              } catch (err) {
                chatStatus.textContent = errorText(err);
              }
            },
          },
          chatInput,
          h('button', { type: 'submit', 'data-testid': 'live-chat-send' }, t('live.send')),
        )
      : h(
          'p',
          null,
          t('live.signInToChat'),
          ' ',
          h('a', { href: `/login?next=${encodeURIComponent(location.pathname)}` }, t('live.signIn')),
          ' · ',
          h('a', { href: `/signup?next=${encodeURIComponent(location.pathname)}`, 'data-testid': 'live-signup' }, t('buyer.signup')),
        );

    return h(
      'div',
      { class: 'page live-viewer', 'data-testid': 'live-page' },
      h('h1', null, joined.session.title, ' ', viewers),
      notice,
      remind,
      h(
        'div',
        { class: 'live-layout' },
        h(
          'div',
          null,
          video,
          h(
            'div',
            { class: 'actions' },
            unmute,
            mode,
            quality,
            h('label', null, t('live.quality'), ' ', qualityChoice),
            stats,
            h('a', { href: `/replay/${sessionId}`, 'data-testid': 'live-replay-link' }, t('live.replay')),
          ),
        ),
        h(
          'div',
          null,
          productCard,
          flash.card,
          checkoutSlot,
          h('section', { class: 'card' }, chatList, chatForm, chatStatus),
          h('section', { class: 'card' }, h('h2', null, t('live.shelf')), shelfList),
        ),
      ),
    );
  },
});
