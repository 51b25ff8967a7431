import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { api, getTestHub } from '../support/testHub.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';
import { shanghaiDate, shanghaiDateTime, shanghaiDayEnd, shanghaiDayStart } from '../../server/openness/shanghaiTime.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { approvedClaims, bookAndStart, expectOk, ordersPersisted, placeOrder, scriptedWorld, waitFor } from './scriptedDay.ts';

describe('openness: public pages data and bureau reports', function () {
  this.timeout(90_000);
  let world: Awaited<ReturnType<typeof scriptedWorld>>;
  let claims: Awaited<ReturnType<typeof approvedClaims>>;
  let sessionId: string;
  let reportJobId = '';
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
    expect(policy.document.programs.map((p: any) => p.code)).to.include.members([
      'livestream_base',
      'poverty_procurement',
      'brand_building',
      'service_station',
      'warehouse_rent',
    ]);
    expect(policy.document.negativeList).to.have.length.above(3);
  });

  it('publishes the session schedule without private data', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 2 * 24 * 3600_000).toISOString();
    const { items } = await expectOk(
      await api('GET', `/api/v1/public/sessions?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
    );
    const mine = items.find((s: any) => s.id === sessionId);
    expect(mine).to.include({ title: '报表专场', status: 'ended' });
    expect(mine.products).to.include.members([world.ceramic.name, world.farm.name]);
    expect(Object.keys(mine).sort()).to.deep.equal(['association', 'endsAt', 'id', 'products', 'startsAt', 'status', 'studio', 'title']);
    expect((await api('GET', `/api/v1/public/sessions?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`)).status).to.equal(
      400,
    );
    expect((await api('GET', '/api/v1/public/sessions?from=yesterday')).status).to.equal(400);
  });

  it('searches the awards disclosure and downloads it as CSV', async () => {
    const orgName = (await expectOk(await api('GET', `/api/v1/orgs/${world.cast.association.id}`, { token: world.cast.bureau.token })))
      .name;
    const found = await expectOk(await api('GET', `/api/v1/public/disclosures/search?q=${encodeURIComponent(orgName)}`));
    expect(found.items).to.have.length(1);
    expect(found.items[0]).to.include({
      org: orgName,
      program: 'livestream_base',
      approvedFen: claims.approvedBase.approvedFen,
      paidFen: claims.paidFen,
    });
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
    const job = await waitFor(
      'the report job',
      async () => {
        const res = await expectOk(await api('GET', `/api/v1/reports/${jobId}`, { token: bureau }));
        return res.state === 'completed' || res.state === 'failed' ? res : null;
      },
      30_000,
    );
    expect(job.state, job.failedReason).to.equal('completed');
    reportJobId = jobId;
    expect(job.progress, JSON.stringify({ p: job.progress, f: job.failedReason, r: job.result?.totals })).to.equal(100);
    const report = job.result;

    // Against the claims component's own public disclosure, restricted to the period.
    const start = shanghaiDayStart(today).getTime();
    const end = shanghaiDayEnd(today).getTime();
    const disclosed = (await expectOk(await api('GET', '/api/v1/public/disclosures?limit=500'))).items.filter(
      (d: any) => d.approvedAt && Date.parse(d.approvedAt) >= start && Date.parse(d.approvedAt) < end,
    );
    for (const p of report.byProgram) {
      const sum = disclosed.filter((d: any) => d.program === p.program).reduce((s: number, d: any) => s + d.approvedFen, 0);
      expect(p.approvedFen, p.program).to.equal(sum);
    }
    expect(report.totals.approvedFen).to.equal(disclosed.reduce((s: number, d: any) => s + d.approvedFen, 0));
    expect(report.disclosures).to.have.length(disclosed.length);

    // Against the raw orders of the period.
    const orders = (await OrderModel.find({ createdAt: { $gte: new Date(start), $lt: new Date(end) } }).lean()).filter(
      (o) => !['cancelled', 'expired', 'refunded'].includes(o.status ?? 'placed'),
    ); // GMV: commerce/orders/gmv.ts
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
    expect(csv.body).to.include('按项目').and.include('直播基地');
    const { baseUrl } = await getTestHub();
    const xlsx = await fetch(`${baseUrl}/api/v1/reports/${jobId}.xlsx`, { headers: { authorization: `Bearer ${bureau}` } });
    expect(xlsx.status).to.equal(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    expect(workbook.worksheets.map((w) => w.name)).to.have.length(8);
    const programs = workbook.worksheets[2]!;
    expect(programs.getRow(2).getCell(1).value).to.equal('直播基地');
  });

  it('downloads XLSX files that open: Chinese headers, yuan to the fen, Beijing time; lang=en in English', async () => {
    const bureau = world.cast.bureau.token;
    const { baseUrl } = await getTestHub();
    const CJK = /[\u4e00-\u9fff]/;
    const BEIJING = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
    async function workbook(path: string) {
      const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${bureau}` } });
      expect(res.status, path).to.equal(200);
      expect(res.headers.get('content-type'), path).to.contain('spreadsheetml');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
      return book;
    }
    const headerOf = (sheet: ExcelJS.Worksheet) => (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    /** The cells of the row whose first column is `key`, by header. */
    function rowBy(sheet: ExcelJS.Worksheet, column: number, key: string): Record<string, ExcelJS.Cell> {
      const header = headerOf(sheet);
      for (let r = 2; r <= sheet.rowCount; r += 1) {
        const row = sheet.getRow(r);
        if (String(row.getCell(column).value) === key) return Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1)]));
      }
      throw new Error(`no row ${key} in ${sheet.name}`);
    }
    const base = claims.approvedBase;
    const claim = await expectOk(await api('GET', `/api/v1/claims/${base.id}`, { token: bureau }));

    // The claims register: every header Chinese, amounts numbers shown to the fen, times in Beijing time.
    const zh = (await workbook('/api/v1/exports/claims?format=xlsx')).getWorksheet('claims')!;
    expect(
      headerOf(zh).every((h) => CJK.test(h)),
      headerOf(zh).join('|'),
    ).to.equal(true);
    const row = rowBy(zh, 1, base.id);
    expect(row['补助项目']!.value).to.equal('直播基地');
    expect(row['状态']!.value).to.equal('已拨付');
    expect(row['核准金额（元）']!.value).to.equal(base.approvedFen / 100);
    expect(row['核准金额（元）']!.numFmt).to.equal('#,##0.00');
    expect(row['提交时间（北京时间）']!.value)
      .to.match(BEIJING)
      .and.equal(shanghaiDateTime(new Date(claim.submittedAt)));
    const en = (await workbook('/api/v1/exports/claims?format=xlsx&lang=en')).getWorksheet('claims')!;
    expect(
      headerOf(en).some((h) => CJK.test(h)),
      headerOf(en).join('|'),
    ).to.equal(false);
    const enRow = rowBy(en, 1, base.id);
    expect(enRow['Programme']!.value).to.equal('Livestream base');
    expect(enRow['Status']!.value).to.equal('Paid');
    expect(enRow['Approved (yuan)']!.value).to.equal(base.approvedFen / 100);
    expect(enRow['Submitted (Beijing time)']!.value).to.equal(`${shanghaiDateTime(new Date(claim.submittedAt))} (UTC+8)`);

    const paid = rowBy((await workbook('/api/v1/exports/disbursements?format=xlsx')).getWorksheet('disbursements')!, 1, base.id);
    expect(paid['拨付金额（元）']!.value).to.equal(claims.paidFen / 100);
    expect(paid['拨付金额（元）']!.numFmt).to.equal('#,##0.00');
    expect(paid['拨付日期（北京时间）']!.value).to.equal(shanghaiDate(new Date(claim.payment.paidAt)));

    // The report workbook: Chinese sheets and headers; the English variant says the same in English.
    const report = (await expectOk(await api('GET', `/api/v1/reports/${reportJobId}`, { token: bureau }))).result;
    const book = await workbook(`/api/v1/reports/${reportJobId}.xlsx`);
    expect(book.worksheets.map((w) => w.name)).to.deep.equal([
      '汇总',
      '按月',
      '按项目',
      '按乡镇',
      '资金使用',
      '直播场次分析',
      '场次商品',
      '批准公示',
    ]);
    for (const sheet of book.worksheets)
      expect(
        headerOf(sheet).every((h) => CJK.test(h)),
        `${sheet.name}: ${headerOf(sheet).join('|')}`,
      ).to.equal(true);
    const program = rowBy(book.getWorksheet('按项目')!, 1, '直播基地');
    const reported = report.byProgram.find((p: any) => p.program === 'livestream_base');
    expect(program['批准补助（元）']!.value).to.equal(reported.approvedFen / 100);
    expect(program['批准补助（元）']!.numFmt).to.equal('#,##0.00');
    const disclosure = book.getWorksheet('批准公示')!.getRow(2);
    expect(disclosure.getCell(4).value)
      .to.match(BEIJING)
      .and.equal(shanghaiDateTime(new Date(report.disclosures[0].approvedAt)));
    const english = await workbook(`/api/v1/reports/${reportJobId}.xlsx?lang=en`);
    expect(english.worksheets.map((w) => w.name)).to.deep.equal([
      'Totals',
      'By month',
      'By programme',
      'By township',
      'Budget use',
      'Sessions',
      'Session products',
      'Disclosure',
    ]);
    for (const sheet of english.worksheets)
      expect(
        headerOf(sheet).some((h) => CJK.test(h)),
        `${sheet.name}: ${headerOf(sheet).join('|')}`,
      ).to.equal(false);
    expect(rowBy(english.getWorksheet('By programme')!, 1, 'Livestream base')['Approved (yuan)']!.value).to.equal(
      reported.approvedFen / 100,
    );
    const budget = english.getWorksheet('Budget use')!;
    for (let r = 2; r <= budget.rowCount; r += 1) expect(String(budget.getRow(r).getCell(1).value)).to.not.match(CJK);

    // The CSVs: yuan with two decimals and Beijing time, English with lang=en.
    const csv = String((await api('GET', `/api/v1/reports/${reportJobId}.csv?lang=en`, { token: bureau })).body);
    expect(csv).to.include('By programme').and.include('Livestream base').and.not.include('按项目');
    const publicCsv = String((await api('GET', '/api/v1/public/disclosures.csv')).body).split('\r\n');
    expect(publicCsv[0]).to.equal('单位,项目,批准金额（元）,批准时间（北京时间）,已拨付（元）,拨付时间（北京时间）');
    expect(
      publicCsv
        .slice(1)
        .filter(Boolean)
        .every((line) => /,\d+\.\d{2},\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},/.test(line)),
      publicCsv.slice(1, 3).join('\n'),
    ).to.equal(true);
    const publicEn = String((await api('GET', '/api/v1/public/disclosures.csv?lang=en')).body).split('\r\n')[0];
    expect(publicEn).to.equal('Organisation,Programme,Approved (yuan),Approved at (Beijing time),Paid (yuan),Paid at (Beijing time)');
    expect((await api('GET', `/api/v1/reports/${reportJobId}.xlsx?lang=fr`, { token: bureau })).status).to.equal(400);
  });

  it('shows the public pages and builds a report on the bureau page in Chromium', async () => {
    const { baseUrl } = await getTestHub();
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${baseUrl}/policy`);
      expect(await page.getByTestId('policy-dehua-2020').textContent()).to.include('德政〔2020〕28号');
      expect(await page.getByTestId('policy-programs-dehua-2020').textContent())
        .to.include('直播基地')
        .and.include('¥200,000.00');
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
    expect(
      (await api('POST', '/api/v1/reports', { token: world.cast.enterpriseUser.token, body: { from: today, to: today } })).status,
    ).to.equal(403);
    expect((await api('GET', '/api/v1/reports/999999999', { token: bureau })).status).to.equal(404);
    expect((await api('GET', '/api/v1/reports/abc', { token: bureau })).status).to.equal(400);
  });
});
