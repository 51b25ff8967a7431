/** The viewer's second way in: the session's live HLS when WebRTC is missing, refused (SFU full) or asked off (?mode=hls). */
import { api } from '../lib/api.ts';
import { playHls, type HlsPlayback } from './hlsPlayer.ts';

export type LiveMode = 'webrtc' | 'hls' | 'connecting';

export function webRtcAvailable(): boolean {
  return typeof RTCPeerConnection === 'function' && new URLSearchParams(location.search).get('mode') !== 'hls';
}

/** Waits for the live playlist (the recorder writes its first segments a few seconds after the host starts), then plays it. */
export function watchLiveHls(sessionId: string, video: HTMLVideoElement): { stop(): void; ready: Promise<HlsPlayback | null> } {
  let stopped = false;
  let playback: HlsPlayback | null = null;
  const ready = (async () => {
    while (!stopped) {
      const media = await api.get<'/public/sessions/{id}/media'>(`/public/sessions/${sessionId}/media`).catch(() => null);
      if (media?.live.hls) {
        playback = await playHls(video, media.live.hls, { live: true });
        void video.play().catch(() => undefined);
        return playback;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    return null;
  })();
  return {
    ready,
    stop: () => {
      stopped = true;
      playback?.destroy();
    },
  };
}
