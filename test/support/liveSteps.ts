/**
 * Steps of the live-selling journeys that several browser suites take the same way, by clicking:
 * a host going live in the studio with the fake camera, a buyer signing up on the viewer page and
 * checking out with pick-up at a station. Used by test/live/liveBrowser.test.ts,
 * test/commerce/buyerBrowser.test.ts and test/ui/journeys.test.ts.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';

/** A 390×844 phone, as buyers and hosts hold it. */
export const PHONE_DEVICE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/** A page in a fresh context; its page errors are collected into `errors` (prefixed with `label`). */
export async function freshPage(browser: Browser, options: BrowserContextOptions, errors: string[], label = ''): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(label ? `${label}: ${err.message}` : err.message));
  return page;
}

/** Waits until the <video> with this test id shows decoded frames. */
export async function waitForVideo(page: Page, testId: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (id) => ((document.querySelector(`[data-testid=${id}]`) as HTMLVideoElement | null)?.videoWidth ?? 0) > 0,
    testId,
    { timeout },
  );
}

/** On an open studio page: waits for the camera preview, clicks 开播 and waits until the session is live. */
export async function goLiveInStudio(host: Page): Promise<void> {
  await host.getByTestId('studio-page').waitFor();
  await waitForVideo(host, 'studio-preview');
  await host.getByTestId('studio-go-live').click();
  await host.waitForSelector('[data-testid=studio-status][data-status=live]');
}

/** From the viewer page: 注册 → phone and password → back on the viewer page, signed in as a buyer. */
export async function signUpFromLivePage(buyer: Page, sessionId: string, phone: string, password = 'buyer-pass-1'): Promise<void> {
  await buyer.getByTestId('live-signup').click();
  await buyer.getByTestId('signup-page').waitFor();
  await buyer.getByTestId('signup-phone').fill(phone);
  await buyer.getByTestId('signup-password').fill(password);
  await buyer.getByTestId('signup-submit').click();
  await buyer.waitForURL(new RegExp(`/live/${sessionId}`));
}

/** In the open checkout panel: pick-up at `stationId`, cash on delivery, placed; returns the order and its pick-up code. */
export async function checkOutAtStation(
  buyer: Page,
  stationId: string,
  beforeSubmit?: () => Promise<void>,
): Promise<{ orderId: string; pickupCode: string }> {
  await buyer.getByTestId('checkout-panel').waitFor();
  await buyer.getByTestId('checkout-mode').selectOption('station');
  await buyer.getByTestId('checkout-station').selectOption(stationId);
  await buyer.getByTestId('checkout-payment').selectOption('cod');
  await beforeSubmit?.();
  await buyer.getByTestId('checkout-submit').click();
  const pickupCode = (await buyer.getByTestId('checkout-pickup-code').textContent())!;
  const orderId = (await buyer.getByTestId('checkout-panel').getAttribute('data-order-id'))!;
  return { orderId, pickupCode };
}
