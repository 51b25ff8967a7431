import { expect } from 'chai';
import fc from 'fast-check';
import { dehua2020 } from '../../../../config/policies/dehua-2020.ts';
import type { PolicyDocument } from '../../../../config/policies/types.ts';
import { calculators, type CalcClaim, type CalcItem } from './index.ts';
import { applyRateDown, formatRate, formatYuan } from '../../money.ts';

const policy: PolicyDocument = dehua2020;
const item = (category: CalcItem['category'], amountFen: number, extra: Partial<CalcItem> = {}): CalcItem => ({
  category,
  description: 'x',
  amountFen,
  evidenceCount: 1,
  duplicates: [],
  ...extra,
});
const filedBase = { name: '德化直播基地', filed: true, filedAt: '2020-03-01T00:00:00.000Z' };
const none = { approvedFen: 0 };

describe('money helpers', () => {
  it('applies a rate once and rounds down to the fen', () => {
    expect(applyRateDown(33333, 2000)).to.equal(6666); // 66.666 yuan → ¥66.66
    expect(applyRateDown(1, 3000)).to.equal(0);
    expect(applyRateDown(3, 5000)).to.equal(1);
    expect(applyRateDown(1e12 * 200, 10000)).to.equal(2e14); // beyond 2^53 in the product, exact via BigInt
    expect(applyRateDown(9_007_199_254_740_991, 9999)).to.equal(Number((9_007_199_254_740_991n * 9999n) / 10000n));
  });
  it('formats rates and yuan', () => {
    expect(formatRate(2000)).to.equal('20%');
    expect(formatRate(1350)).to.equal('13.5%');
    expect(formatRate(5)).to.equal('0.05%');
    expect(formatYuan(33333)).to.equal('¥333.33');
    expect(formatYuan(123456789)).to.equal('¥1,234,567.89');
  });
  it('rate × amount never exceeds the exact product and is within a fen of it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e14 }), fc.integer({ min: 0, max: 10000 }), (amount, bp) => {
        const got = BigInt(applyRateDown(amount, bp));
        const exact = BigInt(amount) * BigInt(bp);
        return got * 10000n <= exact && exact < (got + 1n) * 10000n;
      }),
    );
  });
});

describe('livestream_base calculator (100%, cap ¥200,000, base filed before submission)', () => {
  const calc = calculators.livestream_base;
  const claim = (items: CalcItem[], extra: Partial<CalcClaim> = {}): CalcClaim => ({
    program: 'livestream_base',
    orgType: 'association',
    items,
    base: filedBase,
    submittedAt: '2020-04-01T00:00:00.000Z',
    ...extra,
  });
  it('pays 100% of equipment, furniture and advertising; refuses the negative list and other categories', () => {
    const d = calc(
      claim([item('equipment', 33333), item('furniture', 100), item('advertising', 1), item('salary', 5000), item('online_shop', 7000)]),
      none,
      policy,
    );
    expect(d.items.map((i) => i.eligible)).to.deep.equal([true, true, true, false, false]);
    expect(d.items[3]!.reason).to.match(/负面清单.*staff salaries/);
    expect(d.items[4]!.reason).to.match(/outside the Livestream base basis/);
    expect(d.claimedFen).to.equal(33333 + 100 + 1 + 5000 + 7000);
    expect(d.eligibleFen).to.equal(33434);
    expect(d.proposedFen).to.equal(33434);
    expect(d.trace).to.include(
      '补助比例：100% × ¥334.34 = ¥334.34 (向下取整到分) — rate: 100% × ¥334.34 = ¥334.34, rounded down to the fen',
    );
  });
  it('limits the proposal to the remaining cap', () => {
    expect(calc(claim([item('equipment', 20_000_000)]), { approvedFen: 19_999_999 }, policy).proposedFen).to.equal(1);
    expect(calc(claim([item('equipment', 20_000_000)]), { approvedFen: 20_000_000 }, policy).proposedFen).to.equal(0);
    expect(calc(claim([item('equipment', 30_000_000)]), none, policy).proposedFen).to.equal(20_000_000);
  });
  it('proposes nothing when the base is not filed, or filed after submission', () => {
    const unfiled = calc(claim([item('equipment', 1000)], { base: { name: 'b', filed: false, filedAt: null } }), none, policy);
    expect(unfiled.proposedFen).to.equal(0);
    expect(unfiled.items[0]!.reason).to.match(/未备案/);
    const late = calc(claim([item('equipment', 1000)], { submittedAt: '2020-02-01T00:00:00.000Z' }), none, policy);
    expect(late.proposedFen).to.equal(0);
    expect(late.items[0]!.reason).to.match(/after the claim was submitted/);
  });
  it('marks duplicates and missing evidence ineligible', () => {
    const d = calc(
      claim([
        item('equipment', 100, { duplicates: [{ kind: 'invoice', key: 'invoice:1:2', heldBy: '申报 claim abc' }] }),
        item('equipment', 200, { evidenceCount: 0 }),
        item('equipment', 300),
      ]),
      none,
      policy,
    );
    expect(d.items.map((i) => i.eligible)).to.deep.equal([false, false, true]);
    expect(d.items[0]!.duplicateOf).to.equal('申报 claim abc');
    expect(d.eligibleFen).to.equal(300);
  });
});

describe('poverty_procurement calculator (20%, cap ¥150,000, seller registered on the purchase date)', () => {
  const calc = calculators.poverty_procurement;
  const purchase = (amountFen: number, registered: boolean, found = true, extra: Partial<CalcItem> = {}) =>
    item('other', amountFen, {
      evidenceCount: 0,
      household: { registryNo: 'HH-1', found, registeredOnPurchaseDate: registered, purchasedAt: '2020-05-01T00:00:00.000Z' },
      ...extra,
    });
  const claim = (items: CalcItem[]): CalcClaim => ({ program: 'poverty_procurement', orgType: 'enterprise', items });
  it('rounds 20% down to the fen: 20% × ¥333.33 = ¥66.66', () => {
    const d = calc(claim([purchase(33333, true)]), none, policy);
    expect(d.proposedFen).to.equal(6666);
    expect(d.trace.some((l) => l.includes('20% × ¥333.33 = ¥66.66 (向下取整到分)'))).to.equal(true);
  });
  it('applies the rate once to the total, not per item', () => {
    const d = calc(claim([purchase(7, true), purchase(7, true), purchase(7, true)]), none, policy);
    expect(d.proposedFen).to.equal(4); // 20% × 21 = 4.2 → 4, where per-item rounding would give 3
  });
  it('refuses sellers not registered on the purchase date or absent from the registry, and repeated purchases', () => {
    const d = calc(
      claim([
        purchase(1000, false),
        purchase(1000, false, false),
        purchase(1000, true, true, { duplicates: [{ kind: 'procurement', key: 'procurement:x', heldBy: '申报 claim y' }] }),
        purchase(1000, true),
      ]),
      none,
      policy,
    );
    expect(d.items.map((i) => i.eligible)).to.deep.equal([false, false, false, true]);
    expect(d.items[0]!.reason).to.match(/not registered on the purchase date/);
    expect(d.items[1]!.reason).to.match(/not in the household registry/);
    expect(d.eligibleFen).to.equal(1000);
    expect(d.proposedFen).to.equal(200);
  });
  it('stops at the cap of ¥150,000 across claims', () => {
    expect(calc(claim([purchase(100_000_000, true)]), none, policy).proposedFen).to.equal(15_000_000);
    expect(calc(claim([purchase(10_000, true)]), { approvedFen: 14_999_000 }, policy).proposedFen).to.equal(1000);
    expect(calc(claim([purchase(10_000, true)]), { approvedFen: 15_000_000 }, policy).proposedFen).to.equal(0);
  });
});

describe('brand_building calculator (30%, cap ¥50,000)', () => {
  const calc = calculators.brand_building;
  const claim = (items: CalcItem[]): CalcClaim => ({ program: 'brand_building', orgType: 'enterprise', items });
  it('pays 30% of online shop, brand design and cold-chain packaging, rounded down', () => {
    const d = calc(
      claim([
        item('online_shop', 10001),
        item('brand_design', 1),
        item('cold_chain_packaging', 1),
        item('traffic_purchase', 9999),
        item('equipment', 50),
      ]),
      none,
      policy,
    );
    expect(d.items.map((i) => i.eligible)).to.deep.equal([true, true, true, false, false]);
    expect(d.eligibleFen).to.equal(10003);
    expect(d.proposedFen).to.equal(3000); // 30% × 10003 = 3000.9 → 3000
    expect(d.items[3]!.reason).to.match(/buying traffic/);
  });
  it('caps at ¥50,000 and at what remains', () => {
    expect(calc(claim([item('online_shop', 1e12)]), none, policy).proposedFen).to.equal(5_000_000);
    expect(calc(claim([item('online_shop', 100)]), { approvedFen: 4_999_990 }, policy).proposedFen).to.equal(10);
  });
});

describe('warehouse_rent calculator (50%, no cap, park must be a national demonstration base)', () => {
  const calc = calculators.warehouse_rent;
  const claim = (items: CalcItem[], nationalDemoBase = true): CalcClaim => ({
    program: 'warehouse_rent',
    orgType: 'enterprise',
    items,
    park: { name: '园区', nationalDemoBase },
  });
  it('pays half the rent, rounded down, with no cap', () => {
    const d = calc(claim([item('rent', 3), item('rent', 1e12), item('building', 100)]), { approvedFen: 9e12 }, policy);
    expect(d.eligibleFen).to.equal(1e12 + 3);
    expect(d.proposedFen).to.equal(500_000_000_001);
    expect(d.capFen).to.equal(null);
    expect(d.items[2]!.reason).to.match(/office buildings/);
  });
  it('refuses rent in a park without national status, or an unknown park', () => {
    expect(calc(claim([item('rent', 1000)], false), none, policy).proposedFen).to.equal(0);
    expect(
      calc({ program: 'warehouse_rent', orgType: 'enterprise', items: [item('rent', 1000)], park: null }, none, policy).proposedFen,
    ).to.equal(0);
  });
});

describe('service_station calculator (fixed ¥10,000 township / ¥5,000 village, one per place ever)', () => {
  const calc = calculators.service_station;
  const station = (
    level: 'township' | 'village',
    heldBy: string | null = null,
    capFen = level === 'township' ? 1_000_000 : 500_000,
  ): CalcClaim => ({
    program: 'service_station',
    orgType: 'station',
    items: [],
    station: { level, township: '赤水镇', village: level === 'village' ? '铭爱村' : null, heldBy, capFen },
  });
  it('awards the fixed amount by level', () => {
    expect(calc(station('township'), none, policy).proposedFen).to.equal(1_000_000);
    expect(calc(station('village'), none, policy).proposedFen).to.equal(500_000);
  });
  it('awards nothing for a place that already has a station, or to a non-station claimant', () => {
    const d = calc(station('township', '申报 claim z'), none, policy);
    expect(d.proposedFen).to.equal(0);
    expect(d.trace.join('\n')).to.match(/重复申报/);
    expect(calc({ ...station('village'), orgType: 'enterprise' }, none, policy).proposedFen).to.equal(0);
  });
  it('limits a township award by what a village award already took', () => {
    expect(calc(station('township'), { approvedFen: 500_000 }, policy).proposedFen).to.equal(500_000);
    expect(calc(station('village', null, 500_000), { approvedFen: 500_000 }, policy).proposedFen).to.equal(0);
  });
});

describe('every calculator: proposal ≤ rate × eligible and ≤ remaining cap (property)', () => {
  const categories = policy.itemCategories;
  it('holds for random claims and histories', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('livestream_base', 'brand_building', 'warehouse_rent', 'poverty_procurement'),
        fc.array(
          fc.record({
            category: fc.constantFrom(...categories),
            amountFen: fc.integer({ min: 1, max: 1e12 }),
            dup: fc.boolean(),
            registered: fc.boolean(),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 0, max: 30_000_000 }),
        (program, rows, approvedFen) => {
          const items = rows.map((r) =>
            item(r.category, r.amountFen, {
              duplicates: r.dup ? [{ kind: 'invoice', key: 'k', heldBy: 'other' }] : [],
              household: { registryNo: 'H', found: true, registeredOnPurchaseDate: r.registered, purchasedAt: '2020-01-02T00:00:00Z' },
            }),
          );
          const d = calculators[program](
            {
              program,
              orgType: program === 'livestream_base' ? 'association' : 'enterprise',
              items,
              base: filedBase,
              park: { name: 'p', nationalDemoBase: true },
            },
            { approvedFen },
            policy,
          );
          const rule = policy.programs.find((p) => p.code === program)!;
          const rated = applyRateDown(d.eligibleFen, rule.rateBasisPoints!);
          const remaining = rule.capFen === null ? Infinity : Math.max(0, rule.capFen - approvedFen);
          return (
            d.eligibleFen <= d.claimedFen &&
            d.proposedFen === Math.min(rated, remaining) &&
            Number.isSafeInteger(d.proposedFen) &&
            d.proposedFen >= 0
          );
        },
      ),
    );
  });
});
