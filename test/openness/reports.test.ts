import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { api, getTestHub } from '../support/testHub.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';
import { shanghaiDate, shanghaiDayEnd, shanghaiDayStart } from '../../server/openness/shanghaiTime.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { approvedClaims, bookAndStart, expectOk, ordersPersisted, placeOrder, scriptedWorld, waitFor } from './scriptedDay.ts';

describe('openness: public pages data and bureau reports', function () {
  this.timeout(90_000);
  let world: Awaited<ReturnType<typeof scriptedWorld>>;
  let claims: Awaited<ReturnType<typeof approvedClaims>>;
  let sessionId: string;
  const today = shanghaiDate(new Date());

  before(async () => {
    world = await scriptedWorld();
    sessionId = (await bookAndStart(world, '报表专场', 60_000)).id;
    await placeOrder(world.cast.stationUser.token, world.ceramic.id, 2, sessionId);
    await placeOrder(world.cast.stationUser.token, world.farm.id, 5, sessionId);
    await expectOk(await api('POST', `/api/v1/sessions/${sessionId}/end`, { token: world.cast.host.token }));
    claims = await approvedClaims(world);
    await ordersPersisted();
  });

  it('publishes the policy versions with their effective dates', async () => {
    const { items } = await expectOk(await api('GET', '/api/v1/public/policies'));
    const policy = items.find((p: any) => p.version === 'dehua-2020');
    expect(policy.effectiveFrom).to.equal('2019-12-31T16:00:00.000Z');
    expect(policy.effectiveTo).to.equal('2022-12-31T15:59:59.999Z');
    // The version the hub assesses under is in force (issue 12: the only policy must not read 非现行).
    expect(policy.inForce).to.equal(true);
    expect(items.filter((p: any) => p.inForce)).to.have.length(1);
    expect(policy.document.programs.map((p: any) => p.code)).to.include.members(['livestream_base', 'poverty_procurement', 'brand_building', 'service_station', 'warehouse_rent']);
    expect(policy.document.negativeList).to.have.length.above(3);
  });

  it('publishes the session schedule without private data', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 2 * 24 * 3600_000).toISOString();
    const { items } = await expectOk(await api('GET', `/api/v1/public/sessions?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`));
    const mine = items.find((s: any) => s.id === sessionId);
    expect(mine).to.include({ title: '报表专场', status: 'ended' });
    expect(mine.products).to.include.members([world.ceramic.name, world.farm.name]);
    expect(Object.keys(mine).sort()).to.deep.equal(['association', 'endsAt', 'id', 'products', 'startsAt', 'status', 'studio', 'title']);
    expect((await api('GET', `/api/v1/public/sessions?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`)).status).to.equal(400);
    expect((await api('GET', '/api/v1/public/sessions?from=yesterday')).status).to.equal(400);
  });

  it('searches the awards disclosure and downloads it as CSV', async () => {
    const orgName = (await expectOk(await api('GET', `/api/v1/orgs/${world.cast.association.id}`, { token: world.cast.bureau.token }))).name;
    const found = await expectOk(await api('GET', `/api/v1/public/disclosures/search?q=${encodeURIComponent(orgName)}`));
    expect(found.items).to.have.length(1);
    expect(found.items[0]).to.include({ org: orgName, program: 'livestream_base', approvedFen: claims.approvedBase.approvedFen, paidFen: claims.paidFen });
    const csv = await api('GET', `/api/v1/public/disclosures.csv?program=poverty_procurement&from=${today}&to=${today}`);
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    const text = csv.body as string;
    // The UTF-8 BOM (which fetch's text() strips) lets Excel read the Chinese names.
    const { baseUrl } = await getTestHub();
    const raw = Buffer.from(await (await fetch(`${baseUrl}/api/v1/public/disclosures.csv`)).arrayBuffer());
    expect([...raw.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect(text).to.include(world.cast.enterprise.name).and.not.include(orgName);
    expect(text).to.not.include(world.household.registryNo);
    expect((await api('GET', '/api/v1/public/disclosures.csv?program=lottery')).status).to.equal(400);
  });

  it('builds a report in a BullMQ job with progress, and it reconciles with the disclosure and the orders', async () => {
    const bureau = world.cast.bureau.token;
    const { jobId } = await expectOk(await api('POST', '/api/v1/reports', { token: bureau, body: { from: today, to: today } }), 202);
    const job = await waitFor('the report job', async () => {
      const res = await expectOk(await api('GET', `/api/v1/reports/${jobId}`, { token: bureau }));
      return res.state === 'completed' || res.state === 'failed' ? res : null;
    }, 30_000);
    expect(job.state, job.failedReason).to.equal('completed');
    expect(job.progress, JSON.stringify({ p: job.progress, f: job.failedReason, r: job.result?.totals })).to.equal(100);
    const report = job.result;

    // Against the claims component's own public disclosure, restricted to the period.
    const start = shanghaiDayStart(today).getTime();
    const end = shanghaiDayEnd(today).getTime();
    const disclosed = (await expectOk(await api('GET', '/api/v1/public/disclosures?limit=500'))).items
      .filter((d: any) => d.approvedAt && Date.parse(d.approvedAt) >= start && Date.parse(d.approvedAt) < end);
    for (const p of report.byProgram) {
      const sum = disclosed.filter((d: any) => d.program === p.program).reduce((s: number, d: any) => s + d.approvedFen, 0);
      expect(p.approvedFen, p.program).to.equal(sum);
    }
    expect(report.totals.approvedFen).to.equal(disclosed.reduce((s: number, d: any) => s + d.approvedFen, 0));
    expect(report.disclosures).to.have.length(disclosed.length);

    // Against the raw orders of the period.
    const orders = (await OrderModel.find({ createdAt: { $gte: new Date(start), $lt: new Date(end) } }).lean())
      .filter((o) => !['cancelled', 'expired', 'refunded'].includes(o.status ?? 'placed')); // GMV: commerce/orders/gmv.ts
    expect(report.totals.gmvFen).to.equal(orders.reduce((s, o) => s + o.amountFen, 0));
    expect(report.totals.orders).to.equal(orders.length);
    expect(report.byMonth.reduce((s: number, m: any) => s + m.gmvFen, 0)).to.equal(report.totals.gmvFen);
    expect(report.byTownship.reduce((s: number, t: any) => s + t.gmvFen, 0)).to.equal(report.totals.gmvFen);
    expect(report.totals.sessionsHeld).to.be.at.least(1);
    expect(report.byMonth).to.have.length(1);
    expect(report.byMonth[0].povertyHouseholds).to.equal(report.totals.povertyHouseholds).and.to.be.at.least(1);
    expect(report.byTownship.find((t: any) => t.township === '赤水镇').povertyHouseholds).to.be.at.least(1);
    expect(report.totals.paidFen).to.be.at.least(claims.paidFen);
    const upward = report.budget.find((b: any) => b.category === 'products_upward');
    expect(upward.approvedFen).to.equal(report.totals.approvedFen);

    const csv = await api('GET', `/api/v1/reports/${jobId}.csv`, { token: bureau });
    expect(csv.status).to.equal(200);
    expect(csv.body).to.include('按项目 By programme').and.include('直播基地');
    const { baseUrl } = await getTestHub();
    const xlsx = await fetch(`${baseUrl}/api/v1/reports/${jobId}.xlsx`, { headers: { authorization: `Bearer ${bureau}` } });
    expect(xlsx.status).to.equal(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    expect(workbook.worksheets.map((w) => w.name)).to.have.length(6);
    const programs = workbook.worksheets[2]!;
    expect(programs.getRow(2).getCell(1).value).to.equal('直播基地');
  });

  it('shows the public pages and builds a report on the bureau page in Chromium', async () => {
    const { baseUrl } = await getTestHub();
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${baseUrl}/policy`);
      expect(await page.getByTestId('policy-dehua-2020').textContent()).to.include('德政〔2020〕28号');
      expect(await page.getByTestId('policy-programs-dehua-2020').textContent()).to.include('直播基地').and.include('¥200,000.00');
      await page.goto(`${baseUrl}/live-schedule`);
      await page.getByTestId('schedule-table').waitFor();
      await page.goto(`${baseUrl}/disclosure`);
      expect(await page.getByTestId('disclosure-csv-all').getAttribute('href')).to.equal('/api/v1/public/disclosures.csv');
      await page.getByTestId('disclosure-search-link').click();
      await page.getByTestId('disclosure-search-page').waitFor();
      await page.getByTestId('disclosure-search').locator('input[name="q"]').fill(world.cast.enterprise.name);
      await page.getByTestId('disclosure-search').locator('button[type="submit"]').click();
      // The unfiltered first load already lists this enterprise, so wait for the search itself to land (the CSV link follows it).
      const query = new URLSearchParams({ q: world.cast.enterprise.name }).toString();
      await page.waitForFunction((q) => document.querySelector('[data-testid="disclosure-csv"]')?.getAttribute('href')?.includes(q), query);
      expect(await page.getByTestId('disclosure-results').textContent()).to.include(world.cast.enterprise.name);
      await signIn(page, baseUrl, world.cast.bureau.username, world.cast.bureau.password);
      await page.getByTestId('who').waitFor();
      await page.goto(`${baseUrl}/reports`);
      await page.getByTestId('report-form').locator('input[name="from"]').fill(today);
      await page.getByTestId('report-form').locator('input[name="to"]').fill(today);
      await page.getByTestId('report-form').locator('button[type="submit"]').click();
      await page.getByTestId('report-totals').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('report-progress').textContent()).to.include('100%');
      expect(await page.getByTestId('report-programs').textContent()).to.include('直播基地');
      await screenshot(page, 'reports-page');
    } finally {
      await browser.close();
    }
  });

  it('refuses bad periods, other roles and unknown jobs', async () => {
    const bureau = world.cast.bureau.token;
    expect((await api('POST', '/api/v1/reports', { token: bureau, body: { from: today, to: '2019-01-01' } })).status).to.equal(400);
    expect((await api('POST', '/api/v1/reports', { token: bureau, body: { from: today } })).status).to.equal(400);
    expect((await api('POST', '/api/v1/reports', { token: world.cast.enterpriseUser.token, body: { from: today, to: today } })).status).to.equal(403);
    expect((await api('GET', '/api/v1/reports/999999999', { token: bureau })).status).to.equal(404);
    expect((await api('GET', '/api/v1/reports/abc', { token: bureau })).status).to.equal(400);
  });
});
