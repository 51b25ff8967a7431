import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { io as connectClient } from 'socket.io-client';
import { launchBrowser, screenshot } from '../support/browser.ts';
import { getScreenHub } from './screenHub.ts';
import { approvedClaims, bookAndStart, placeOrder, scriptedWorld, waitFor } from './scriptedDay.ts';

/** How many painted (non-transparent) pixels a chart's canvas holds: a blank chart has none. */
async function paintedPixels(page: Page, testid: string): Promise<number> {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid="${id}"] canvas`) as HTMLCanvasElement | null;
    if (!canvas) return 0;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
    return painted;
  }, testid);
}

describe('openness: the big screen in Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let world: Awaited<ReturnType<typeof scriptedWorld>>;
  let sessionId: string;

  before(async () => {
    await getScreenHub();
    world = await scriptedWorld();
    sessionId = (await bookAndStart(world, '德化白瓷大屏专场', 60_000)).id;
    await placeOrder(world.cast.stationUser.token, world.ceramic.id, 3, sessionId);
    await placeOrder(world.cast.stationUser.token, world.farm.id, 2, sessionId);
    await approvedClaims(world);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  it('pushes counter updates on the /screen namespace', async () => {
    const { baseUrl } = await getScreenHub();
    const socket = connectClient(`${baseUrl}/screen`, { transports: ['websocket'], forceNew: true, reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const pushed = new Promise<any[]>((resolve) =>
        socket.on('overview:updates', (batch: any[]) => {
          if (batch.some((p) => p.kind === 'order' && p.product.id === world.farm.id)) resolve(batch);
        }),
      );
      const order = await placeOrder(world.cast.stationUser.token, world.farm.id, 1, sessionId);
      const batch = await pushed;
      const push = batch.find((p) => p.kind === 'order' && p.product.id === world.farm.id);
      expect(push.session).to.include({ id: sessionId, title: '德化白瓷大屏专场' });
      expect(push.brand.name).to.equal('三黑三黄三红');
      expect(push.township.name).to.equal('赤水镇');
      expect(push.product.fen).to.be.at.least(order.amountFen);
    } finally {
      socket.close();
    }
  });

  it('renders non-empty charts at 1920×1080 and shows a new order as it is pushed, without asking the server again', async () => {
    const { baseUrl } = await getScreenHub();
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${baseUrl}/screen`);
    await page.getByTestId('screen-status').and(page.locator('.ok')).waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="screen-orders-total"]')?.textContent !== '—');
    for (const chart of [
      'chart-per-minute',
      'chart-brand',
      'chart-township',
      'chart-session',
      'chart-products',
      'chart-subsidies',
      'chart-budget',
    ]) {
      await page.waitForFunction((id) => Number(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-points')) > 0, chart, {
        timeout: 10_000,
      });
      const note = page.getByTestId(chart.replace('chart-', 'note-'));
      // A single-row ranking is shown as one big figure in 万元 rather than a one-bar chart; never an empty state here.
      if (
        Number(await page.getByTestId(chart).getAttribute('data-points')) === 1 &&
        !chart.endsWith('per-minute') &&
        !chart.endsWith('subsidies') &&
        !chart.endsWith('budget')
      ) {
        expect(await note.getAttribute('data-state'), chart).to.equal('figure');
        expect(await note.textContent(), chart).to.match(/\d\.\d{2}万元$/);
        continue;
      }
      expect(await note.isVisible(), `${chart} shows its chart`).to.equal(false);
      // Let the chart's entry animation paint, then look at the pixels themselves.
      await waitFor(`${chart} to paint`, async () => (await paintedPixels(page, chart)) > 500);
    }
    expect(await page.getByTestId('screen-clock').textContent()).to.match(/\d{2}:\d{2}:\d{2}/);
    // No scrollbars: the stage is scaled into the window.
    const overflow = await page.evaluate(() => ({
      w: document.documentElement.scrollWidth - innerWidth,
      h: document.documentElement.scrollHeight - innerHeight,
    }));
    expect(overflow).to.deep.equal({ w: 0, h: 0 });

    const before = await page.getByTestId('screen-orders-total').textContent();
    // The new figure must arrive by the push, not by the page fetching the overview again. (How fast is a figure for
    // bench/fanout.ts and bench/overview.ts; a pass/fail test on a busy machine must not time it.)
    const fetched: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) fetched.push(request.url());
    });
    await placeOrder(world.cast.stationUser.token, world.ceramic.id, 1, sessionId);
    await page.waitForFunction((old) => document.querySelector('[data-testid="screen-orders-total"]')?.textContent !== old, before, {
      timeout: 30_000,
    });
    expect(fetched, 'API requests while the new order reached the screen').to.deep.equal([]);
    const file = await screenshot(page, 'screen-1920x1080');
    expect(file).to.match(/screen-1920x1080\.png$/);
    await page.close();
  });

  it('says so plainly when there is no data, instead of drawing empty charts', async () => {
    const { baseUrl } = await getScreenHub();
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    // The shared hub has orders from other suites; the screen is shown the overview of a hub with none yet:
    // the real snapshot with its sales, subsidy and per-minute figures zeroed.
    await page.route('**/api/v1/public/overview', async (route) => {
      const real = await (await route.fetch()).json();
      const empty = {
        ...real,
        sessions: { liveNow: 0, viewers: 0, liveIds: [] },
        gmv: {
          todayFen: 0,
          totalFen: 0,
          ordersToday: 0,
          ordersTotal: 0,
          bySession: [],
          byBrand: [],
          byTownship: [],
          perMinute: real.gmv.perMinute.map((m: any) => ({ ...m, orders: 0, fen: 0 })),
        },
        subsidies: real.subsidies.map((p: any) => ({ ...p, approvedFen: 0, paidFen: 0 })),
        budget: real.budget.map((b: any) => ({ ...b, approvedFen: 0, paidFen: 0 })),
        poverty: { householdsBenefiting: 0, procurementFen: 0, householdSalesFen: 0 },
        topProducts: [],
      };
      await route.fulfill({ json: empty });
    });
    await page.goto(`${baseUrl}/screen`);
    await page.waitForFunction(() => document.querySelector('[data-testid="screen-orders-total"]')?.textContent === '0');
    const expected: Record<string, string> = {
      'note-per-minute': '近60分钟暂无订单',
      'note-brand': '暂无成交数据',
      'note-township': '暂无成交数据',
      'note-session': '暂无直播场次成交',
      'note-products': '暂无成交数据',
      'note-subsidies': '暂无补助批准或拨付',
    };
    for (const [id, text] of Object.entries(expected)) {
      expect(await page.getByTestId(id).isVisible(), id).to.equal(true);
      expect(await page.getByTestId(id).textContent(), id).to.equal(text);
    }
    // Budget allocations exist from the policy, so that chart still speaks.
    expect(await page.getByTestId('note-budget').isVisible()).to.equal(false);
    expect(await page.getByTestId('screen-gmv-total').textContent()).to.equal('0.00');
    await screenshot(page, 'screen-empty-1920x1080');
    await page.close();
  });

  it('scales down to a smaller window without scrolling', async () => {
    const { baseUrl } = await getScreenHub();
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${baseUrl}/screen`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-brand"]')?.getAttribute('data-points')) > 0);
    const box = await page.getByTestId('screen-page').boundingBox();
    expect(box!.width).to.be.at.most(1280.5);
    expect(box!.height).to.be.at.most(720.5);
    const overflow = await page.evaluate(() => document.documentElement.scrollHeight - innerHeight);
    expect(overflow).to.equal(0);
    await screenshot(page, 'screen-1280x720');
    await page.close();
  });
});
