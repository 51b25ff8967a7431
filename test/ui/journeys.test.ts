import { expect } from 'chai';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, createUser, login } from '../support/factories.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { startTestWorkers, stopTestWorkers, uniquePng } from '../claims/helpers.ts';
// Before the hub starts: liveSupport points mediasoup at the cached worker.
import { getLiveHub } from '../live/liveSupport.ts';
import { newPhone } from '../commerce/commerceSupport.ts';
import { PHONE_DEVICE, checkOutAtStation, freshPage, goLiveInStudio, signUpFromLivePage, waitForVideo } from '../support/liveSteps.ts';

/**
 * Every role's journey by clicking and typing, in Chinese, at a desk (1440×900) and on a phone (390×844):
 * bureau set-up, association base and claim with uploads, correction after a return, review with the
 * 大写 confirmation, payment, export, enterprise products, procurement claim and batch steps, disclosure, trace,
 * the host's live session (studio, fake camera, pin) and a buyer's purchase on a phone from the viewer page.
 * Each page is checked for sideways scrolling, English words outside proper nouns and raw error codes; a final
 * sweep opens every registered page at 360, 390, 430, 1440 and 1920 px (screenshots at 360 and 1920).
 */
const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/**
 * Words that may appear in the Chinese UI: file types, the language switch, the policy version's slug, OBS (streaming
 * software) and the names of what OBS asks for (the WHIP protocol, its "Bearer Token" field).
 */
const ALLOWED_WORDS = new Set([
  'OBS',
  'WHIP',
  'RTMP',
  'Bearer',
  'English',
  'PDF',
  'JPG',
  'PNG',
  'CSV',
  'Excel',
  'dehua',
  'min',
  'MB',
  'png',
  'jpg',
  'pdf',
]);

const n = String(Date.now()).slice(-7);
const names = {
  association: `德化县电子商务协会${n}`,
  enterprise: `德化县瓷韵陶瓷有限公司${n}`,
  park: `德化陶瓷电商产业园${n}`,
  household: `${n}01`,
  unregistered: `${n}99`,
  base: `浔中直播基地${n}`,
  product: `白瓷茶具${n}`,
  studio: `一号直播间${n}`,
  session: `白瓷茶具专场${n}`,
};
const dynamic: string[] = [];

/** What the zh-CN page shows that is not Chinese: English words outside proper nouns, raw codes. */
async function foreignText(page: Page): Promise<{ english: string[]; codes: string[] }> {
  const text = await page.evaluate(() => document.body.innerText);
  // Web and stream addresses (trace links, the RTMP ingest URL) are proper nouns too.
  let rest = text.replace(/\b[a-z]+:\/\/\S+/g, ' ');
  for (const value of dynamic) rest = rest.split(value).join(' ');
  return {
    english: (rest.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !ALLOWED_WORDS.has(w)),
    codes: rest.match(/\b[a-z]+_[a-z_]+\b/g) ?? [],
  };
}

/** Wider than the screen? (the page would scroll sideways) */
const overflow = (page: Page) =>
  page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));

async function checkPage(page: Page, name: string, viewports: { width: number; height: number }[] = [DESK, PHONE]): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
  for (const viewport of viewports) {
    const size = viewport === DESK ? 'desk' : viewport === PHONE ? 'phone' : `${viewport.width}`;
    await page.setViewportSize(viewport);
    await page.waitForTimeout(50); // one layout pass after the resize (not a wait for the server)
    const { scrollWidth, innerWidth } = await overflow(page);
    expect(scrollWidth, `${name} at ${size}: sideways scroll`).to.be.at.most(innerWidth);
    const { english, codes } = await foreignText(page);
    expect(english, `${name} at ${size}: English words in the Chinese UI`).to.deep.equal([]);
    expect(codes, `${name} at ${size}: raw codes`).to.deep.equal([]);
    await screenshot(page, `ui-${name}-${size}`);
  }
  await page.setViewportSize(viewports[0]!);
}

describe('ui journeys: every role by clicking, in Chinese, at 1440×900 and 390×844', function () {
  this.timeout(240_000);
  let browser: Browser;
  let baseUrl: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const ids: Record<string, string> = {};
  let buyerPage: Page | undefined;
  const users: Record<string, { username: string; password: string; token: string; id: string }> = {};

  async function as(role: string, options: BrowserContextOptions = {}): Promise<Page> {
    const page = await freshPage(browser, { viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options }, pageErrors, role);
    contexts.push(page.context());
    const user = users[role]!;
    await signIn(page, baseUrl, user.username, user.password);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    return page;
  }

  before(async () => {
    await startTestWorkers();
    browser = await launchBrowser();
    baseUrl = (await getTestHub()).baseUrl;
    const bureau = await createUser('bureau');
    users.bureau = bureau;
    dynamic.push(bureau.username);
    // The first-start bureau account (HUB_ADMIN_USERNAME) is listed on the users page: a name, not English text.
    dynamic.push(process.env.HUB_ADMIN_USERNAME ?? 'admin');
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stopTestWorkers();
  });

  it('the bureau sets up the county: organisations, a park and a poverty household', async () => {
    const page = await as('bureau');
    await page.goto(`${baseUrl}/registry/orgs`);
    for (const [type, name] of [
      ['association', names.association],
      ['enterprise', names.enterprise],
    ] as const) {
      const form = page.getByTestId('org-form');
      await form.locator('select[name=type]').selectOption(type);
      await form.locator('input[name=name]').fill(name);
      await form.locator('button[type=submit]').click();
      await page.getByTestId('orgs-table').getByText(name).waitFor();
    }
    // A bad credit code is explained in Chinese with the field's label, not as the server's English.
    const form = page.getByTestId('org-form');
    await form.locator('input[name=name]').fill(`${names.enterprise}乙`);
    await form.locator('input[name=creditCode]').fill('123');
    await form.locator('button[type=submit]').click();
    await page.getByTestId('org-form-status').getByText('统一社会信用代码').waitFor();
    await checkPage(page, 'bureau-orgs');

    await page.goto(`${baseUrl}/registry/parks`);
    await page.getByTestId('park-form').locator('input[name=name]').fill(names.park);
    await page.getByTestId('park-form').locator('button[type=submit]').click();
    await page.getByText(names.park).first().waitFor();

    await page.goto(`${baseUrl}/registry/households`);
    const hh = page.getByTestId('household-form');
    await hh.locator('input[name=registryNo]').fill(names.household);
    await hh.locator('input[name=name]').fill('林阿福');
    await hh.locator('input[name=village]').fill('铭爱村');
    await hh.locator('input[name=registeredFrom]').fill('2019-01-01');
    await hh.locator('button[type=submit]').click();
    await page.getByText(names.household).first().waitFor();
    await checkPage(page, 'bureau-households');

    const token = await bureauToken();
    const orgs = (await api('GET', '/api/v1/orgs', { token })).body.items as { id: string; name: string }[];
    ids.association = orgs.find((o) => o.name === names.association)!.id;
    ids.enterprise = orgs.find((o) => o.name === names.enterprise)!.id;
    for (const [role, orgId] of [
      ['association', ids.association],
      ['enterprise', ids.enterprise],
      ['host', ids.association],
    ] as const) {
      users[role] = await createUser(role, orgId);
      dynamic.push(users[role]!.username);
    }
  });

  it('the association registers its base, files a claim with evidence, corrects it after a return', async () => {
    const page = await as('association');
    await page.goto(`${baseUrl}/bases`);
    await page.getByTestId('base-form').locator('input[name=name]').fill(names.base);
    await page.getByTestId('base-form').locator('button[type=submit]').click();
    await page.getByText(names.base).first().waitFor();
    const base = (
      (await api('GET', '/api/v1/bases', { token: users.association!.token })).body.items as { id: string; name: string }[]
    ).find((b) => b.name === names.base)!;
    ids.base = base.id;

    // The bureau files the base on its page: a date, shown back without an invented time.
    const bureau = await as('bureau');
    await bureau.goto(`${baseUrl}/bases`);
    const filing = bureau.getByTestId(`file-base-${base.id}`);
    await filing.locator('input[name=filingNo]').fill(`德备${n}`);
    await filing.locator('input[name=filedAt]').fill('2020-03-01');
    await filing.locator('button[type=submit]').click();
    await bureau.getByText(`德备${n} · 2020/03/01`).waitFor();

    await page.goto(`${baseUrl}/claims`);
    await page.getByTestId('claim-baseId').selectOption(base.id);
    const rows: [string, string, string, string][] = [
      ['equipment', '直播补光灯', '60,000', '发票-补光灯.png'],
      ['furniture', '直播桌椅', '1234.5', '发票-桌椅.png'],
    ];
    for (const [i, [category, description, yuan, file]] of rows.entries()) {
      if (i > 0) await page.getByTestId('item-add').click();
      await page.getByTestId(`item-category-${i}`).selectOption(category);
      await page.getByTestId(`item-description-${i}`).fill(description);
      await page.getByTestId(`item-amount-${i}`).fill(yuan);
      await page.getByTestId(`item-invoiceCode-${i}`).fill(`35${n}${i}`);
      await page.getByTestId(`item-invoiceNo-${i}`).fill(`${n}${i}0`);
      await page.getByTestId(`item-files-${i}`).setInputFiles({ name: file, mimeType: 'image/png', buffer: uniquePng() });
    }
    // Three decimals are refused as typed, in Chinese.
    await page.getByTestId('item-amount-1').fill('1234.567');
    expect(await page.getByTestId('item-amount-1-hint').innerText()).to.contain('最多两位小数');
    await page.getByTestId('item-amount-1').fill('1234.5');
    expect(await page.getByTestId('item-amount-0-hint').innerText()).to.contain('陆万元整');
    expect(await page.getByTestId('claim-running-total').innerText()).to.contain('¥61,234.50');
    await checkPage(page, 'association-claim-form');
    await page.getByTestId('claim-form').locator('button[type=submit]').click();
    await page.getByTestId('claim-detail').waitFor();
    ids.claim = page.url().split('/').pop()!;
    await page.getByTestId('evidence-link').filter({ hasText: '发票-补光灯.png' }).waitFor();
    await page.getByTestId('claim-submit').click();
    await page.getByTestId('claim-status').filter({ hasText: '已核算' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('claim-trace').innerText()).to.contain('补助比例：100% × ¥61,234.50');
    await checkPage(page, 'association-claim-assessed');

    // The bureau returns it with a note.
    await bureau.goto(`${baseUrl}/claims/${ids.claim}`);
    await bureau.getByTestId('review-decision').selectOption('return');
    await bureau.getByTestId('review-note').fill('桌椅发票不清晰，请重新上传');
    await bureau.getByTestId('review-form').locator('button[type=submit]').click();
    await bureau.getByTestId('claim-status').filter({ hasText: '已退回' }).waitFor();

    // Correction: the note on top, an amount changed, a file replaced, resubmitted.
    await page.reload();
    expect(await page.getByTestId('claim-returned-note').innerText()).to.contain('桌椅发票不清晰');
    const claim = (await api('GET', `/api/v1/claims/${ids.claim}`, { token: users.association!.token })).body;
    const chairs = claim.items.find((i: { description: string }) => i.description === '直播桌椅');
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId(`evidence-remove-${chairs.evidence[0].fileId}`).click();
    await page.getByTestId(`upload-${chairs.id}`).waitFor();
    await page.getByTestId(`upload-${chairs.id}`).setInputFiles({ name: '发票-桌椅-清晰.png', mimeType: 'image/png', buffer: uniquePng() });
    await page.getByTestId('evidence-link').filter({ hasText: '发票-桌椅-清晰.png' }).waitFor();
    await page.getByTestId('item-amount-1').fill('1,200');
    await checkPage(page, 'association-correction');
    await page.getByTestId('claim-submit').click();
    await page.getByTestId('claim-status').filter({ hasText: '已核算' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('claim-claimed').innerText()).to.equal('¥61,200.00');
    expect(await page.getByTestId('claim-history').innerText()).to.contain('自动核算');
  });

  it('the bureau approves with the 大写 confirmation, pays, and exports', async () => {
    const page = await as('bureau');
    await page.goto(`${baseUrl}/claims?status=assessed`);
    await page.getByTestId(`open-claim-${ids.claim}`).click();
    await page.getByTestId('review-decision').selectOption('approve');
    await page.getByTestId('review-amount').fill('60000');
    await page.getByTestId('review-note').fill('验收合格');
    await page.getByTestId('review-form').locator('button[type=submit]').click();
    expect(await page.getByTestId('amount-confirm-capital').innerText()).to.contain('陆万元整');
    // Going back approves nothing.
    await page.getByTestId('amount-confirm-cancel').click();
    expect(await page.getByTestId('claim-status').innerText()).to.equal('已核算');
    await page.getByTestId('review-form').locator('button[type=submit]').click();
    await checkPage(page, 'bureau-approve-confirm');
    await page.getByTestId('amount-confirm-ok').click();
    await page.getByTestId('claim-status').filter({ hasText: '已核准' }).waitFor();
    expect(await page.getByTestId('claim-approved').innerText()).to.equal('¥60,000.00');

    await page.getByTestId('payment-voucher').fill(`德财拨〔2020〕${n}`);
    await page.getByTestId('payment-date').fill('2020-08-01');
    await page.getByTestId('payment-form').locator('button[type=submit]').click();
    expect(await page.getByTestId('amount-confirm-capital').innerText()).to.contain('陆万元整');
    await page.getByTestId('amount-confirm-ok').click();
    await page.getByTestId('claim-status').filter({ hasText: '已拨付' }).waitFor();
    await checkPage(page, 'bureau-paid');

    await page.goto(`${baseUrl}/claims?status=paid`);
    const download = page.waitForEvent('download');
    await page.getByTestId('export-claims-csv').click();
    const csv = await (await download).path();
    expect(csv).to.be.a('string');
    await checkPage(page, 'bureau-claims-list');
  });

  it('the enterprise lists a product, records purchases (warned at entry), claims them and traces a batch', async () => {
    const page = await as('enterprise');
    await page.goto(`${baseUrl}/products`);
    const product = page.getByTestId('product-form');
    await product.locator('input[name=name]').fill(names.product);
    await product.locator('select[name=category]').selectOption('ceramic');
    await product.getByTestId('product-price').fill('168.8');
    await product.locator('input[name=stock]').fill('50');
    await product.locator('button[type=submit]').click();
    await page.getByTestId('products-table').getByText('¥168.80').waitFor();

    await page.goto(`${baseUrl}/claims`);
    for (const [registryNo, yuan, invoiceNo] of [
      [names.unregistered, '500', `${n}71`],
      [names.household, '2,000.50', `${n}72`],
    ] as const) {
      const form = page.getByTestId('procurement-form');
      await form.getByTestId('procurement-registryNo').fill(registryNo);
      await form.getByTestId('procurement-description').fill('收购高山茶叶');
      await form.getByTestId('procurement-amount').fill(yuan);
      await form.getByTestId('procurement-date').fill('2020-06-01');
      await form.getByTestId('procurement-invoiceNo').fill(invoiceNo);
      await form.locator('button[type=submit]').click();
      await page.getByTestId('procurements-table').getByText(invoiceNo).waitFor();
      const warning = page.getByTestId('procurement-warning');
      if (registryNo === names.unregistered) expect(await warning.innerText()).to.contain('不在贫困户名录中');
      else expect(await warning.isHidden()).to.equal(true);
    }
    await checkPage(page, 'enterprise-procurements');
    await page.reload();
    await page.getByTestId('claim-program').selectOption('poverty_procurement');
    const procurements = (await api('GET', '/api/v1/procurements', { token: users.enterprise!.token })).body.items as {
      id: string;
      householdRegistryNo: string;
    }[];
    const registered = procurements.find((p) => p.householdRegistryNo === names.household)!;
    await page.getByTestId(`claim-procurement-${registered.id}`).check();
    expect(await page.getByTestId('claim-running-total').innerText()).to.contain('¥2,000.50');
    await page.getByTestId('claim-form').locator('button[type=submit]').click();
    await page.getByTestId('claim-detail').waitFor();
    await page.getByTestId('claim-submit').click();
    await page.getByTestId('claim-status').filter({ hasText: '已核算' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('claim-proposed').innerText()).to.equal('¥400.10');

    // A batch, then its steps recorded from a phone with a photo.
    await page.goto(`${baseUrl}/batches`);
    const batch = page.getByTestId('batch-form');
    await batch.locator('input[name=claySource]').fill('德化阳山高岭土');
    await batch.locator('input[name=kiln]').fill('龙窑');
    await batch.locator('input[name=firingDate]').fill('2020-05-20');
    await batch.locator('input[name=workshop]').fill('瓷韵一号作坊');
    await batch.locator('input[name=inspector]').fill('郑检');
    await batch.locator('button[type=submit]').click();
    await page.getByTestId('batches-table').locator('tbody tr').first().waitFor();
    const productId = (
      (await api('GET', '/api/v1/products', { token: users.enterprise!.token })).body.items as { id: string; name: string }[]
    ).find((p) => p.name === names.product)!.id;
    const [first] = (await api('GET', `/api/v1/products/${productId}/batches`, { token: users.enterprise!.token })).body.items as {
      id: string;
      code: string;
    }[];
    ids.batch = first!.id;
    ids.code = first!.code;
    dynamic.push(first!.code);
    await page.setViewportSize(PHONE);
    for (const [stage, place, who] of [
      ['clay_source', '阳山矿区', '林师傅'],
      ['firing', '龙窑', '陈师傅'],
    ] as const) {
      await page.getByTestId(`step-stage-${ids.batch}`).selectOption(stage);
      await page.getByTestId(`step-place-${ids.batch}`).fill(place);
      await page.getByTestId(`step-responsible-${ids.batch}`).fill(who);
      await page
        .getByTestId(`step-photos-${ids.batch}`)
        .setInputFiles({ name: `${place}.png`, mimeType: 'image/png', buffer: uniquePng() });
      await page.getByTestId(`step-form-${ids.batch}`).locator('button[type=submit]').click();
      await page.getByTestId(`batch-timeline-${ids.batch}`).getByText(place).waitFor();
    }
    await checkPage(page, 'enterprise-batches');
  });

  it('the public reads the disclosure and the trace chain on a phone', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`public: ${err.message}`));
    await page.goto(`${baseUrl}/disclosure`);
    await page.getByTestId('disclosure-table').getByText(names.association).first().waitFor();
    await checkPage(page, 'public-disclosure');
    await page.goto(`${baseUrl}/trace/${ids.code}`);
    const steps = page.getByTestId('trace-steps');
    await steps.getByText('阳山矿区').waitFor();
    expect(await steps.innerText()).to.contain('瓷土来源');
    expect(await steps.locator('img').count()).to.equal(2);
    await checkPage(page, 'public-trace');
  });

  it('the association books a session, the host goes live and pins, a buyer on a phone buys and checks out', async () => {
    if (!(await getLiveHub()).ctx.services.liveMedia) throw new Error('mediasoup did not start: set MEDIASOUP_WORKER_BIN');
    const bureau = await bureauToken();
    const station = (
      await api('POST', '/api/v1/orgs', { token: bureau, body: { type: 'station', name: `浔中镇服务站${n}`, township: '浔中镇' } })
    ).body;
    const productId = (
      (await api('GET', '/api/v1/products', { token: users.enterprise!.token })).body.items as { id: string; name: string }[]
    ).find((p) => p.name === names.product)!.id;

    // The association adds a studio to its base and books its host with the enterprise's product.
    const association = await as('association');
    await association.goto(`${baseUrl}/schedule`);
    const studioForm = association.getByTestId('studio-form');
    await studioForm.locator('select[name=baseId]').selectOption(ids.base!);
    await studioForm.locator('input[name=name]').fill(names.studio);
    await studioForm.locator('button[type=submit]').click();
    const sessionForm = association.getByTestId('session-form');
    await sessionForm.locator('select[name=studioId]').selectOption({ label: names.studio });
    await sessionForm.locator('select[name=hostUserId]').selectOption(users.host!.id);
    await sessionForm.locator('input[name=title]').fill(names.session);
    // datetime-local takes Beijing wall-clock time (the context's zone): ten minutes from now, for an hour.
    const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16);
    const startsAt = Date.now() + 10 * 60_000;
    await sessionForm.locator('input[name=startsAt]').fill(beijing(startsAt));
    await sessionForm.locator('input[name=endsAt]').fill(beijing(startsAt + 3600_000));
    await sessionForm.locator(`input[name=productIds][value="${productId}"]`).check();
    await sessionForm.locator('button[type=submit]').click();
    await association.getByTestId('schedule-grid').getByText(names.session).first().waitFor();
    await checkPage(association, 'association-schedule-booked');

    // The host finds it on the schedule, enters the studio, goes live with the (fake) camera and pins the product.
    const host = await as('host', { permissions: ['camera', 'microphone'] });
    await host.goto(`${baseUrl}/schedule`);
    // The calendar opens on this week (Monday-based, Beijing time); a start just past Sunday midnight is on the next.
    const week = (ms: number) => Math.floor((ms + 8 * 3600_000 - 4 * 86400_000) / (7 * 86400_000));
    if (week(startsAt) !== week(Date.now())) await host.getByTestId('schedule-next').click();
    await host.getByTestId('schedule-grid').getByText(names.session).waitFor();
    await host.getByTestId('schedule-grid').getByRole('link', { name: '进入直播间' }).first().click();
    await host.waitForURL(/\/studio\//);
    ids.session = host.url().split('/').pop()!;
    await goLiveInStudio(host);
    await host.getByTestId(`pin-${productId}`).click();
    await host.getByTestId(`unpin-${productId}`).waitFor();
    await checkPage(host, 'host-studio-live');

    // A buyer on a phone watches, signs up from the viewer page, buys the pinned product and picks it up at the station.
    const buyer = await freshPage(browser, { ...PHONE_DEVICE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }, pageErrors, 'buyer');
    contexts.push(buyer.context());
    const phone = newPhone();
    dynamic.push(phone);
    await buyer.goto(`${baseUrl}/live/${ids.session}`);
    await waitForVideo(buyer, 'live-video');
    await signUpFromLivePage(buyer, ids.session, phone);
    await buyer.waitForSelector(`[data-testid=live-pinned][data-product-id="${productId}"]`);
    expect(await buyer.getByTestId('live-pinned-price').innerText()).to.equal('¥168.80');
    await buyer.getByTestId('live-buy').click();
    const { orderId, pickupCode } = await checkOutAtStation(buyer, station.id, () => checkPage(buyer, 'buyer-live-checkout', [PHONE]));
    expect(pickupCode).to.match(/^\d{6}$/);
    // The order number the buyer quotes is the id's last six hex digits: a name, not English (it may hold "bce").
    dynamic.push(pickupCode, orderId.slice(-6));
    await checkPage(buyer, 'buyer-live-ordered', [PHONE]);
    await host.waitForSelector('[data-testid=studio-sales-orders]:text("1")');
    expect(await host.getByTestId('studio-sales-amount').innerText()).to.contain('168.80');
    await buyer.getByTestId('checkout-track').click();
    await buyer.waitForSelector('[data-testid=track-body][data-status=placed]');
    expect(await buyer.getByTestId('track-station').innerText()).to.contain(station.name);
    await checkPage(buyer, 'buyer-tracking', [PHONE]);
    buyerPage = buyer;
    ids.track = new URL(buyer.url()).pathname + new URL(buyer.url()).search;
  });

  it('the host and association pages work on a phone too', async () => {
    for (const [role, path] of [
      ['host', '/schedule'],
      ['association', '/schedule'],
      ['association', '/home'],
    ] as const) {
      const page = await as(role);
      await page.goto(`${baseUrl}${path}`);
      await page.getByTestId(path === '/home' ? `home-${role}` : 'schedule-page').waitFor();
      await checkPage(page, `${role}-${path.slice(1)}`);
      await page.setViewportSize(PHONE);
      await page.getByTestId('menu-toggle').click();
      await page.locator('.sidenav.open').waitFor();
    }
    expect(pageErrors).to.deep.equal([]);
  });

  it('every page fits 360, 390 and 430 px phones and 1440 and 1920 px desks without sideways scrolling', async function () {
    this.timeout(600_000);
    // [who, path, what to wait for]; who is a role, 'public' (signed out) or 'buyer' (the buyer of the live journey).
    const sweep: [string, string, string | null][] = [
      ['public', '/login', 'login-submit'],
      ['public', '/signup', 'signup-page'],
      ['public', '/disclosure', 'disclosure-table'],
      ['public', '/disclosure/search', 'disclosure-search-page'],
      ['public', '/policy', null],
      ['public', '/live-schedule', null],
      ['public', '/screen', null],
      ['public', `/trace/${ids.code}`, 'trace-steps'],
      ['public', `/live/${ids.session}`, 'live-page'],
      ['public', `/replay/${ids.session}`, null],
      ['buyer', '/me', 'me-page'],
      ['buyer', ids.track!, 'track-page'],
      ['bureau', '/home', null],
      ['bureau', '/registry/orgs', 'orgs-table'],
      ['bureau', '/registry/users', null],
      ['bureau', '/registry/households', null],
      ['bureau', '/registry/parks', null],
      ['bureau', '/bases', null],
      ['bureau', '/claims', null],
      ['bureau', `/claims/${ids.claim}`, 'claim-detail'],
      ['bureau', '/reports', null],
      ['bureau', '/schedule', 'schedule-page'],
      ['bureau', '/products', null],
      ['bureau', '/policy', null],
      ['bureau', '/policy/publish', null],
      ['association', '/schedule', 'schedule-page'],
      ['association', '/bases', null],
      ['association', '/claims', null],
      ['host', '/home', null],
      ['host', `/studio/${ids.session}`, 'studio-page'],
      ['enterprise', '/products', 'products-table'],
      ['enterprise', '/batches', 'batches-table'],
      ['enterprise', '/orders/desk', null],
      ['enterprise', '/station/parcels', null],
      ['enterprise', '/claims', null],
    ];
    // Every page the client registers is in the sweep (read from its source, so a new page cannot be missed).
    const { readFileSync, readdirSync } = await import('node:fs');
    const dir = new URL('../../client/src/pages/', import.meta.url);
    const registered = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/registerPage\(\{\s*path: '([^']+)'/g)].map((m) => m[1]!));
    const pattern = (path: string) => new RegExp(`^${path.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
    const swept = sweep.map(([, path]) => path.split('?')[0]!);
    expect(registered.filter((path) => !swept.some((p) => pattern(path).test(p)))).to.deep.equal([]);

    const WIDTHS = [{ width: 360, height: 780 }, PHONE, { width: 430, height: 932 }, DESK, { width: 1920, height: 1080 }];
    const pages = new Map<string, Page>();
    const pageOf = async (who: string) => {
      if (!pages.has(who)) {
        if (who === 'buyer') pages.set(who, buyerPage!);
        else if (who === 'public') {
          const page = await freshPage(browser, { viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }, pageErrors, 'public');
          contexts.push(page.context());
          pages.set(who, page);
        } else pages.set(who, await as(who));
      }
      return pages.get(who)!;
    };
    const problems: string[] = [];
    for (const [who, path, ready] of sweep) {
      const page = await pageOf(who);
      await page.setViewportSize(DESK);
      await page.goto(`${baseUrl}${path}`);
      if (ready) await page.getByTestId(ready).first().waitFor();
      await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
      const label = `${who}${path.split('?')[0]!.replace(/\//g, '-')}`.replace(/-[0-9a-f]{24}|-[0-9A-Z]{20,}/g, '');
      const { english, codes } = await foreignText(page);
      if (english.length || codes.length) problems.push(`${label}: not Chinese: ${[...english, ...codes].join(' ')}`);
      for (const viewport of WIDTHS) {
        await page.setViewportSize(viewport);
        await page.waitForTimeout(50); // one layout pass after the resize (not a wait for the server)
        const { scrollWidth, innerWidth } = await overflow(page);
        if (scrollWidth > innerWidth) {
          const wide = await page.evaluate(
            (limit) =>
              [...document.querySelectorAll('body *')]
                .filter((el) => el.getBoundingClientRect().right > limit + 1)
                .slice(-3)
                .map(
                  (el) =>
                    `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}.${el.className}`,
                ),
            innerWidth,
          );
          problems.push(`${label} at ${viewport.width}: ${scrollWidth} px wide (${wide.join(', ')})`);
        }
        if (viewport.width === 360 || viewport.width === 1920) await screenshot(page, `sweep-${label}-${viewport.width}`);
      }
    }
    expect(problems).to.deep.equal([]);
    expect(pageErrors).to.deep.equal([]);
  });
});
