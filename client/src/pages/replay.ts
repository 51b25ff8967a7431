import './live.css';
import { h } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatDateTime, formatFen, registerMessages, t } from '../lib/i18n.ts';
import { api, ApiError, type Res } from '../lib/api.ts';
import { currentSession } from '../lib/session.ts';
import { playHls, type HlsPlayback } from './hlsPlayer.ts';
import { errorText } from '../lib/errors.ts';

registerMessages({
  'zh-CN': {
    'replay.title': '直播回放',
    'replay.chapters': '商品讲解',
    'replay.shelf': '本场商品',
    'replay.buy': '立即购买',
    'replay.bought': '下单成功：{amount}',
    'replay.soldOut': '已售罄',
    'replay.clip': '讲解片段 {d}',
    'replay.size': '录像 {size}，时长 {d}',
    'replay.status.none': '本场没有录像',
    'replay.status.recording': '直播进行中，结束后可看回放',
    'replay.status.processing': '回放正在生成，请稍候…',
    'replay.status.failed': '录像失败：{error}',
    'replay.watchLive': '进入直播间',
    'replay.noChapters': '本场没有置顶讲解的商品',
    'replay.quantity': '数量',
  },
  en: {
    'replay.title': 'Replay',
    'replay.chapters': 'Product chapters',
    'replay.shelf': 'Products in this session',
    'replay.buy': 'Buy now',
    'replay.bought': 'Ordered: {amount}',
    'replay.soldOut': 'Sold out',
    'replay.clip': 'Explanation clip {d}',
    'replay.size': 'Recording {size}, {d} long',
    'replay.status.none': 'This session has no recording',
    'replay.status.recording': 'The session is live; the replay follows when it ends',
    'replay.status.processing': 'The replay is being prepared…',
    'replay.status.failed': 'The recording failed: {error}',
    'replay.watchLive': 'Watch live',
    'replay.noChapters': 'No product was pinned in this session',
    'replay.quantity': 'Quantity',
  },
});

export type SessionMedia = Res<'/public/sessions/{id}/media'>;

/** m:ss (or h:mm:ss) for media times. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

registerPage({
  path: '/replay/:sessionId',
  titleKey: 'replay.title',
  access: 'public',
  layout: 'bare',
  render: async (ctx) => {
    const sessionId = ctx.params.sessionId!;
    const info = await api.get<'/public/sessions/{id}/replay'>(`/public/sessions/${sessionId}/replay`);
    const { media, session, shelf } = info;
    let playback: HlsPlayback | null = null;
    ctx.onLeave(() => playback?.destroy());

    const video = h('video', {
      controls: true,
      playsInline: true,
      muted: true,
      class: 'live-video',
      'data-testid': 'replay-video',
      preload: 'metadata',
    });
    video.muted = true;
    const notice = h('p', { class: 'notice', 'data-testid': 'replay-status', 'data-status': media.replay.status });
    const names = new Map(shelf.map((p) => [p.id, p.name]));
    const seek = (s: number) => {
      video.currentTime = s;
      void video.play().catch(() => undefined);
    };

    if (media.replay.status === 'ready' && (media.replay.hls || media.replay.mp4)) {
      // The MP4 plays anywhere with H.264; HLS (hls.js or native) is the same recording in segments for CDNs.
      if (media.replay.mp4 && video.canPlayType('video/mp4; codecs="avc1.4d401f, mp4a.40.2"')) video.src = media.replay.mp4;
      else if (media.replay.hls) playback = await playHls(video, media.replay.hls, { live: false }).catch(() => null);
      notice.textContent = t('replay.size', { size: formatBytes(media.replay.bytes), d: clock(media.replay.durationS ?? 0) });
    } else {
      notice.textContent = t(`replay.status.${media.replay.status}`, { error: media.replay.error ?? '' });
    }

    const chapters = media.replay.chapters.length
      ? h(
          'ol',
          { class: 'chapters', 'data-testid': 'replay-chapters' },
          media.replay.chapters.map((c) =>
            h(
              'li',
              null,
              h(
                'button',
                { class: 'link', 'data-testid': `chapter-${c.productId}`, 'data-start': String(c.startS), onclick: () => seek(c.startS) },
                `${clock(c.startS)}–${clock(c.endS)} `,
                names.get(c.productId) ?? c.productId,
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, t('replay.noChapters'));

    const shelfCards = shelf.map((product) => {
      const status = h('p', { class: 'form-status', role: 'status' });
      const quantity = h('input', { type: 'number', min: '1', max: '99', value: '1', name: 'quantity' });
      const buy = h(
        'button',
        { class: 'primary', 'data-testid': `replay-buy-${product.id}`, disabled: product.stock <= 0 },
        product.stock > 0 ? t('replay.buy') : t('replay.soldOut'),
      );
      buy.addEventListener('click', async () => {
        if (!currentSession()) return ctx.navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
        buy.disabled = true;
        status.className = 'form-status';
        const key = newIdempotencyKey();
        const body = { productId: product.id, quantity: Number(quantity.value) || 1 };
        try {
          let order: { amountFen: number };
          try {
            order = await api.post<'/orders'>('/orders', body, { 'Idempotency-Key': key });
          } catch (err) {
            if (err instanceof ApiError) throw err;
            order = await api.post<'/orders'>('/orders', body, { 'Idempotency-Key': key });
          }
          status.textContent = t('replay.bought', { amount: formatFen(order.amountFen) });
          status.classList.add('ok');
        } catch (err) {
          status.textContent = errorText(err);
          status.classList.add('bad');
        } finally {
          buy.disabled = false;
        }
      });
      const clips = media.replay.clips.filter((c) => c.productId === product.id);
      return h(
        'div',
        { class: 'card product-card', 'data-testid': `replay-product-${product.id}` },
        h('h3', null, product.name),
        h('p', { class: 'price' }, formatFen(product.priceFen)),
        clips.map((c) =>
          h(
            'figure',
            { class: 'clip' },
            h('video', {
              controls: true,
              playsInline: true,
              preload: 'none',
              src: c.url,
              class: 'clip-video',
              'data-testid': `clip-${product.id}`,
              'data-duration': String(c.durationS),
            }),
            h(
              'figcaption',
              null,
              t('replay.clip', { d: clock(c.durationS) }),
              ' ',
              h('button', { class: 'link', onclick: () => seek(c.startS) }, '▶'),
              ' ',
            ),
          ),
        ),
        h('div', { class: 'actions' }, h('label', null, t('replay.quantity'), ' ', quantity), buy),
        status,
      );
    });

    const root = h(
      'div',
      { class: 'page live-viewer', 'data-testid': 'replay-page' },
      h('h1', null, session.title),
      h(
        'p',
        { class: 'muted' },
        formatDateTime(session.startedAt ?? session.startsAt),
        ' – ',
        formatDateTime(session.endedAt ?? session.endsAt),
        session.status === 'live' ? h('span', null, ' · ', h('a', { href: `/live/${sessionId}` }, t('replay.watchLive'))) : null,
      ),
      notice,
      h(
        'div',
        { class: 'live-layout' },
        h('div', null, video, h('section', { class: 'card' }, h('h2', null, t('replay.chapters')), chapters)),
        h('div', null, h('h2', null, t('replay.shelf')), ...shelfCards),
      ),
    );
    return root;
  },
});
