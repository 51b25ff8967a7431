import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_FEN, capitalYuan, fenToWanYuan, fenToYuanPlain, formatYuan, parseYuan } from './money.ts';

describe('money: yuan ↔ fen, exactly', () => {
  it('every two-decimal string round-trips to the same integer fen (and back)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: BigInt(MAX_FEN) }), (big) => {
        const fen = Number(big);
        const whole = (big / 100n).toString();
        const cents = (big % 100n).toString().padStart(2, '0');
        const typed = `${whole}.${cents}`;
        const parsed = parseYuan(typed);
        expect(parsed).to.deep.equal({ ok: true, fen });
        expect(fenToYuanPlain(fen)).to.equal(typed);
        expect(parseYuan(formatYuan(fen))).to.deep.equal({ ok: true, fen });
      }),
      { numRuns: 3000 },
    );
  });

  it('every amount from ¥0.00 to ¥20.00 in steps of one fen parses exactly', () => {
    for (let fen = 0; fen <= 2000; fen++) {
      const typed = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
      expect(parseYuan(typed), typed).to.deep.equal({ ok: true, fen });
    }
  });

  it('is not fooled where floating point is (0.29 × 100 = 28.999…)', () => {
    expect(0.29 * 100).to.not.equal(29);
    expect(parseYuan('0.29')).to.deep.equal({ ok: true, fen: 29 });
    expect(parseYuan('1.005')).to.deep.equal({ ok: false, error: 'too_many_decimals' });
    expect(parseYuan('4.35')).to.deep.equal({ ok: true, fen: 435 });
    expect(parseYuan('9007199254.99')).to.deep.equal({ ok: true, fen: 900719925499 });
  });

  it('takes the forms people type', () => {
    expect(parseYuan('60000')).to.deep.equal({ ok: true, fen: 6_000_000 });
    expect(parseYuan('60,000.5')).to.deep.equal({ ok: true, fen: 6_000_050 });
    expect(parseYuan('¥1.23')).to.deep.equal({ ok: true, fen: 123 });
    expect(parseYuan(' ￥ 1,234,567.89 ')).to.deep.equal({ ok: true, fen: 123_456_789 });
    expect(parseYuan('.5')).to.deep.equal({ ok: true, fen: 50 });
    expect(parseYuan('12.')).to.deep.equal({ ok: true, fen: 1200 });
    expect(parseYuan('007')).to.deep.equal({ ok: true, fen: 700 });
    expect(parseYuan('0')).to.deep.equal({ ok: true, fen: 0 });
  });

  it('refuses more than two decimals, negatives, junk and amounts over the limit', () => {
    for (const [typed, error] of [
      ['1.234', 'too_many_decimals'],
      ['0.001', 'too_many_decimals'],
      ['-5', 'negative'],
      ['−5', 'negative'],
      ['', 'empty'],
      ['  ', 'empty'],
      ['¥', 'empty'],
      ['abc', 'format'],
      ['1e5', 'format'],
      ['12,34', 'format'],
      ['1,2345', 'format'],
      ['1.2.3', 'format'],
      ['.', 'format'],
      ['0x10', 'format'],
      ['1 000', 'format'],
      ['Infinity', 'format'],
      ['NaN', 'format'],
      ['10000000000.01', 'too_large'],
      ['99999999999999999999', 'too_large'],
    ] as const) {
      expect(parseYuan(typed), JSON.stringify(typed)).to.deep.equal({ ok: false, error });
    }
    expect(parseYuan('10000000000.00')).to.deep.equal({ ok: true, fen: MAX_FEN });
  });

  it('formats fen as ¥ with thousands separators and as 万元 (truncated)', () => {
    expect(formatYuan(6_000_000)).to.equal('¥60,000.00');
    expect(formatYuan(5)).to.equal('¥0.05');
    expect(formatYuan(123_456_789)).to.equal('¥1,234,567.89');
    expect(formatYuan(-150)).to.equal('-¥1.50');
    expect(fenToYuanPlain(0)).to.equal('0.00');
    expect(fenToWanYuan(123_456_789)).to.equal('123.45');
    expect(fenToWanYuan(999_999)).to.equal('0.99');
    expect(fenToWanYuan(5_000_000, 0)).to.equal('5');
    expect(() => formatYuan(1.5)).to.throw(RangeError);
  });
});

describe('money: 人民币大写', () => {
  const cases: [number, string][] = [
    [0, '零元整'],
    [1, '壹分'],
    [10, '壹角'],
    [45, '肆角伍分'],
    [100, '壹元整'],
    [1000, '壹拾元整'],
    [1500, '壹拾伍元整'],
    [11_000, '壹佰壹拾元整'],
    [12_345, '壹佰贰拾叁元肆角伍分'],
    [32_504, '叁佰贰拾伍元零肆分'],
    [140_950, '壹仟肆佰零玖元伍角'],
    [600_714, '陆仟零柒元壹角肆分'],
    [168_032, '壹仟陆佰捌拾元叁角贰分'],
    [1_640_902, '壹万陆仟肆佰零玖元零贰分'],
    [6_000_000, '陆万元整'],
    [10_700_053, '壹拾万柒仟元伍角叁分'],
    [10_000_100, '壹拾万零壹元整'],
    [10_050_000, '壹拾万零伍佰元整'],
    [100_100_000, '壹佰万壹仟元整'],
    [1_000_000_100, '壹仟万零壹元整'],
    [1_001_000_000, '壹仟零壹万元整'],
    [10_000_000_000, '壹亿元整'],
    [10_000_100_000, '壹亿零壹仟元整'],
    [10_001_000_000, '壹亿零壹万元整'],
    [11_000_000_000, '壹亿壹仟万元整'],
    [MAX_FEN, '壹佰亿元整'],
    [100_000_000_001, '壹拾亿元零壹分'],
    [123_456_789_012, '壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分'],
  ];
  for (const [fen, capital] of cases) {
    it(`${formatYuan(fen)} → ${capital}`, () => expect(capitalYuan(fen)).to.equal(capital));
  }

  it('never writes two 零 in a row, never starts or ends the yuan part with 零, and refuses negatives and fractions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_FEN }), (fen) => {
        const s = capitalYuan(fen);
        expect(s).to.not.match(/零零|^零(?!元整)|零元|零[万亿]/);
        expect(s).to.match(/(整|角|分)$/);
      }),
      { numRuns: 2000 },
    );
    expect(() => capitalYuan(-1)).to.throw(RangeError);
    expect(() => capitalYuan(0.5)).to.throw(RangeError);
  });
});
