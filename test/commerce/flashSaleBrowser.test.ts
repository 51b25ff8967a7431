import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { api, allPersisted, commerceWorld, expectStatus, getLiveHub, signupBuyer } from './commerceSupport.ts';
import { liveSession } from '../live/liveSupport.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';

/**
 * 限时秒杀 on a 390×844 phone: the host starts a flash sale from the studio form; a signed-in buyer on the
 * viewer page sees the sale price, remaining quantity, limit and a ticking countdown, and buys one at the sale price.
 */
describe('flash sale in the browser (phone viewport): host starts it, a buyer sees the countdown and buys', function () {
  this.timeout(90_000);
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

  async function phonePage(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    return page;
  }

  it('shows price, remaining, limit and countdown; the buy places a flash-sale order', async () => {
    const w = await commerceWorld(20, 8800);
    const session = await liveSession(w);
    await expectStatus(
      await api('PUT', `/api/v1/sessions/${session.id}/pin`, { token: w.cast.host.token, body: { productId: w.product.id } }),
      200,
    );

    const host = await phonePage();
    await signIn(host, baseUrl, w.cast.host.username, w.cast.host.password);
    await host.waitForURL(/\/home/);
    await host.goto(`${baseUrl}/studio/${session.id}`);
    await host.getByTestId('flash-start-form').waitFor();
    // A bad price is refused in the form, in the person's language, before anything is sent.
    await host.getByTestId('flash-start-price').fill('49.999');
    await host.getByTestId('flash-start').click();
    await host.waitForSelector('[data-testid=flash-start-status].bad');
    expect((await api('GET', `/api/v1/sessions/${session.id}/flash-sale`)).body.sale).to.equal(null);
    await host.getByTestId('flash-start-price').fill('49.00');
    await host.getByTestId('flash-start-quantity').fill('5');
    await host.getByTestId('flash-start-perBuyerLimit').fill('2');
    await host.getByTestId('flash-start-durationSeconds').fill('120');
    await host.getByTestId('flash-start').click();
    await host.waitForSelector('[data-testid=flash-host-running][data-status=running]');
    const sale = (await api('GET', `/api/v1/sessions/${session.id}/flash-sale`)).body.sale;
    expect(sale).to.include({ status: 'running', priceFen: 4900, quantity: 5, perBuyerLimit: 2, productId: w.product.id });

    const b = await signupBuyer();
    const buyer = await phonePage();
    await signIn(buyer, baseUrl, b.phone, 'buyer-pass-1');
    await buyer.waitForURL((url) => !url.pathname.startsWith('/login'));
    await buyer.goto(`${baseUrl}/live/${session.id}`);
    await buyer.waitForSelector(`[data-testid=flash-sale][data-sale-id="${sale.id}"]:not([hidden])`);
    expect(await buyer.getByTestId('flash-price').textContent()).to.include('49.00');
    expect(await buyer.getByTestId('flash-remaining').textContent()).to.match(/5\D+5/);
    expect(await buyer.getByTestId('flash-limit').textContent()).to.include('2');
    // The countdown ticks: wait for it to show a smaller number of seconds than first seen.
    const first = Number(await buyer.getByTestId('flash-sale').getAttribute('data-seconds-left'));
    expect(first).to.be.within(1, 120);
    await buyer.waitForFunction(
      (s) => Number(document.querySelector('[data-testid=flash-sale]')?.getAttribute('data-seconds-left')) < s,
      first,
    );
    expect(await buyer.getByTestId('flash-countdown').textContent()).to.match(/\d+/);

    await buyer.getByTestId('flash-buy').click();
    await buyer.getByTestId('checkout-panel').waitFor();
    await buyer.getByTestId('checkout-mode').selectOption('station');
    await buyer.getByTestId('checkout-station').selectOption(w.cast.station.id);
    await buyer.getByTestId('checkout-payment').selectOption('cod');
    await screenshot(buyer, 'flash-sale-phone');
    await buyer.getByTestId('checkout-submit').click();
    await buyer.waitForSelector('[data-testid=checkout-panel][data-order-id]');
    const orderId = (await buyer.getByTestId('checkout-panel').getAttribute('data-order-id'))!;

    const mine = await expectStatus(await api('GET', '/api/v1/me/orders', { token: b.token }), 200);
    const order = mine.items.find((o: { id: string }) => o.id === orderId);
    expect(order).to.include({ quantity: 1, amountFen: 4900 });
    await allPersisted();
    expect(await OrderModel.countDocuments({ _id: orderId, unitPriceFen: 4900, sessionId: session.id })).to.equal(1);
    // The remaining count on the viewer page follows the sale.
    await buyer.waitForFunction(() => /^\D*4\D/.test(document.querySelector('[data-testid=flash-remaining]')?.textContent ?? ''));
    expect(await buyer.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    expect(errors).to.deep.equal([]);
  });
});
