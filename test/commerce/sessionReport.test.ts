import { expect } from 'chai';
import { api, allPersisted, commerceWorld, expectStatus, getLiveHub, placeOrder, signupBuyer } from './commerceSupport.ts';
import { liveSession } from '../live/liveSupport.ts';
import { buildReport } from '../../server/openness/reports/reportService.ts';
import { reportCsv } from '../../server/openness/reports/reportFiles.ts';
import { shanghaiDate } from '../../server/openness/shanghaiTime.ts';

describe("session analytics in the association's and bureau's reports", function () {
  this.timeout(120_000);

  it('a session held in the period appears in the report and its CSV with the same figures as its session page', async () => {
    const { ctx } = await getLiveHub();
    const w = await commerceWorld(20, 6600);
    const session = await liveSession(w);
    const buyer = await signupBuyer();
    for (const payment of ['transfer', 'cod'] as const) {
      await expectStatus(
        await placeOrder(buyer.token, {
          productId: w.product.id,
          quantity: 1,
          sessionId: session.id,
          delivery: { mode: 'station', stationOrgId: w.cast.station.id },
          payment,
        }),
        201,
      );
    }
    await allPersisted();
    const page = await expectStatus(await api('GET', `/api/v1/sessions/${session.id}/analytics`, { token: w.cast.host.token }), 200);
    expect(page).to.include({ orders: 2, buyers: 1 });
    const today = shanghaiDate(new Date());
    const report = await buildReport(ctx, { from: today, to: today });
    const row = report.sessions.find((s) => s.sessionId === session.id);
    expect(row, 'the session is in the report').to.exist;
    const { startedAt, ...figures } = row!;
    expect(figures).to.deep.equal(page);
    expect(Date.parse(startedAt)).to.be.a('number').and.not.NaN;
    const csv = reportCsv(report);
    expect(csv).to.include('直播场次分析');
    expect(reportCsv(report, 'en')).to.include('Sessions');
    expect(csv).to.include(session.title);
    // Outside the period: not listed.
    const yesterday = shanghaiDate(new Date(Date.now() - 3 * 86_400_000));
    expect((await buildReport(ctx, { from: yesterday, to: yesterday })).sessions.map((s) => s.sessionId)).to.not.include(session.id);
  });
});
