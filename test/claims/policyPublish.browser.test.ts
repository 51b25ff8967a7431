/**
 * The bureau publishes a policy version from its page on a 390 px phone, in Chinese: a new rate typed in
 * percent and a cap in yuan; the public policy page then shows what changed. The version is removed afterwards.
 */
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { getTestHub } from '../support/testHub.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { BudgetCategoryModel, PolicyModel } from '../../server/claims/policy/policy.model.ts';
import { announcePolicy } from '../../server/claims/policy/policyService.ts';

describe('policy publication page (browser, 390 px)', function () {
  this.timeout(120_000);
  const version = `ui-${Date.now().toString(36)}`;
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await PolicyModel.deleteMany({ version });
    await BudgetCategoryModel.deleteMany({ policyVersion: version });
    await announcePolicy((await getTestHub()).ctx, 'removed-after-test');
  });

  it('publishes a new version in yuan and percent; the public page shows the change', async () => {
    const { baseUrl } = await getTestHub();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signIn(page, baseUrl, process.env.HUB_ADMIN_USERNAME!, process.env.HUB_ADMIN_PASSWORD!);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.goto(`${baseUrl}/policy/publish`);
    await page.getByTestId('publish-version').fill(version);
    await page.getByTestId('publish-rate-brand_building').fill('35');
    await page.getByTestId('publish-cap-brand_building').fill('55,000');
    expect(await page.getByTestId('publish-cap-brand_building-hint').textContent()).to.contain('伍万伍仟');
    await page.getByTestId('publish-negative-work_funds').uncheck();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).to.be.at.most(390);
    await page.getByTestId('publish-form').getByRole('button', { name: '发布新版本' }).click();
    const result = page.getByTestId('publish-result');
    await result.getByText(`已发布 ${version}`).waitFor();
    const changes = await page.getByTestId(`policy-changes-${version}`).textContent();
    expect(changes)
      .to.contain('品牌建设 补助比例：30% → 35%')
      .and.contain('品牌建设 累计上限：¥50,000.00 → ¥55,000.00')
      .and.contain('负面清单移除：提取工作经费');
    await screenshot(page, 'policy-publish-390');
    await page.goto(`${baseUrl}/policy`);
    const publicChanges = page.getByTestId(`policy-changes-${version}`);
    await publicChanges.waitFor();
    expect(await publicChanges.textContent()).to.contain('30% → 35%');
    expect(await page.getByTestId('policy-changes-dehua-2020').textContent()).to.contain('首个版本');
    await screenshot(page, 'policy-public-changes-390');
    await context.close();
  });
});
