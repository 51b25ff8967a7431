import { expect } from 'chai';
import fc from 'fast-check';
import { dehua2020 } from '../../../config/policies/dehua-2020.ts';
import type { ProgramCode } from '../../../config/policies/types.ts';
import { approvalLine, capAndTotal, capOf, claimedTotal } from './capAndTotal.ts';
import { programRule } from './rules.ts';

const rule = (code: ProgramCode) => programRule(dehua2020, code);

describe('capAndTotal: the one cap-and-total rule', () => {
  it('sums what is claimed once, applies the rate once to the eligible total (rounded down), then the remaining cap', () => {
    const r = capAndTotal({
      rule: rule('poverty_procurement'),
      items: [
        { amountFen: 7, eligible: true },
        { amountFen: 7, eligible: true },
        { amountFen: 7, eligible: true },
        { amountFen: 50, eligible: false },
      ],
      approvedFen: 0,
    });
    expect(r).to.include({
      claimedFen: 71,
      eligibleFen: 21,
      ratedFen: 4,
      capFen: 15_000_000,
      remainingBeforeFen: 15_000_000,
      awardFen: 4,
      remainingAfterFen: 14_999_996,
    });
    expect(r.trace.map((l) => l.key.key)).to.deep.equal(['trace.totals', 'trace.rate', 'trace.cap']);
    const capped = capAndTotal({ rule: rule('brand_building'), items: [{ amountFen: 1e12, eligible: true }], approvedFen: 4_999_990 });
    expect(capped).to.include({ ratedFen: 3e11, awardFen: 10, remainingAfterFen: 0 });
  });
  it('has no cap when the version states none', () => {
    const r = capAndTotal({ rule: rule('warehouse_rent'), items: [{ amountFen: 3, eligible: true }], approvedFen: 9e12 });
    expect(r).to.include({ capFen: null, remainingBeforeFen: null, awardFen: 1, remainingAfterFen: null });
    expect(r.trace.at(-1)!.key.key).to.equal('trace.cap_none');
  });
  it('gives a station its fixed award under the cap of the highest level the operator claims', () => {
    const station = rule('service_station');
    expect(capOf(station, [])).to.equal(1_000_000);
    expect(capOf(station, ['village'])).to.equal(500_000);
    expect(capOf(station, ['village', 'township'])).to.equal(1_000_000);
    expect(claimedTotal(station, [], 'village')).to.equal(500_000);
    const village = capAndTotal({ rule: station, items: [], station: { level: 'village', awarded: true }, approvedFen: 0 });
    expect(village).to.include({ claimedFen: 500_000, eligibleFen: 500_000, capFen: 500_000, awardFen: 500_000 });
    // A township station after a village point: the township award's cap, less what the point took.
    const township = capAndTotal({
      rule: station,
      items: [],
      station: { level: 'township', awarded: true },
      stationLevelsClaimed: ['village'],
      approvedFen: 500_000,
    });
    expect(township).to.include({ capFen: 1_000_000, awardFen: 500_000 });
    const taken = capAndTotal({ rule: station, items: [], station: { level: 'township', awarded: false }, approvedFen: 0 });
    expect(taken).to.include({ claimedFen: 1_000_000, eligibleFen: 0, awardFen: 0 });
  });
  it('never awards more than the rate allows nor more than the cap leaves (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ProgramCode>('livestream_base', 'poverty_procurement', 'brand_building', 'warehouse_rent'),
        fc.array(fc.record({ amountFen: fc.integer({ min: 1, max: 1e12 }), eligible: fc.boolean() }), { maxLength: 10 }),
        fc.integer({ min: 0, max: 30_000_000 }),
        (code, items, approvedFen) => {
          const r = capAndTotal({ rule: rule(code), items, approvedFen });
          const exact = BigInt(r.eligibleFen) * BigInt(rule(code).rateBasisPoints!);
          return (
            r.eligibleFen <= r.claimedFen &&
            BigInt(r.ratedFen) * 10000n <= exact &&
            r.awardFen <= r.ratedFen &&
            (r.remainingBeforeFen === null || (r.awardFen <= r.remainingBeforeFen && r.remainingAfterFen! >= 0)) &&
            Number.isSafeInteger(r.awardFen)
          );
        },
      ),
    );
  });
  it('words an approval below the proposal or limited by the cap', () => {
    expect(approvalLine(100, 100, 100).key).to.deep.equal({ key: 'trace.approved', params: { grantFen: 100 } });
    expect(approvalLine(80, 80, 100).text).to.contain('低于建议 ¥1.00');
    expect(approvalLine(100, 60, 100).key.key).to.equal('trace.approved_limited');
  });
});
