import { expect } from 'chai';
import { api, getTestHub } from '../support/testHub.ts';
import { createCast, unique } from '../support/factories.ts';
import { AwardBackfillModel, AwardModel } from '../../server/claims/awards/award.model.ts';
import { markAwardPending, publishPendingAwards } from '../../server/claims/awards/publishAward.ts';
import { awardTotalsBuilt } from '../../server/claims/awards/awardTotals.ts';
import { buildReport } from '../../server/openness/reports/reportService.ts';
import { fileAndSubmit, item, startTestWorkers, stopTestWorkers } from './helpers.ts';

/**
 * The awards read model (server/claims/awards/): the disclosure search, its CSV, the contract's list and the
 * reports read one short document per approved claim, written by the approval and the payment under the claim's
 * lock. These check that what they publish is the claim's, and that a crash between the claim's write and the
 * award's, or a database from before the read model, ends with the same awards.
 */
describe('awards read model', function () {
  this.timeout(120_000);
  let cast: Awaited<ReturnType<typeof createCast>>;
  let orgName = '';
  let paidClaim = '';
  let approvedClaim = '';

  before(async () => {
    await startTestWorkers();
    cast = await createCast();
    orgName = cast.enterprise.name as string;
    for (const amount of [1_000_000, 2_000_000]) {
      const claim = await fileAndSubmit(cast.enterpriseUser.token, {
        program: 'brand_building',
        items: [item('online_shop', amount, '网店')],
      });
      const approved = await api('POST', `/api/v1/claims/${claim.id}/review`, {
        token: cast.bureau.token,
        body: { decision: 'approve', note: '同意' },
      });
      expect(approved.status).to.equal(200);
      if (!paidClaim) paidClaim = claim.id;
      else approvedClaim = claim.id;
    }
    const paid = await api('POST', `/api/v1/claims/${paidClaim}/payments`, {
      token: cast.bureau.token,
      body: { voucherNo: unique('PZ-'), paidAt: '2026-03-01T10:00:00+08:00' },
    });
    expect(paid.status).to.equal(200);
  });
  after(stopTestWorkers);

  const search = async (query = '') =>
    (await api('GET', `/api/v1/public/disclosures/search?q=${encodeURIComponent(orgName)}${query}`)).body as {
      items: { org: string; program: string; approvedFen: number; approvedAt: string; paidFen: number | null; paidAt: string | null }[];
      count: number;
      totalApprovedFen: number;
    };

  /** What the claims say their awards are: the approval history entry's date, the payment's. */
  async function fromClaims() {
    const rows = [];
    for (const id of [approvedClaim, paidClaim]) {
      const claim = (await api('GET', `/api/v1/claims/${id}`, { token: cast.bureau.token })).body;
      const approval = [...claim.history].reverse().find((h: { status: string }) => h.status === 'approved');
      rows.push({
        org: orgName,
        program: 'brand_building',
        approvedFen: claim.approvedFen,
        approvedAt: new Date(approval.at).toISOString(),
        paidFen: claim.status === 'paid' ? claim.paidFen : null,
        paidAt: claim.status === 'paid' ? new Date(claim.payment.paidAt).toISOString() : null,
      });
    }
    return rows;
  }

  it('publishes each approved claim once, newest approval first, with the claim’s amounts and dates', async () => {
    const result = await search();
    const expected = await fromClaims();
    expect(result.items.map(({ programZh: _, ...row }: Record<string, unknown>) => row)).to.deep.equal(expected);
    expect(result.count).to.equal(2);
    // 30 % of ¥10,000 and of ¥20,000.
    expect(expected.map((r) => r.approvedFen)).to.deep.equal([600_000, 300_000]);
    expect(result.totalApprovedFen).to.equal(900_000);
  });

  it('bounds the approval date by Beijing days: today matches, a range ending before today does not', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect((await search(`&from=${today}`)).count).to.equal(2);
    expect((await search(`&from=${today}&to=${today}`)).count).to.equal(2);
    expect((await search('&from=2020-01-01&to=2020-12-31')).count).to.equal(0);
    expect((await search('&program=livestream_base')).count).to.equal(0);
  });

  it('publishes, at the next maintenance run, an award a crash left unwritten after its claim', async () => {
    const before = await search();
    // The approval marks the claim, writes the claim, then the award: a crash before the last step leaves this.
    await AwardModel.deleteOne({ claimId: paidClaim });
    const { ctx } = await getTestHub();
    await markAwardPending(ctx.redis, ctx.config.REDIS_PREFIX, paidClaim);
    expect((await search()).count).to.equal(1);

    const run = await publishPendingAwards(null, ctx);
    expect(run.published).to.be.at.least(1);
    expect(await search()).to.deep.equal(before);
    expect(await ctx.redis.sismember(`${ctx.config.REDIS_PREFIX}:awards:pending`, paidClaim)).to.equal(0);
  });

  it('sums counts and totals from the day totals exactly as from the awards, and rebuilds them when lost', async () => {
    const { ctx } = await getTestHub();
    const prefix = ctx.config.REDIS_PREFIX;
    await publishPendingAwards(null, ctx); // builds the day totals if no run has yet
    expect(await awardTotalsBuilt(ctx.redis, prefix)).to.equal(true);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const filters = [
      '',
      '?program=brand_building',
      `?from=${today}`,
      `?to=${today}`,
      `?program=brand_building&from=${today}&to=${today}`,
      '?from=2020-01-01&to=2020-12-31',
      '?program=livestream_base',
    ];
    const totals = async () =>
      Promise.all(
        filters.map(async (f) => {
          const { count, totalApprovedFen } = (await api('GET', `/api/v1/public/disclosures/search${f}`)).body;
          return { f, count, totalApprovedFen };
        }),
      );
    const fromDays = await totals();
    expect(fromDays.find((t) => t.f === '?program=brand_building')!.count).to.be.at.least(2);

    // Without the totals (a Redis that lost them) the search sums the awards: the same figures.
    await ctx.redis.del(`${prefix}:awards:totals-built`);
    expect(await totals()).to.deep.equal(fromDays);

    // They are what the search reads once built: a day total changed by hand shows, and a rebuild puts it right.
    expect((await publishPendingAwards(null, ctx)).counted).to.be.at.least(2);
    await ctx.redis.hincrby(`${prefix}:awards:count:brand_building`, today, 1);
    expect((await totals()).find((t) => t.f === '?program=brand_building')!.count).to.equal(
      fromDays.find((t) => t.f === '?program=brand_building')!.count + 1,
    );
    await ctx.redis.del(`${prefix}:awards:totals-built`);
    await publishPendingAwards(null, ctx);
    expect(await totals()).to.deep.equal(fromDays);
  });

  it('gives a report the same figures from the day totals as from every award (a payment dated before its approval too)', async () => {
    const { ctx } = await getTestHub();
    const prefix = ctx.config.REDIS_PREFIX;
    await publishPendingAwards(null, ctx);
    expect(await awardTotalsBuilt(ctx.redis, prefix)).to.equal(true);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    // The paid claim was paid "2026-03-01", before its approval today: it is paid to date only from today's end on.
    const periods = [
      { from: today, to: today },
      { from: '2026-03-01', to: '2026-03-31' },
      { from: '2026-01-01', to: today },
    ];
    const reports = () => Promise.all(periods.map(async (p) => ({ ...(await buildReport(ctx, p)), generatedAt: '' })));
    const fromDays = await reports();
    await ctx.redis.del(`${prefix}:awards:totals-built`);
    const fromAwards = await reports();
    await publishPendingAwards(null, ctx);
    expect(fromDays).to.deep.equal(fromAwards);
    const march = fromDays[1]!;
    expect(march.disclosures).to.deep.equal([]);
    expect(march.byProgram.find((p) => p.program === 'brand_building')!.paidFen).to.equal(0);
    const upward = fromDays[0]!.budget.find((b) => b.category === 'products_upward')!;
    expect(upward.paidToDateFen).to.be.at.least(300_000);
  });

  it('gives the budget page the same subsidy figures from the day totals as from the awards', async () => {
    const { ctx } = await getTestHub();
    await publishPendingAwards(null, ctx);
    const budget = async () => (await api('GET', '/api/v1/budget', { token: cast.bureau.token })).body;
    const fromDays = await budget();
    const brand = fromDays.programs.find((p: { program: string }) => p.program === 'brand_building');
    expect(brand.approvedClaims).to.be.at.least(2);
    expect(brand.paidFen).to.be.at.least(300_000);
    await ctx.redis.del(`${ctx.config.REDIS_PREFIX}:awards:totals-built`);
    const fromAwards = await budget();
    await publishPendingAwards(null, ctx);
    expect(fromDays).to.deep.equal(fromAwards);
  });

  it('builds every award from the claims on a database that predates the read model', async () => {
    const before = await AwardModel.find().sort({ _id: 1 }).lean();
    expect(before.length).to.be.at.least(2);
    await AwardModel.deleteMany({});
    await AwardBackfillModel.deleteMany({});
    expect((await search()).count).to.equal(0);

    const { ctx } = await getTestHub();
    const run = await publishPendingAwards(null, ctx);
    expect(run.marked).to.equal(before.length);
    expect(await AwardModel.find().sort({ _id: 1 }).lean()).to.deep.equal(before);
    // Once built, a later run marks nothing again.
    expect((await publishPendingAwards(null, ctx)).marked).to.equal(0);
  });
});
