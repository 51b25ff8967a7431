/** The studio's recording card: whether the session is being recorded, its size, and the replay once ready. */
import { h, replace } from '../lib/dom.ts';
import { registerMessages, t } from '../lib/i18n.ts';
import { api } from '../lib/api.ts';
import { card } from '../lib/ui.ts';
import { clock, formatBytes } from './replay.ts';

registerMessages({
  'zh-CN': {
    'rec.title': '录像与回放',
    'rec.status.none': '尚未录像：开播后自动录制',
    'rec.status.recording': '录制中（已录 {size}）',
    'rec.status.processing': '直播已结束，正在生成回放和讲解片段…',
    'rec.status.ready': '回放已就绪：{size}，时长 {d}',
    'rec.status.failed': '录像失败：{error}',
    'rec.problem': '录像出现问题（直播不受影响）：{error}',
    'rec.clips': '已剪出讲解片段 {n} 段',
    'rec.open': '打开回放',
  },
  en: {
    'rec.title': 'Recording and replay',
    'rec.status.none': 'Not recorded yet: recording starts when you go live',
    'rec.status.recording': 'Recording ({size} so far)',
    'rec.status.processing': 'The session ended; the replay and clips are being prepared…',
    'rec.status.ready': 'Replay ready: {size}, {d} long',
    'rec.status.failed': 'The recording failed: {error}',
    'rec.problem': 'Recording problem (the live session is not affected): {error}',
    'rec.clips': '{n} explanation clips cut',
    'rec.open': 'Open the replay',
  },
});

/** Shows the session's recording status; `refresh()` re-reads it (the host's `recording:status` events call it). */
export function recordingCard(sessionId: string): { element: HTMLElement; refresh: () => Promise<void> } {
  const body = h('div', { 'data-testid': 'studio-recording', 'data-status': 'none' });
  const refresh = async () => {
    const media = await api.get<'/public/sessions/{id}/media'>(`/public/sessions/${sessionId}/media`).catch(() => null);
    if (!media) return;
    const { replay } = media;
    body.dataset.status = replay.status;
    body.dataset.bytes = String(replay.bytes);
    const size = formatBytes(replay.bytes);
    replace(
      body,
      h(
        'p',
        { 'data-testid': 'studio-recording-status' },
        t(`rec.status.${replay.status}`, { size, d: clock(replay.durationS ?? 0), error: replay.error ?? '' }),
      ),
      replay.status === 'recording' && replay.error
        ? h('p', { class: 'form-status bad' }, t('rec.problem', { error: replay.error }))
        : null,
      replay.clips.length ? h('p', { class: 'muted' }, t('rec.clips', { n: replay.clips.length })) : null,
      replay.status === 'ready'
        ? h('p', null, h('a', { href: `/replay/${sessionId}`, 'data-testid': 'studio-replay-link' }, t('rec.open')))
        : null,
    );
  };
  void refresh();
  return { element: card(t('rec.title'), body), refresh };
}
