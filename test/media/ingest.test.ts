import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser.ts';
import { api } from '../support/testHub.ts';
import { createUser, expectStatus, getLiveHub, liveSession, liveWorld } from '../live/liveSupport.ts';

// A port of its own, so parallel runs on one machine do not meet on 1935 (read when the hub starts).
process.env.HUB_RTMP_PORT ||= String(20000 + Math.floor(Math.random() * 9000));

/** `ffmpeg -re -f lavfi -i testsrc…` pushing RTMP, as OBS would. */
function push(url: string, seconds: number): ChildProcess {
  return spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=640x360:rate=24',
      '-re',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440',
      '-t',
      String(seconds),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      '24',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-f',
      'flv',
      url,
    ],
    { stdio: 'ignore' },
  );
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('close', (code) => resolve(code));
  });

describe('RTMP ingest with a per-session stream key (node-media-server, FFmpeg, mediasoup, Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  const children: ChildProcess[] = [];

  before(async () => {
    const hub = await getLiveHub();
    if (!hub.ctx.services.liveMedia)
      throw new Error('mediasoup did not start: set MEDIASOUP_WORKER_BIN or run scripts/build-mediasoup-worker.sh');
    browser = await launchBrowser();
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await browser?.close();
  });

  it('the host sees and rotates its key; a push with it reaches a viewer; wrong, rotated and second pushes are refused', async () => {
    const { baseUrl } = await getLiveHub();
    const world = await liveWorld();
    const session = await liveSession(world);
    const ingestPath = `/api/v1/sessions/${session.id}/ingest`;
    expect((await api('GET', ingestPath, { token: world.cast.associationUser.token })).status).to.equal(403);
    const other = await api('GET', ingestPath, { token: (await createUser('host', world.cast.association.id)).token });
    expect(other.status).to.equal(403);
    const info = await expectStatus(await api('GET', ingestPath, { token: world.cast.host.token }), 200);
    expect(info.rtmpUrl).to.equal(`rtmp://127.0.0.1:${process.env.HUB_RTMP_PORT}/live`);
    expect(info.streamKey).to.match(/^[A-Za-z0-9_-]{24}$/);
    expect((await expectStatus(await api('GET', ingestPath, { token: world.cast.host.token }), 200)).streamKey).to.equal(info.streamKey);

    const wrong = push(`${info.rtmpUrl}/${'x'.repeat(24)}`, 20);
    children.push(wrong);
    expect(await exitOf(wrong)).to.not.equal(0);

    const encoder = push(`${info.rtmpUrl}/${info.streamKey}`, 60);
    children.push(encoder);
    const context = await browser.newContext();
    const viewer = await context.newPage();
    await viewer.goto(`${baseUrl}/live/${session.id}`);
    await viewer.waitForSelector('[data-testid=live-mode][data-mode=webrtc]');
    await viewer.waitForFunction(
      () => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement | null)?.videoWidth! > 0,
      null,
      { timeout: 45_000 },
    );
    expect(await viewer.evaluate(() => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement).videoWidth)).to.equal(640);
    await screenshot(viewer, 'media-rtmp-viewer');

    // One publisher per session.
    const second = push(`${info.rtmpUrl}/${info.streamKey}`, 20);
    children.push(second);
    expect(await exitOf(second)).to.not.equal(0);

    // Rotating stops the running encoder, and its old key is refused from then on.
    const rotated = await expectStatus(await api('POST', `${ingestPath}/rotate`, { token: world.cast.host.token }), 200);
    expect(rotated.streamKey).to.not.equal(info.streamKey);
    expect(await exitOf(encoder)).to.not.equal(0);
    const stale = push(`${info.rtmpUrl}/${info.streamKey}`, 20);
    children.push(stale);
    expect(await exitOf(stale)).to.not.equal(0);

    await context.close();
    await expectStatus(await api('POST', `/api/v1/sessions/${session.id}/end`, { token: world.cast.host.token }), 200);
  });
});
