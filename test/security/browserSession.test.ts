import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { api, getTestHub } from '../support/testHub.ts';
import { createOrg, createUser } from '../support/factories.ts';
import { launchBrowser, signIn } from '../support/browser.ts';

describe('security: the browser session (HttpOnly cookie, CSP, one-time board link) in Chromium (issue 11 item 9)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let baseUrl: string;

  before(async () => {
    baseUrl = (await getTestHub()).baseUrl;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('no script can read the token; pages run under a strict CSP without violations; signing out revokes the token', async () => {
    const org = await createOrg('association');
    const user = await createUser('association', org.id);
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    const first = await page.goto(`${baseUrl}/`);
    expect(first!.headers()['content-security-policy']).to.include("script-src 'self'");
    await signIn(page, baseUrl, user.username, user.password);
    await page.getByTestId('home-association').waitFor();
    const visible = await page.evaluate(() =>
      JSON.stringify({ cookie: document.cookie, storage: { ...localStorage }, session: { ...sessionStorage } }),
    );
    expect(visible).to.not.match(/eyJ[A-Za-z0-9_-]{10,}/); // no JWT anywhere a script can see
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'hub_session');
    expect(session?.httpOnly).to.equal(true);
    expect(session?.sameSite).to.equal('Strict');
    expect((await api('GET', '/api/v1/auth/me', { token: session!.value })).status).to.equal(200);
    // An inline script injected into the page does not run.
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.append(s);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).to.equal(false);
    violations.length = 0; // the refused injection itself is reported; pages must report none
    await page.goto(`${baseUrl}/home`);
    await page.getByTestId('home-association').waitFor();
    expect(violations).to.deep.equal([]);
    await page.getByTestId('logout').click();
    await page.getByTestId('login-page').waitFor();
    expect((await api('GET', '/api/v1/auth/me', { token: session!.value })).status).to.equal(401);
    await page.close();
  });

  it('the bureau opens the job board from the claims page through a one-time code, never a token in the URL', async () => {
    const bureau = await createUser('bureau');
    const page = await browser.newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await signIn(page, baseUrl, bureau.username, bureau.password);
    await page.waitForURL(/\/home/);
    await page.goto(`${baseUrl}/claims`);
    await page.getByTestId('claims-page').waitFor();
    await page.getByTestId('jobs-link').click();
    await page.waitForURL(/\/admin\/queues/);
    await page.waitForLoadState('load');
    expect(page.url()).to.not.include('code=');
    expect(urls.some((u) => /admin\/queues\?code=/.test(u))).to.equal(true);
    expect(urls.some((u) => /token=/.test(u))).to.equal(false);
    const board = (await page.context().cookies()).find((c) => c.name === 'hub_board');
    expect(board?.httpOnly).to.equal(true);
    expect(board!.value).to.not.match(/^eyJ/);
    expect(await page.title()).to.match(/bull/i);
    await page.close();
  });
});
