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
    await filerPage.getByTestId('claim-baseId').fill(baseId);
    await filerPage.getByTestId('claim-items').fill(`equipment|直播设备|123456|3500${Date.now() % 1e6}|${unique('')}\nsalary|主播工资|5000|3501${Date.now() % 1e6}|${unique('')}`);
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
    await bureauPage.getByTestId('review-amount').fill('100000');
    await bureauPage.getByTestId('review-note').fill('验收合格');
    await bureauPage.getByTestId('review-form').locator('button[type=submit]').click();
    await bureauPage.getByTestId('claim-status').filter({ hasText: '已核准' }).waitFor();
    expect(await bureauPage.getByTestId('claim-approved').innerText()).to.equal('¥1,000.00');
    await bureauPage.getByTestId('payment-voucher').fill(unique('PZ-'));
    await bureauPage.getByTestId('payment-date').fill('2020-08-01');
    await bureauPage.getByTestId('payment-form').locator('button[type=submit]').click();
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
