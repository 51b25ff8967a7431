import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { createUser } from '../support/factories.ts';
import { bookSession, expectStatus, getLiveHub, liveWorld } from './liveSupport.ts';
import { freshPage, goLiveInStudio, waitForVideo } from '../support/liveSteps.ts';

/** Real Chromium with a fake camera: a host goes live, two viewers watch, a pin and an order travel end to end. */
describe('live selling in the browser (Chromium, fake camera, mediasoup)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let baseUrl: string;
  const pages: Page[] = [];
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

  async function signedInPage(username: string, password: string): Promise<Page> {
    const page = await freshPage(browser, { permissions: ['camera', 'microphone'] }, pageErrors, username);
    pages.push(page);
    await signIn(page, baseUrl, username, password);
    await page.waitForURL(/\/home/);
    return page;
  }

  const inboundBytes = async (page: Page) => Number(await page.getByTestId('live-stats').getAttribute('data-bytes'));

  it('host goes live; two viewers receive video, see the pinned product; an order moves the sales ticker', async () => {
    const world = await liveWorld({
      products: [
        { stock: 30, priceFen: 8800 },
        { stock: 30, priceFen: 16800 },
      ],
    });
    const session = await expectStatus(await bookSession(world), 201);
    const vase = world.products[1];

    const host = await signedInPage(world.cast.host.username, world.cast.host.password);
    await host.goto(`${baseUrl}/studio/${session.id}`);
    await host.getByTestId('studio-page').waitFor();
    expect(await host.getByTestId('studio-status').getAttribute('data-status')).to.equal('scheduled');
    await goLiveInStudio(host);

    const buyer = await createUser('bureau');
    const other = await createUser('bureau');
    const viewers = [await signedInPage(buyer.username, buyer.password), await signedInPage(other.username, other.password)];
    for (const viewer of viewers) {
      await viewer.goto(`${baseUrl}/live/${session.id}`);
      await viewer.getByTestId('live-page').waitFor();
    }
    for (const viewer of viewers) {
      await waitForVideo(viewer, 'live-video');
      const width = await viewer.evaluate(() => (document.querySelector('[data-testid=live-video]') as HTMLVideoElement).videoWidth);
      expect(width).to.be.greaterThan(0);
      const stream = await viewer.evaluate(() =>
        ((document.querySelector('[data-testid=live-video]') as HTMLVideoElement).srcObject as MediaStream)
          .getTracks()
          .map((t) => t.kind)
          .sort(),
      );
      expect(stream).to.deep.equal(['audio', 'video']);
      // The consumer's inbound RTP byte count grows.
      await viewer.waitForFunction(() => Number(document.querySelector('[data-testid=live-stats]')?.getAttribute('data-bytes')) > 0);
      const first = await inboundBytes(viewer);
      await viewer.waitForFunction(
        (before) => Number(document.querySelector('[data-testid=live-stats]')?.getAttribute('data-bytes')) > before,
        first,
        { timeout: 10_000 },
      );
      expect(await inboundBytes(viewer)).to.be.greaterThan(first);
    }
    await host.waitForSelector('[data-testid=studio-viewers]:text("2")');

    await host.getByTestId(`pin-${vase!.id}`).click();
    for (const viewer of viewers) {
      await viewer.waitForSelector(`[data-testid=live-pinned][data-product-id="${vase!.id}"]`);
      expect(await viewer.getByTestId('live-pinned-name').textContent()).to.equal(vase!.name);
    }
    await host.getByTestId(`unpin-${vase!.id}`).waitFor();

    await viewers[0]!.getByTestId('live-buy').click();
    await viewers[0]!.waitForSelector('[data-testid=live-order-status].ok');
    await host.waitForSelector('[data-testid=studio-sales-orders]:text("1")');
    expect(await host.getByTestId('studio-sales-amount').textContent()).to.include('168.00');
    await viewers[1]!.waitForSelector('[data-testid=live-pinned-stock]:text("29")');

    // Chat is shown as text on the host page, never as markup.
    await viewers[1]!.getByTestId('live-chat-input').fill('<b>茶壶还有吗</b>');
    await viewers[1]!.getByTestId('live-chat-send').click();
    await host.getByTestId('studio-chat').getByText('<b>茶壶还有吗</b>').waitFor();
    expect(await host.locator('[data-testid=studio-chat] b').count()).to.equal(0);

    await screenshot(host, 'live-host-studio');
    await screenshot(viewers[0]!, 'live-viewer');

    await host.getByTestId('studio-end').click();
    await host.waitForSelector('[data-testid=studio-status][data-status=ended]');
    for (const viewer of viewers) await viewer.waitForSelector('[data-testid=live-notice][data-status=ended]');
    expect(pageErrors).to.deep.equal([]);
    for (const page of pages) await page.context().close();
  });

  it('an association books a session on the week calendar; the host sees it and is notified when it moves', async () => {
    const world = await liveWorld({ products: [{ stock: 10, priceFen: 5000 }] });
    const association = await signedInPage(world.cast.associationUser.username, world.cast.associationUser.password);
    const host = await signedInPage(world.cast.host.username, world.cast.host.password);
    await host.goto(`${baseUrl}/schedule`);
    await host.getByTestId('schedule-page').waitFor();

    await association.goto(`${baseUrl}/schedule`);
    const form = association.getByTestId('session-form');
    await form.locator('select[name=studioId]').selectOption(world.studio.id);
    await form.locator('select[name=hostUserId]').selectOption(world.cast.host.id);
    const title = `浏览器排期${Date.now()}`;
    await form.locator('input[name=title]').fill(title);
    const day = new Date(Date.now() + 2 * 86400_000);
    const local = (d: Date, hour: number) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00`;
    await form.locator('input[name=startsAt]').fill(local(day, 19));
    await form.locator('input[name=endsAt]').fill(local(day, 21));
    await form.locator(`input[name=productIds][value="${world.products[0]!.id}"]`).check();
    await form.locator('button[type=submit]').click();
    await association.getByTestId(`studio-row-${world.studio.id}`).getByText(title).waitFor();

    // The same slot again is refused with the hub's message, in Chinese.
    await form.locator('button[type=submit]').click();
    await association
      .getByTestId('session-form-status')
      .getByText(/直播间在 .* 已有排期/)
      .waitFor();

    const sessions = (await (
      await fetch(`${baseUrl}/api/v1/sessions?studioId=${world.studio.id}`, {
        headers: { authorization: `Bearer ${world.cast.associationUser.token}` },
      })
    ).json()) as { items: { id: string; title: string }[] };
    const booked = sessions.items.find((x) => x.title === title)!;
    const move = association.getByTestId(`move-${booked.id}`);
    await association.getByTestId(`slot-${booked.id}`).locator('summary').click();
    await move.locator('input[name=startsAt]').fill(local(day, 8));
    await move.locator('input[name=endsAt]').fill(local(day, 9));
    await move.locator('button[type=submit]').click();
    await host.getByTestId('schedule-notifications').locator('li[data-kind="session.moved"]').getByText(title).waitFor();
    await screenshot(association, 'live-schedule-association');
    await screenshot(host, 'live-schedule-host');
    expect(pageErrors).to.deep.equal([]);
    for (const page of [association, host]) await page.context().close();
  });
});
