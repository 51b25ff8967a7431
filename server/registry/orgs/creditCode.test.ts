import { expect } from 'chai';
import { creditCodeCheckChar, isValidCreditCode } from './creditCode.ts';

describe('unified social credit code checksum', () => {
  // Codes published by real companies (e.g. in their annual reports).
  const published = ['91440300708461136T', '914403001922038216', '91110000802100433B', '9144030071526726XG'];

  it('computes the check character of the first 17 characters', () => {
    expect(creditCodeCheckChar('91440300708461136')).to.equal('T');
    expect(creditCodeCheckChar('9144030071526726X')).to.equal('G');
    expect(creditCodeCheckChar('9111000010000082O')).to.equal(null); // O is not in the alphabet
  });

  it('accepts codes whose check character matches', () => {
    for (const code of published) expect(isValidCreditCode(code), code).to.equal(true);
  });

  it('refuses a code with one character changed, a wrong length or a forbidden letter', () => {
    const good = `91350526MA31XXQ41${creditCodeCheckChar('91350526MA31XXQ41')}`;
    expect(isValidCreditCode(good)).to.equal(true);
    const changed = good.slice(0, 5) + (good[5] === '0' ? '1' : '0') + good.slice(6);
    expect(isValidCreditCode(changed)).to.equal(false);
    expect(isValidCreditCode(good.slice(0, 17))).to.equal(false);
    expect(isValidCreditCode(good.replace(/A/, 'I'))).to.equal(false);
    expect(isValidCreditCode(good.toLowerCase())).to.equal(false);
  });
});
