import { expect } from 'chai';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { api } from '../support/testHub.ts';
import { bookSession, expectStatus, getLiveHub, liveWorld } from '../live/liveSupport.ts';
import { probeDuration } from '../../server/live/media/ffmpeg.ts';
import { sessionMediaDir } from '../../server/live/media/recordingStore.ts';
import type { Recorder } from '../../server/live/media/recorder.ts';
import type { MediaPool } from '../../server/live/media/mediaPool.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The midpoint of a request: the best local estimate of when the hub acted on it. */
async function timed<T>(fn: () => Promise<T>): Promise<{ at: number; result: T }> {
  const before = Date.now();
  const result = await fn();
  return { at: (before + Date.now()) / 2, result };
}

/**
 * A ~20-second live session from Chromium's fake camera, recorded by the hub's FFmpeg: the recording's
 * length matches what the test saw, each pinned stretch becomes a clip of its length, the replay plays,
 * and a viewer in HLS mode plays the live playlist through hls.js meanwhile.
 */
describe('recording, replay and live HLS (mediasoup + FFmpeg + Chromium)', function () {
  this.timeout(360_000);
  let browser: Browser;
  let baseUrl: string;
  const pageErrors: string[] = [];

  before(async () => {
    const hub = await getLiveHub();
    if (!hub.ctx.services.liveMedia)
      throw new Error('mediasoup did not start: set MEDIASOUP_WORKER_BIN or run scripts/build-mediasoup-worker.sh');
    baseUrl = hub.baseUrl;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  async function pageAs(username?: string, password?: string): Promise<Page> {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${username ?? 'anonymous'}: ${err.message}`));
    if (username && password) {
      await signIn(page, baseUrl, username, password);
      await page.waitForURL(/\/home/);
    }
    return page;
  }

  const media = async (sessionId: string) => expectStatus(await api('GET', `/api/v1/public/sessions/${sessionId}/media`), 200);

  it('records a session with two pins; the replay, its clips and the live HLS play in Chromium', async () => {
    const { ctx } = await getLiveHub();
    const world = await liveWorld({
      products: [
        { stock: 20, priceFen: 8800 },
        { stock: 20, priceFen: 16800 },
      ],
    });
    const [cup, vase] = world.products as [{ id: string; name: string }, { id: string; name: string }];
    const session = await expectStatus(await bookSession(world), 201);
    expect((await media(session.id)).replay.status).to.equal('none');

    const host = await pageAs(world.cast.host.username, world.cast.host.password);
    await host.goto(`${baseUrl}/studio/${session.id}`);
    await host.waitForFunction(() => (document.querySelector('[data-testid=studio-preview]') as HTMLVideoElement | null)?.videoWidth! > 0);
    // The host's studio shows the session's stream key for OBS (the same the API gives its host).
    const key = await host.getByTestId('studio-stream-key').getAttribute('data-key');
    expect(key).to.equal(
      (await expectStatus(await api('GET', `/api/v1/sessions/${session.id}/ingest`, { token: world.cast.host.token }), 200)).streamKey,
    );
    await host.getByTestId('studio-go-live').click();
    await host.waitForSelector('[data-testid=studio-status][data-status=live]');
    // The session has media from the moment the hub holds both of the host's producers.
    const pool = ctx.services.liveMedia as MediaPool;
    const room = await pool.existingRoom(session.id)!;
    while (room.hostProducerList().length < 2) await pause(20);
    const mediaStarted = Date.now();
    // The studio shows that the session is being recorded (the recorder's recording:status reaches the host).
    await host.waitForSelector('[data-testid=studio-recording][data-status=recording]', { timeout: 30_000 });

    // A viewer forced into HLS mode watches the live playlist through hls.js.
    const viewer = await pageAs();
    await viewer.goto(`${baseUrl}/live/${session.id}?mode=hls`);
    await viewer.waitForSelector('[data-testid=live-mode][data-mode=hls]');
    await viewer.waitForFunction(
      () => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement | null)?.videoWidth! > 0,
      null,
      { timeout: 30_000 },
    );
    const liveTime = await viewer.evaluate(() => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement).currentTime);
    await viewer.waitForFunction(
      (t0) => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement).currentTime > t0 + 0.5,
      liveTime,
      { timeout: 15_000 },
    );
    const live = await media(session.id);
    expect(live.live.hls).to.match(/\/media\/.+\/live\/index\.m3u8$/);
    expect(live.replay.status).to.equal('recording');
    const playlist = await fetch(`${baseUrl}${live.live.hls}`);
    expect(playlist.headers.get('cache-control')).to.equal('public, max-age=1');
    const segment = (await playlist.text()).split('\n').find((l) => l.endsWith('.ts'))!;
    const segmentRes = await fetch(`${baseUrl}${path.posix.dirname(live.live.hls)}/${segment}`);
    expect(segmentRes.status).to.equal(200);
    expect(segmentRes.headers.get('cache-control')).to.include('immutable');
    await screenshot(viewer, 'media-live-hls-viewer');
    // The viewer stays: each pinned stretch's clip appears on its shelf and product card while still live.

    const pin = (productId: string | null) =>
      timed(async () =>
        expectStatus(await api('PUT', `/api/v1/sessions/${session.id}/pin`, { token: world.cast.host.token, body: { productId } }), 200),
      );
    await pause(Math.max(0, mediaStarted + 3000 - Date.now()));
    const cupPinned = await pin(cup.id);
    await pause(5000);
    const vasePinned = await pin(vase.id);
    // The cup's stretch ended: its explanation clip is cut from the running recording and pushed to viewers.
    await viewer.waitForSelector(`[data-testid=live-shelf-clip-${cup.id}]`, { timeout: 180_000 });
    await pause(Math.max(0, vasePinned.at + 4000 - Date.now()));
    const cupAgain = await pin(cup.id);
    // Pinned again, the cup's card carries its clip; the clip plays.
    await viewer.waitForSelector('[data-testid=live-pinned-clip]');
    await viewer.evaluate(() => void (document.querySelector('[data-testid=live-pinned-clip]') as HTMLVideoElement).play());
    await viewer.waitForFunction(
      () => (document.querySelector('[data-testid=live-pinned-clip]') as HTMLVideoElement).videoWidth > 0,
      null,
      { timeout: 20_000 },
    );
    const liveClip = (await media(session.id)).replay.clips.find((c: { productId: string }) => c.productId === cup.id);
    expect(liveClip.durationS, 'the live clip of the first stretch').to.be.closeTo((vasePinned.at - cupPinned.at) / 1000, 1);
    await screenshot(viewer, 'media-live-clip-card');
    await viewer.context().close();
    await pause(Math.max(0, cupAgain.at + 3000 - Date.now()));
    const unpinned = await pin(null);
    await pause(Math.max(0, mediaStarted + 20_000 - Date.now()));
    const ended = await timed(async () =>
      expectStatus(await api('POST', `/api/v1/sessions/${session.id}/end`, { token: world.cast.host.token }), 200),
    );
    await host.waitForSelector('[data-testid=studio-status][data-status=ended]');

    // The room closes as the end reaches this process; processing follows.
    let replay = (await media(session.id)).replay;
    for (let i = 0; i < 600 && (replay.status === 'recording' || replay.status === 'processing'); i += 1) {
      await (ctx.services.liveRecorder as Recorder).idle();
      await pause(100);
      replay = (await media(session.id)).replay;
    }
    expect(replay.status, replay.error ?? '').to.equal('ready');
    const sessionSeconds = (ended.at - mediaStarted) / 1000;
    const recorded = await probeDuration(ctx.config.HUB_FFPROBE_PATH, path.join(sessionMediaDir(ctx.config, session.id), 'recording.mp4'));
    expect(recorded, `recording ${recorded} s, session ${sessionSeconds} s`).to.be.closeTo(sessionSeconds, 1);
    expect(replay.durationS).to.be.closeTo(recorded!, 0.1);
    expect(replay.bytes).to.be.greaterThan(0);

    expect(replay.chapters.map((c: { productId: string }) => c.productId)).to.deep.equal([cup.id, vase.id, cup.id]);
    const stretches = [(vasePinned.at - cupPinned.at) / 1000, (cupAgain.at - vasePinned.at) / 1000, (unpinned.at - cupAgain.at) / 1000];
    expect(replay.clips.map((c: { productId: string }) => c.productId)).to.deep.equal([cup.id, vase.id, cup.id]);
    // The studio shows the finished recording and its size.
    await host.waitForSelector('[data-testid=studio-recording][data-status=ready]', { timeout: 30_000 });
    expect(Number(await host.getByTestId('studio-recording').getAttribute('data-bytes'))).to.equal(replay.bytes);
    await screenshot(host, 'media-studio-recording-ready');
    for (const [i, clip] of (replay.clips as { url: string; durationS: number }[]).entries()) {
      const file = path.join(sessionMediaDir(ctx.config, session.id), clip.url.split(`/${session.id}/`)[1]!);
      const clipSeconds = await probeDuration(ctx.config.HUB_FFPROBE_PATH, file);
      expect(clipSeconds, `clip ${i}`).to.be.closeTo(stretches[i]!, 1);
      expect(clip.durationS).to.be.closeTo(clipSeconds!, 0.1);
    }
    // Chapter starts sit where the pins happened in the session's own timeline.
    expect(replay.chapters[0].startS).to.be.closeTo((cupPinned.at - mediaStarted) / 1000, 1);

    // The replay page plays the recording; a chapter button seeks to the vase's explanation.
    const watcher = await pageAs();
    await watcher.setViewportSize({ width: 390, height: 844 });
    await watcher.goto(`${baseUrl}/replay/${session.id}`);
    await watcher.getByTestId('replay-page').waitFor();
    await watcher.getByTestId(`chapter-${vase.id}`).click();
    await watcher.waitForFunction(() => (document.querySelector('[data-testid=replay-video]') as HTMLVideoElement).videoWidth > 0, null, {
      timeout: 20_000,
    });
    const start = replay.chapters[1].startS as number;
    await watcher.waitForFunction(
      (s) => (document.querySelector('[data-testid=replay-video]') as HTMLVideoElement).currentTime > s + 0.5,
      start,
      { timeout: 20_000 },
    );
    expect(await watcher.getByTestId(`clip-${cup.id}`).count()).to.equal(2);
    expect(await watcher.getByTestId(`replay-buy-${vase.id}`).isVisible()).to.equal(true);
    await screenshot(watcher, 'media-replay-phone');
    const mp4 = await fetch(`${baseUrl}${replay.mp4}`, { method: 'HEAD' });
    expect(mp4.headers.get('cache-control')).to.match(/max-age=/);
    await watcher.context().close();
    await host.context().close();
    expect(pageErrors).to.deep.equal([]);
  });
});
