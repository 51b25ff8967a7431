/** HLS playback for the replay and the live fallback: hls.js where MSE exists, the browser's own HLS (iOS) otherwise. */
export interface HlsPlayback {
  engine: 'hls.js' | 'native';
  destroy(): void;
}

export async function playHls(video: HTMLVideoElement, url: string, options: { live: boolean }): Promise<HlsPlayback> {
  const { default: Hls } = await import('hls.js');
  if (Hls.isSupported()) {
    // Live: stay ~3 segments behind the edge (1-second segments), catch up when drifting further.
    const hls = new Hls(
      options.live ? { liveSyncDurationCount: 3, liveMaxLatencyDurationCount: 8, maxLiveSyncPlaybackRate: 1.2, lowLatencyMode: true } : {},
    );
    hls.loadSource(url);
    hls.attachMedia(video);
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
      else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
    });
    return { engine: 'hls.js', destroy: () => hls.destroy() };
  }
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = url;
    return { engine: 'native', destroy: () => video.removeAttribute('src') };
  }
  throw new Error('This browser cannot play HLS');
}
