import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { bookSession, expectStatus, getLiveHub, liveWorld } from '../live/liveSupport.ts';

const videoWidth = (page: Page) => page.evaluate(() => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement).videoWidth);

/** The host's three simulcast layers (640x360 camera → 160, 320, 640 wide): a viewer's choice picks the layer it receives. */
describe('simulcast: a viewer chooses its quality layer (Chromium, fake camera, mediasoup)', function () {
  this.timeout(150_000);
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

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return page;
  }

  it('a viewer limited to 流畅 (lowest layer) receives a smaller video than one on auto; back on auto it grows', async () => {
    const world = await liveWorld({ products: [{ stock: 5, priceFen: 1000 }] });
    const session = await expectStatus(await bookSession(world), 201);
    const host = await newPage();
    await signIn(host, baseUrl, world.cast.host.username, world.cast.host.password);
    await host.waitForURL(/\/home/);
    await host.goto(`${baseUrl}/studio/${session.id}`);
    await host.waitForFunction(() => (document.querySelector('[data-testid=studio-preview]') as HTMLVideoElement | null)?.videoWidth! > 0);
    await host.getByTestId('studio-go-live').click();
    await host.waitForSelector('[data-testid=studio-status][data-status=live]');

    const [low, auto] = [await newPage(), await newPage()];
    for (const viewer of [low, auto]) {
      await viewer.goto(`${baseUrl}/live/${session.id}`);
      await viewer.waitForFunction(
        () => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement | null)?.videoWidth! > 0,
        null,
        { timeout: 30_000 },
      );
    }
    await low.getByTestId('live-quality-choice').selectOption('0');
    await low.waitForSelector('[data-testid=live-quality-choice][data-applied="0"]');

    // Bandwidth estimation ramps up on its own schedule: poll, with a generous bound, until each settles.
    await low.waitForFunction(
      () => {
        const width = (document.querySelector('[data-testid=live-video]') as HTMLVideoElement).videoWidth;
        return (
          document.querySelector('[data-testid=live-quality]')?.getAttribute('data-spatial-layer') === '0' && width > 0 && width <= 160
        );
      },
      null,
      { timeout: 60_000, polling: 250 },
    );
    await auto.waitForFunction(() => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement).videoWidth > 160, null, {
      timeout: 60_000,
      polling: 250,
    });
    const [lowWidth, autoWidth] = [await videoWidth(low), await videoWidth(auto)];
    expect(lowWidth).to.be.greaterThan(0).and.lessThan(autoWidth);
    expect(await low.getByTestId('live-quality').textContent()).to.include('流畅');
    expect(Number(await auto.getByTestId('live-quality').getAttribute('data-spatial-layer'))).to.be.greaterThan(0);

    // Back to auto: the limited viewer's picture grows past the lowest layer.
    await low.getByTestId('live-quality-choice').selectOption('auto');
    await low.waitForSelector('[data-testid=live-quality-choice][data-applied="auto"]');
    await low.waitForFunction(() => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement).videoWidth > 160, null, {
      timeout: 60_000,
      polling: 250,
    });
    await screenshot(low, 'live-viewer-simulcast');

    await host.getByTestId('studio-end').click();
    await host.waitForSelector('[data-testid=studio-status][data-status=ended]');
    expect(pageErrors).to.deep.equal([]);
    for (const page of [host, low, auto]) await page.context().close();
  });
});
