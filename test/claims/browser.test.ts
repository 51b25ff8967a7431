import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { api, getTestHub } from '../support/testHub.ts';
import { createCast, unique } from '../support/factories.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { filedBase, startTestWorkers, stopTestWorkers, uniquePng } from './helpers.ts';

/** The whole path in a real browser: file → assess → review → pay → public disclosure. Needs client/dist built. */
describe('claims in the browser: file → assess → review → pay → disclosure', function () {
  this.timeout(180_000);
  let browser: Browser;
  before(async () => {
    await startTestWorkers();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stopTestWorkers();
  });

  it('an association files a claim with evidence; the bureau approves and pays it; the public sees it', async () => {
    const { baseUrl } = await getTestHub();
    const cast = await createCast();
    const baseId = await filedBase(cast.associationUser.token);

    const filerPage = await (await browser.newContext()).newPage();
    await signIn(filerPage, baseUrl, cast.associationUser.username, cast.associationUser.password);
    await filerPage.waitForURL((url) => !url.pathname.startsWith('/login'));
    await filerPage.goto(`${baseUrl}/claims`);
    await filerPage.getByTestId('claim-program').selectOption('livestream_base');
    await filerPage.getByTestId('claim-baseId').selectOption(baseId);
    // Items are typed in yuan, one row each, categories chosen by their Chinese names.
    const rows: [string, string, string][] = [
      ['equipment', '直播设备', '1,234.56'],
      ['salary', '主播工资', '50'],
    ];
    for (const [i, [category, description, yuan]] of rows.entries()) {
      if (i > 0) await filerPage.getByTestId('item-add').click();
      await filerPage.getByTestId(`item-category-${i}`).selectOption(category);
      await filerPage.getByTestId(`item-description-${i}`).fill(description);
      await filerPage.getByTestId(`item-amount-${i}`).fill(yuan);
      await filerPage.getByTestId(`item-invoiceCode-${i}`).fill(`350${i}${Date.now() % 1e6}`);
      await filerPage.getByTestId(`item-invoiceNo-${i}`).fill(unique(''));
    }
    expect(await filerPage.getByTestId('item-amount-0-hint').innerText()).to.contain('壹仟贰佰叁拾肆元伍角陆分');
    expect(await filerPage.getByTestId('claim-running-total').innerText()).to.contain('¥1,284.56');
    await filerPage.getByTestId('claim-form').locator('button[type=submit]').click();
    await filerPage.getByTestId('claim-detail').waitFor();
    const claimId = filerPage.url().split('/').pop()!;
    const claim = (await api('GET', `/api/v1/claims/${claimId}`, { token: cast.associationUser.token })).body;
    for (const it of claim.items) {
      await filerPage.getByTestId(`upload-${it.id}`).setInputFiles({ name: 'invoice.png', mimeType: 'image/png', buffer: uniquePng() });
      await filerPage.getByTestId('evidence-link').nth(claim.items.indexOf(it)).waitFor();
    }
    await filerPage.getByTestId('claim-submit').click();
    await filerPage.getByTestId('claim-status').filter({ hasText: '已核算' }).waitFor({ timeout: 30_000 });
    const trace = await filerPage.getByTestId('claim-trace').innerText();
    expect(trace).to.contain('100% × ¥1,234.56 = ¥1,234.56 (向下取整到分)');
    expect(trace).to.contain('负面清单');
    await screenshot(filerPage, 'claims-assessed-filer');

    const bureauPage = await (await browser.newContext()).newPage();
    await signIn(bureauPage, baseUrl, cast.bureau.username, cast.bureau.password);
    await bureauPage.waitForURL((url) => !url.pathname.startsWith('/login'));
    await bureauPage.goto(`${baseUrl}/claims?status=assessed`);
    await bureauPage.getByTestId(`open-claim-${claimId}`).click();
    await bureauPage.locator('img.evidence-thumb').first().waitFor();
    await bureauPage.getByTestId('review-decision').selectOption('approve');
    await bureauPage.getByTestId('review-amount').fill('1000');
    await bureauPage.getByTestId('review-note').fill('验收合格');
    await bureauPage.getByTestId('review-form').locator('button[type=submit]').click();
    // The amount is confirmed in figures and in Chinese capitals before it is approved.
    expect(await bureauPage.getByTestId('amount-confirm-figures').innerText()).to.equal('¥1,000.00');
    expect(await bureauPage.getByTestId('amount-confirm-capital').innerText()).to.contain('壹仟元整');
    await bureauPage.getByTestId('amount-confirm-ok').click();
    await bureauPage.getByTestId('claim-status').filter({ hasText: '已核准' }).waitFor();
    expect(await bureauPage.getByTestId('claim-approved').innerText()).to.equal('¥1,000.00');
    await bureauPage.getByTestId('payment-voucher').fill(`德财拨〔2020〕${Date.now() % 1e8}`);
    await bureauPage.getByTestId('payment-date').fill('2020-08-01');
    await bureauPage.getByTestId('payment-form').locator('button[type=submit]').click();
    expect(await bureauPage.getByTestId('amount-confirm-capital').innerText()).to.contain('壹仟元整');
    await bureauPage.getByTestId('amount-confirm-ok').click();
    await bureauPage.getByTestId('claim-status').filter({ hasText: '已拨付' }).waitFor();
    await screenshot(bureauPage, 'claims-paid-bureau');

    const publicPage = await (await browser.newContext()).newPage();
    await publicPage.goto(`${baseUrl}/disclosure`);
    const row = publicPage.getByTestId('disclosure-table').locator('tr', { hasText: cast.association.name });
    await row.waitFor();
    expect(await row.innerText()).to.contain('¥1,000.00');
    await screenshot(publicPage, 'claims-disclosure-public');
  });
});
