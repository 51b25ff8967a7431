import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser.ts';
import { api } from '../support/testHub.ts';
import { expectStatus, getLiveHub, liveSession, liveWorld } from '../live/liveSupport.ts';
import { publishLive } from '../../server/live/bus.ts';
import type { WhipIngest } from '../../server/live/media/whip.ts';

interface WhipReply {
  status: number;
  body?: string;
  location?: string | null;
  contentType?: string | null;
}

/**
 * A WHIP encoder in the page, as OBS 30 or a browser encoder is: fake camera and microphone, send-only
 * transceivers, the offer POSTed to the whipUrl with the stream key, the answer applied.
 */
async function whipPublish(page: Page, url: string, key: string): Promise<WhipReply> {
  return page.evaluate(
    async ({ url, key }) => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360, frameRate: 24 }, audio: true });
      const pc = new RTCPeerConnection();
      for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
      await pc.setLocalDescription(await pc.createOffer());
      const res = await fetch(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/sdp' },
        body: pc.localDescription!.sdp,
      });
      const body = await res.text();
      if (res.status !== 201) {
        pc.close();
        stream.getTracks().forEach((t) => t.stop());
        return { status: res.status, body };
      }
      await pc.setRemoteDescription({ type: 'answer', sdp: body });
      (window as unknown as { whipPc: RTCPeerConnection }).whipPc = pc;
      return { status: res.status, location: res.headers.get('location'), contentType: res.headers.get('content-type') };
    },
    { url, key },
  );
}

/** Waits (bounded) for a condition the hub reaches asynchronously. */
async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("WHIP ingest (RFC 9725) into the session's router (mediasoup, Chromium)", function () {
  this.timeout(120_000);
  let browser: Browser;

  before(async () => {
    const hub = await getLiveHub();
    if (!hub.ctx.services.liveMedia)
      throw new Error('mediasoup did not start: set MEDIASOUP_WORKER_BIN or run scripts/build-mediasoup-worker.sh');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('a browser encoder publishes with the key and a viewer sees it; wrong key 401, second publisher 409, rotation stops it', async () => {
    const { baseUrl, ctx } = await getLiveHub();
    const whip = ctx.services.liveWhip as WhipIngest;
    const world = await liveWorld();
    const session = await liveSession(world);
    const info = await expectStatus(await api('GET', `/api/v1/sessions/${session.id}/ingest`, { token: world.cast.host.token }), 200);
    expect(info.whipUrl).to.equal(`${baseUrl}/api/v1/sessions/${session.id}/whip?session=${session.id}`);

    // A browser encoder on another origin is allowed by CORS.
    const preflight = await fetch(info.whipUrl, {
      method: 'OPTIONS',
      headers: { Origin: 'https://encoder.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get('access-control-allow-origin')).to.equal('*');
    expect(preflight.headers.get('access-control-allow-headers')).to.include('Authorization');
    // Bad requests change nothing and say why.
    const noKey = await fetch(info.whipUrl, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n' });
    expect(noKey.status).to.equal(401);
    expect(noKey.headers.get('www-authenticate')).to.match(/^Bearer/);
    const notSdp = await fetch(info.whipUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${info.streamKey}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(notSdp.status).to.equal(415);
    const garbage = await fetch(info.whipUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${info.streamKey}`, 'Content-Type': 'application/sdp' },
      body: 'hello',
    });
    expect(garbage.status).to.equal(400);
    expect((await garbage.json()).error.code).to.equal('bad_sdp');

    const encoderContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const encoder = await encoderContext.newPage();
    // Any page of the hub's origin (127.0.0.1 is a secure context for the camera).
    await encoder.goto(`${baseUrl}/api/v1/health`);
    const wrong = await whipPublish(encoder, info.whipUrl, 'x'.repeat(24));
    expect(wrong.status, wrong.body).to.equal(401);

    const published = await whipPublish(encoder, info.whipUrl, info.streamKey);
    expect(published.status, published.body).to.equal(201);
    expect(published.contentType).to.match(/^application\/sdp/);
    expect(published.location).to.match(
      new RegExp(`^${baseUrl}/api/v1/sessions/${session.id}/whip/[0-9a-f-]{36}\\?session=${session.id}$`),
    );
    const resourceId = /whip\/([0-9a-f-]{36})/.exec(published.location!)![1]!;
    await encoder.waitForFunction(() => (window as unknown as { whipPc: RTCPeerConnection }).whipPc.connectionState === 'connected', null, {
      timeout: 20_000,
    });

    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await viewer.goto(`${baseUrl}/live/${session.id}`);
    await viewer.waitForSelector('[data-testid=live-mode][data-mode=webrtc]');
    await viewer.waitForFunction(
      () => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement | null)?.videoWidth! > 0,
      null,
      { timeout: 45_000 },
    );
    expect(await viewer.evaluate(() => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement).videoWidth)).to.equal(640);
    await screenshot(viewer, 'media-whip-viewer');

    // One publisher per session.
    const secondContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const second = await secondContext.newPage();
    await second.goto(`${baseUrl}/api/v1/health`);
    const refused = await whipPublish(second, info.whipUrl, info.streamKey);
    expect(refused.status, refused.body).to.equal(409);

    // No trickle ICE (ICE-lite): PATCH is 405 with Allow; DELETE needs the key it published with.
    const patch = await fetch(published.location!, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${info.streamKey}`, 'Content-Type': 'application/trickle-ice-sdpfrag' },
      body: 'a=end-of-candidates\r\n',
    });
    expect(patch.status).to.equal(405);
    expect(patch.headers.get('allow')).to.include('DELETE');
    const wrongDelete = await fetch(published.location!, { method: 'DELETE', headers: { Authorization: `Bearer ${'y'.repeat(24)}` } });
    expect(wrongDelete.status).to.equal(401);
    expect(whip.has(resourceId)).to.equal(true);

    // A rotation in another web process reaches this one over the live bus and stops the publisher here.
    const otherProcess = new Redis(process.env.REDIS_URL!);
    await publishLive(otherProcess, ctx.config.REDIS_PREFIX, { type: 'ingestKeyRotated', sessionId: session.id });
    otherProcess.disconnect();
    await until(() => !whip.has(resourceId), 'the bus message to stop the WHIP publisher');

    // The session is free again; DELETE ends a publisher.
    const again = await whipPublish(second, info.whipUrl, info.streamKey);
    expect(again.status, again.body).to.equal(201);
    const againId = /whip\/([0-9a-f-]{36})/.exec(again.location!)![1]!;
    expect((await fetch(again.location!, { method: 'DELETE', headers: { Authorization: `Bearer ${info.streamKey}` } })).status).to.equal(
      200,
    );
    expect(whip.has(againId)).to.equal(false);
    expect((await fetch(again.location!, { method: 'DELETE', headers: { Authorization: `Bearer ${info.streamKey}` } })).status).to.equal(
      404,
    );

    // Rotating through the API stops a running publisher, and the old key is refused from then on.
    const third = await whipPublish(second, info.whipUrl, info.streamKey);
    expect(third.status, third.body).to.equal(201);
    const thirdId = /whip\/([0-9a-f-]{36})/.exec(third.location!)![1]!;
    const rotated = await expectStatus(
      await api('POST', `/api/v1/sessions/${session.id}/ingest/rotate`, { token: world.cast.host.token }),
      200,
    );
    await until(() => !whip.has(thirdId), 'the rotation to stop the WHIP publisher');
    const stale = await whipPublish(second, info.whipUrl, info.streamKey);
    expect(stale.status, stale.body).to.equal(401);
    expect(rotated.whipUrl).to.equal(info.whipUrl);

    for (const context of [encoderContext, viewerContext, secondContext]) await context.close();
    await expectStatus(await api('POST', `/api/v1/sessions/${session.id}/end`, { token: world.cast.host.token }), 200);
  });
});
