/** The studio's OBS / encoder card: RTMP and WHIP addresses and the session's stream key (host only), with rotation. */
import { h, replace } from '../lib/dom.ts';
import { registerMessages, t } from '../lib/i18n.ts';
import { api, type Res } from '../lib/api.ts';
import { card } from '../lib/ui.ts';
import { errorText } from '../lib/errors.ts';

registerMessages({
  'zh-CN': {
    'ingest.title': '推流（OBS / 直播伴侣 / 编码器）',
    'ingest.server': '服务器',
    'ingest.key': '串流密钥',
    'ingest.show': '显示',
    'ingest.hide': '隐藏',
    'ingest.rotate': '更换密钥',
    'ingest.rotated': '已更换：旧密钥立即失效，正在推流的编码器会被断开',
    'ingest.off': '本服务器未开启 RTMP 推流',
    'ingest.hint': '在 OBS 中选择“自定义”服务，填入服务器和串流密钥；密钥请勿外传。',
    'ingest.whip': 'WHIP 地址（OBS 30 及以上）',
    'ingest.whipOff': '本服务器未开启 WHIP 推流（缺少视频转发）',
    'ingest.whipHint':
      'OBS 30+：设置 → 直播 → 服务选“WHIP”，服务器填 WHIP 地址，Bearer 令牌填串流密钥。画面直接进入直播，无需转码，延迟更低。',
  },
  en: {
    'ingest.title': 'Push from OBS or an encoder',
    'ingest.server': 'Server',
    'ingest.key': 'Stream key',
    'ingest.show': 'Show',
    'ingest.hide': 'Hide',
    'ingest.rotate': 'New key',
    'ingest.rotated': 'Replaced: the old key stops working now and a running encoder is disconnected',
    'ingest.off': 'RTMP ingest is off on this server',
    'ingest.hint': 'In OBS choose the “Custom” service and enter the server and stream key; keep the key private.',
    'ingest.whip': 'WHIP URL (OBS 30 and later)',
    'ingest.whipOff': 'WHIP ingest is off on this server (no video relay)',
    'ingest.whipHint':
      'OBS 30+: Settings → Stream → Service “WHIP”, Server the WHIP URL, Bearer Token the stream key. The picture goes live without transcoding, with less delay.',
  },
});

type IngestInfo = Res<'/sessions/{id}/ingest'>;

export function ingestCard(sessionId: string): HTMLElement {
  const body = h('div', { 'data-testid': 'studio-ingest' });
  const status = h('p', { class: 'form-status', role: 'status' });
  let visible = false;
  const render = (info: IngestInfo) => {
    const key = h('code', { 'data-testid': 'studio-stream-key', 'data-key': info.streamKey }, visible ? info.streamKey : '••••••••••••');
    replace(
      body,
      info.rtmpUrl
        ? h('p', null, t('ingest.server'), ': ', h('code', { 'data-testid': 'studio-rtmp-url' }, info.rtmpUrl))
        : h('p', { class: 'muted' }, t('ingest.off')),
      h(
        'p',
        null,
        t('ingest.key'),
        ': ',
        key,
        ' ',
        h(
          'button',
          {
            class: 'link',
            onclick: () => {
              visible = !visible;
              render(info);
            },
          },
          visible ? t('ingest.hide') : t('ingest.show'),
        ),
        ' ',
        h(
          'button',
          {
            'data-testid': 'studio-rotate-key',
            onclick: async () => {
              try {
                const next = await api.post<'/sessions/{id}/ingest/rotate'>(`/sessions/${sessionId}/ingest/rotate`, {});
                status.textContent = t('ingest.rotated');
                status.className = 'form-status ok';
                render(next);
              } catch (err) {
                status.textContent = errorText(err);
                status.className = 'form-status bad';
              }
            },
          },
          t('ingest.rotate'),
        ),
      ),
      h('p', { class: 'muted' }, t('ingest.hint')),
      info.whipUrl
        ? h('p', null, t('ingest.whip'), ': ', h('code', { 'data-testid': 'studio-whip-url', class: 'wrap' }, info.whipUrl))
        : h('p', { class: 'muted' }, t('ingest.whipOff')),
      info.whipUrl ? h('p', { class: 'muted' }, t('ingest.whipHint')) : null,
      status,
    );
  };
  void api.get<'/sessions/{id}/ingest'>(`/sessions/${sessionId}/ingest`).then(render, (err: unknown) => {
    status.textContent = errorText(err);
    body.append(status);
  });
  return card(t('ingest.title'), body);
}
