import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, createUser, login } from '../support/factories.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { startTestWorkers, stopTestWorkers, uniquePng } from '../claims/helpers.ts';

/**
 * Every role's journey by clicking and typing, in Chinese, at a desk (1440×900) and on a phone (390×844):
 * bureau set-up, association base and claim with uploads, correction after a return, review with the
 * 大写 confirmation, payment, export, enterprise products, procurement claim and batch steps, disclosure, trace.
 * Each page is checked for sideways scrolling, English words outside proper nouns and raw error codes.
 */
const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Words that may appear in the Chinese UI: file types, the language switch, the policy version's slug. */
const ALLOWED_WORDS = new Set(['English', 'PDF', 'JPG', 'PNG', 'CSV', 'Excel', 'dehua', 'min', 'MB', 'png', 'jpg', 'pdf']);

const n = String(Date.now()).slice(-7);
const names = {
  association: `德化县电子商务协会${n}`, enterprise: `德化县瓷韵陶瓷有限公司${n}`, park: `德化陶瓷电商产业园${n}`,
  household: `${n}01`, unregistered: `${n}99`, base: `浔中直播基地${n}`, product: `白瓷茶具${n}`,
};
const dynamic: string[] = [];

async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  for (const [size, viewport] of [['desk', DESK], ['phone', PHONE]] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(50); // one layout pass after the resize (not a wait for the server)
    const { scrollWidth, innerWidth, text } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, text: document.body.innerText,
    }));
    expect(scrollWidth, `${name} at ${size}: sideways scroll`).to.be.at.most(innerWidth);
    // Web addresses (trace links) are proper nouns too.
    let rest = text.replace(/https?:\/\/\S+/g, ' ');
    for (const value of dynamic) rest = rest.split(value).join(' ');
    const english = (rest.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !ALLOWED_WORDS.has(w));
    expect(english, `${name} at ${size}: English words in the Chinese UI`).to.deep.equal([]);
    expect(rest.match(/\b[a-z]+_[a-z_]+\b/g) ?? [], `${name} at ${size}: raw codes`).to.deep.equal([]);
    await screenshot(page, `ui-${name}-${size}`);
  }
  await page.setViewportSize(DESK);
}

describe('ui journeys: every role by clicking, in Chinese, at 1440×900 and 390×844', function () {
  this.timeout(240_000);
  let browser: Browser;
  let baseUrl: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const ids: Record<string, string> = {};
  const users: Record<string, { username: string; password: string; token: string; id: string }> = {};

  async function as(role: string): Promise<Page> {
    const context = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${role}: ${err.message}`));
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
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stopTestWorkers();
  });

  it('the bureau sets up the county: organisations, a park and a poverty household', async () => {
    const page = await as('bureau');
    await page.goto(`${baseUrl}/registry/orgs`);
    for (const [type, name] of [['association', names.association], ['enterprise', names.enterprise]] as const) {
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
    for (const [role, orgId] of [['association', ids.association], ['enterprise', ids.enterprise], ['host', ids.association]] as const) {
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
    const base = ((await api('GET', '/api/v1/bases', { token: users.association!.token })).body.items as { id: string; name: string }[]).find((b) => b.name === names.base)!;
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
    const rows: [string, string, string, string][] = [['equipment', '直播补光灯', '60,000', '发票-补光灯.png'], ['furniture', '直播桌椅', '1234.5', '发票-桌椅.png']];
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
    for (const [registryNo, yuan, invoiceNo] of [[names.unregistered, '500', `${n}71`], [names.household, '2,000.50', `${n}72`]] as const) {
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
    const procurements = (await api('GET', '/api/v1/procurements', { token: users.enterprise!.token })).body.items as { id: string; householdRegistryNo: string }[];
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
    const productId = ((await api('GET', '/api/v1/products', { token: users.enterprise!.token })).body.items as { id: string; name: string }[]).find((p) => p.name === names.product)!.id;
    const [first] = (await api('GET', `/api/v1/products/${productId}/batches`, { token: users.enterprise!.token })).body.items as { id: string; code: string }[];
    ids.batch = first!.id;
    ids.code = first!.code;
    dynamic.push(first!.code);
    await page.setViewportSize(PHONE);
    for (const [stage, place, who] of [['clay_source', '阳山矿区', '林师傅'], ['firing', '龙窑', '陈师傅']] as const) {
      await page.getByTestId(`step-stage-${ids.batch}`).selectOption(stage);
      await page.getByTestId(`step-place-${ids.batch}`).fill(place);
      await page.getByTestId(`step-responsible-${ids.batch}`).fill(who);
      await page.getByTestId(`step-photos-${ids.batch}`).setInputFiles({ name: `${place}.png`, mimeType: 'image/png', buffer: uniquePng() });
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

  it('the host and association pages work on a phone too', async () => {
    for (const [role, path] of [['host', '/schedule'], ['association', '/schedule'], ['association', '/home']] as const) {
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
});
