import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { api, commerceWorld, expectStatus, getLiveHub, newPhone } from './commerceSupport.ts';
import { liveSession } from '../live/liveSupport.ts';
import { PHONE_DEVICE, checkOutAtStation, freshPage, signUpFromLivePage } from '../support/liveSteps.ts';

/**
 * A buyer on a 390×844 phone: signs up on the viewer page, "+1"s the pinned product, checks out with pick-up
 * at a station; the enterprise ships to the station from its order desk; the station confirms arrival and
 * pick-up; the buyer's tracking page shows each step.
 */
describe('buyer journey in the browser (phone viewport): sign-up, "+1", station pick-up, tracking', function () {
  this.timeout(150_000);
  let browser: Browser;
  let baseUrl: string;
  const errors: string[] = [];

  before(async () => {
    baseUrl = (await getLiveHub()).baseUrl;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  const phonePage = () => freshPage(browser, PHONE_DEVICE, errors);

  const row = (page: Page, orderId: string) => page.locator(`[data-order-id="${orderId}"]`);
  const trackedStatuses = async (page: Page) =>
    page.locator('[data-testid=track-timeline] li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')));

  it('goes from sign-up to pick-up, each step visible on the tracking page', async () => {
    const w = await commerceWorld(8, 6600);
    const session = await liveSession(w);
    await expectStatus(
      await api('PUT', `/api/v1/sessions/${session.id}/pin`, { token: w.cast.host.token, body: { productId: w.product.id } }),
      200,
    );

    const buyer = await phonePage();
    await buyer.goto(`${baseUrl}/live/${session.id}`);
    await signUpFromLivePage(buyer, session.id, newPhone());
    await buyer.waitForSelector(`[data-testid=live-pinned][data-product-id="${w.product.id}"]`);

    await buyer.getByTestId('live-chat-input').fill('+1');
    await buyer.getByTestId('live-chat-send').click();
    const { orderId, pickupCode: code } = await checkOutAtStation(
      buyer,
      w.cast.station.id,
      async () => void (await screenshot(buyer, 'buyer-checkout-phone')),
    );
    expect(code).to.match(/^\d{6}$/);
    await buyer.getByTestId('checkout-track').click();
    await buyer.waitForSelector('[data-testid=track-body][data-status=placed]');
    expect(await buyer.getByTestId('track-station').textContent()).to.include(w.cast.station.name);

    const seller = await phonePage();
    await signIn(seller, baseUrl, w.cast.enterpriseUser.username, w.cast.enterpriseUser.password);
    await seller.waitForURL(/\/home/);
    await seller.goto(`${baseUrl}/orders/desk`);
    await row(seller, orderId).getByTestId('desk-ship-station').click();
    await seller.waitForSelector(`[data-order-id="${orderId}"][data-status=shipped]`);
    await buyer.reload();
    await buyer.waitForSelector('[data-testid=track-body][data-status=shipped]');

    const station = await phonePage();
    await signIn(station, baseUrl, w.cast.stationUser.username, w.cast.stationUser.password);
    await station.waitForURL(/\/home/);
    await station.goto(`${baseUrl}/station/parcels`);
    await row(station, orderId).getByTestId('station-arrive').click();
    await station.waitForSelector(`[data-order-id="${orderId}"][data-status=arrived]`);
    await buyer.reload();
    await buyer.waitForSelector('[data-testid=track-body][data-status=arrived]');
    await row(station, orderId).getByTestId('station-code').fill(code);
    await row(station, orderId).getByTestId('station-pickup').click();
    await station.waitForSelector(`[data-order-id="${orderId}"][data-status=delivered]`);
    await screenshot(station, 'station-parcels-phone');

    await buyer.reload();
    await buyer.waitForSelector('[data-testid=track-body][data-status=delivered]');
    expect(await trackedStatuses(buyer)).to.deep.equal(['placed', 'placed', 'shipped', 'arrived', 'delivered']);
    await screenshot(buyer, 'buyer-tracking-phone');
    // Nothing on the phone pages is wider than the screen.
    expect(await buyer.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    expect(errors).to.deep.equal([]);
  });
});
