import { expect } from 'chai';
import { awardId, awardIdBound } from './award.model.ts';

describe('award ids: the approval time in the order of the bytes', () => {
  const at = (iso: string) => new Date(iso);
  const claim = '65a1b2c3d4e5f60718293a4b';

  it('orders awards as their approval times, to the millisecond', () => {
    const times = ['2026-03-01T10:00:00.999Z', '2026-03-01T10:00:01.000Z', '2026-03-01T10:00:01.001Z', '2031-01-01T00:00:00.000Z'];
    const ids = times.map((t, i) => awardId(at(t), `${claim.slice(0, 23)}${i}`).toHexString());
    expect([...ids].sort()).to.deep.equal(ids);
  });

  it('makes approvedAt >= t the same as _id >= awardIdBound(t), and < the same as <', () => {
    const bound = awardIdBound(at('2026-03-01T10:00:01.000Z')).toHexString();
    for (const [time, atOrAfter] of [
      ['2026-03-01T10:00:00.999Z', false],
      ['2026-03-01T10:00:01.000Z', true],
      ['2026-03-01T10:00:01.001Z', true],
    ] as const) {
      const id = awardId(at(time), claim).toHexString();
      expect(id >= bound, time).to.equal(atOrAfter);
      expect(id < bound, time).to.equal(!atOrAfter);
    }
  });

  it('gives a claim the same id every time, and two claims approved at the same moment different ids', () => {
    const t = at('2026-03-01T10:00:00.000Z');
    expect(awardId(t, claim).equals(awardId(t, claim))).to.equal(true);
    expect(awardId(t, claim).equals(awardId(t, '65a1b2c3d4e5f60718293a4c'))).to.equal(false);
  });

  it('refuses a date before 1970 (its seconds would not fit)', () => {
    expect(() => awardId(at('1969-12-31T23:59:59Z'), claim)).to.throw(RangeError);
  });
});
