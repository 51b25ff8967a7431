import { expect } from 'chai';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { ApprovalLedger } from './ledger.ts';

/**
 * The single-writer ledger against the real Redis: for any sequence of approvals and releases, and
 * for any burst of concurrent approvals, the approved total never exceeds the cap and always equals
 * the sum of the grants made.
 */
describe('approval ledger (Redis Lua, property-based)', function () {
  this.timeout(60_000);
  let redis: Redis;
  let ledger: ApprovalLedger;
  let run = 0;
  before(async () => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    ledger = new ApprovalLedger(redis, `${process.env.REDIS_PREFIX}:ledgertest`);
  });
  after(() => redis.disconnect());

  const op = fc.oneof(
    fc.record({
      kind: fc.constant('approve' as const),
      claim: fc.integer({ min: 0, max: 12 }),
      requested: fc.integer({ min: 1, max: 3_000_000 }),
    }),
    fc.record({ kind: fc.constant('release' as const), claim: fc.integer({ min: 0, max: 12 }) }),
  );

  it('sequential approvals and releases: total ≤ cap and total = Σ grants', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 10_000_000 })),
        fc.array(op, { maxLength: 60 }),
        async (capFen, ops) => {
          const org = `org${(run += 1)}`;
          await ledger.initialise(org, 'brand_building', []);
          const model = new Map<string, number>();
          for (const o of ops) {
            const claimId = `c${o.claim}`;
            if (o.kind === 'approve') {
              const r = await ledger.grant(org, 'brand_building', claimId, o.requested, capFen);
              const sum = [...model.values()].reduce((a, b) => a + b, 0);
              if (model.has(claimId)) {
                expect(r).to.deep.include({ outcome: 'granted', grantFen: model.get(claimId) }); // a retry returns the same grant
              } else if (r.outcome === 'granted') {
                expect(r.grantFen).to.equal(capFen === null ? o.requested : Math.min(o.requested, capFen - sum));
                model.set(claimId, r.grantFen);
              } else {
                expect(r.outcome).to.equal('cap_exhausted');
                expect(capFen).to.not.equal(null);
                expect(sum).to.equal(capFen);
              }
            } else {
              const released = await ledger.release(org, 'brand_building', claimId);
              expect(released).to.equal(model.get(claimId) ?? 0);
              model.delete(claimId);
            }
            const total = (await ledger.approvedTotal(org, 'brand_building'))!;
            expect(total).to.equal([...model.values()].reduce((a, b) => a + b, 0));
            if (capFen !== null) expect(total).to.be.at.most(capFen);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('concurrent approvals from many connections never exceed the cap together', async () => {
    const extra = Array.from({ length: 8 }, () => new ApprovalLedger(redis.duplicate(), `${process.env.REDIS_PREFIX}:ledgertest`));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 5_000_000 }),
          fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 60 }),
          async (capFen, requests) => {
            const org = `burst${(run += 1)}`;
            await ledger.initialise(org, 'poverty_procurement', []);
            const results = await Promise.all(
              requests.map((requested, i) => extra[i % extra.length]!.grant(org, 'poverty_procurement', `c${i}`, requested, capFen)),
            );
            const granted = results.reduce((s, r) => s + (r.outcome === 'granted' ? r.grantFen : 0), 0);
            const total = (await ledger.approvedTotal(org, 'poverty_procurement'))!;
            expect(total).to.equal(granted);
            expect(total).to.be.at.most(capFen);
            expect(total).to.equal(
              Math.min(
                capFen,
                requests.reduce((a, b) => a + b, 0),
              ),
            );
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      for (const l of extra) (l as unknown as { redis: Redis }).redis.disconnect();
    }
  });

  it('reports an uninitialised counter instead of guessing, and initialises once', async () => {
    const org = `init${(run += 1)}`;
    expect(await ledger.grant(org, 'livestream_base', 'c1', 100, 1000)).to.deep.equal({ outcome: 'uninitialised' });
    await ledger.initialise(org, 'livestream_base', [{ claimId: 'old', amountFen: 900 }]);
    await ledger.initialise(org, 'livestream_base', []); // a second initialiser does not reset it
    expect(await ledger.grant(org, 'livestream_base', 'c1', 500, 1000)).to.deep.equal({
      outcome: 'granted',
      grantFen: 100,
      totalFen: 1000,
    });
    expect(await ledger.grant(org, 'livestream_base', 'old', 5, 1000)).to.deep.equal({ outcome: 'granted', grantFen: 900, totalFen: 1000 });
  });
});
