import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { getTestHub } from '../support/testHub.ts';
import { createCast } from '../support/factories.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';

describe('client sign-in (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let cast: Awaited<ReturnType<typeof createCast>>;
  let baseUrl: string;

  before(async () => {
    baseUrl = (await getTestHub()).baseUrl;
    cast = await createCast();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('the bureau signs in and sees its desk with registry figures and navigation', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/`);
    await page.getByTestId('login-page').waitFor();
    await signIn(page, baseUrl, 'admin', 'admin-password-1');
    await page.getByTestId('home-bureau').waitFor();
    expect(await page.locator('h1').first().textContent()).to.equal('县工信商务局工作台');
    expect(Number(await page.getByTestId('figure-orgs').locator('.figure-value').textContent())).to.be.greaterThan(0);
    expect(await page.locator('.sidenav').textContent()).to.include('单位登记');
    await screenshot(page, 'foundation-bureau-home');

    // The English toggle re-renders the same page in English.
    await page.getByTestId('locale-toggle').click();
    await page.getByText('Commerce bureau desk').waitFor();
    await page.getByTestId('locale-toggle').click();
    await page.close();
  });

  it('an association user sees the association desk with its organisation, not bureau navigation', async () => {
    const page = await browser.newPage();
    await signIn(page, baseUrl, cast.associationUser.username, cast.associationUser.password);
    await page.getByTestId('home-association').waitFor();
    expect(await page.getByTestId('home-org').textContent()).to.include(cast.association.name);
    expect(await page.locator('.sidenav').textContent()).to.not.include('单位登记');
    await page.goto(`${baseUrl}/registry/orgs`);
    await page.getByText('无权访问此页面').waitFor();
    await page.close();
  });

  it('a wrong password shows the hub error on the form and stays on the login page', async () => {
    const page = await browser.newPage();
    await signIn(page, baseUrl, cast.host.username, 'not-the-password');
    await page.getByText(/登录失败/).waitFor();
    expect(page.url()).to.include('/login');
    await page.close();
  });

  it('the bureau registers an enterprise through the registry page', async () => {
    const page = await browser.newPage();
    await signIn(page, baseUrl, 'admin', 'admin-password-1');
    await page.getByTestId('home-bureau').waitFor();
    await page.goto(`${baseUrl}/registry/orgs`);
    const form = page.getByTestId('org-form');
    await form.locator('select[name=type]').selectOption('enterprise');
    const name = `浏览器测试企业${Date.now()}`;
    await form.locator('input[name=name]').fill(name);
    await form.locator('select[name=township]').selectOption('三班镇');
    await form.locator('button[type=submit]').click();
    await page.getByTestId('orgs-table').getByText(name).waitFor();
    await page.close();
  });
});
