/**
 * Money as people type and read it: yuan strings ↔ integer fen, and 人民币大写 (Chinese capital amounts).
 * Pure, shared by the client and the server. Every conversion is string/integer arithmetic: a typed amount
 * never passes through a floating-point number, so "0.29" is 29 fen and never 28.999….
 */

/** The hub's largest amount (POLICY.md): 10^12 fen = ¥10,000,000,000.00. */
export const MAX_FEN = 1_000_000_000_000;

export type YuanError = 'empty' | 'format' | 'too_many_decimals' | 'negative' | 'too_large';
export type YuanParse = { ok: true; fen: number } | { ok: false; error: YuanError };

/**
 * Parses what a person typed as yuan: "60000", "60,000.5", "¥1.23", "￥ 1,234.56". At most two decimals;
 * thousands separators must be well placed; no sign, no exponent, nothing else.
 */
export function parseYuan(typed: string): YuanParse {
  let s = typed
    .trim()
    .replace(/^[¥￥]\s*/, '')
    .replace(/，/g, ',')
    .replace(/．/g, '.');
  if (!s) return { ok: false, error: 'empty' };
  if (/^[-−]/.test(s)) return { ok: false, error: 'negative' };
  s = s.replace(/^\+/, '');
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/.exec(s);
  if (!m || (m[1] === undefined && !m[2])) return { ok: false, error: 'format' };
  const whole = (m[1] ?? '0').replace(/,/g, '');
  const decimals = m[2] ?? '';
  if (decimals.length > 2) return { ok: false, error: 'too_many_decimals' };
  const digits = (whole.replace(/^0+(?=\d)/, '') + decimals.padEnd(2, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > String(MAX_FEN).length || (digits.length === String(MAX_FEN).length && digits > String(MAX_FEN))) {
    return { ok: false, error: 'too_large' };
  }
  return { ok: true, fen: Number(digits) };
}

function assertFen(fen: number): void {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
}

/** Integer fen as plain yuan with two decimals and no grouping, e.g. 6000000 → "60000.00" (CSV, inputs). */
export function fenToYuanPlain(fen: number): string {
  assertFen(fen);
  const digits = String(Math.abs(fen)).padStart(3, '0');
  return `${fen < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Integer fen as ¥60,000.00. */
export function formatYuan(fen: number): string {
  const plain = fenToYuanPlain(fen);
  const negative = plain.startsWith('-');
  const [whole, cents] = (negative ? plain.slice(1) : plain).split('.') as [string, string];
  return `${negative ? '-' : ''}¥${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** Integer fen in 万元 with `decimals` places, truncated (the big screen), e.g. 123456789 → "12.34". */
export function fenToWanYuan(fen: number, decimals = 2): string {
  assertFen(fen);
  // 1 万元 = 1,000,000 fen: shift the decimal point six places in the digit string.
  const digits = String(Math.abs(fen)).padStart(7, '0');
  const whole = digits.slice(0, -6);
  const frac = digits.slice(-6, -6 + decimals || undefined);
  return `${fen < 0 ? '-' : ''}${whole}${decimals > 0 ? `.${frac}` : ''}`;
}

const CAPITAL_DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const SMALL_UNITS = ['', '拾', '佰', '仟'];
const SECTION_UNITS = ['', '万', '亿'];

/**
 * 人民币大写 per the payment-settlement writing rules: 60000000 fen → 陆万元整, 12345 → 壹佰贰拾叁元肆角伍分,
 * 10000100 → 壹拾万零壹元整, 32504 → 叁佰贰拾伍元零肆分. A leading 拾 is written 壹拾; a run of zeros is one 零;
 * 整 follows 元 when there are no 角 or 分.
 */
export function capitalYuan(fen: number): string {
  assertFen(fen);
  if (fen < 0) throw new RangeError('a capital amount is never negative');
  const digits = String(fen).padStart(3, '0');
  const yuanDigits = digits.slice(0, -2).replace(/^0+(?=\d)/, '');
  if (yuanDigits.length > 12) throw new RangeError('amount too large for 大写 (at most 9999亿)');
  const jiao = Number(digits[digits.length - 2]);
  const fenDigit = Number(digits[digits.length - 1]);
  let out = '';
  if (yuanDigits !== '0') {
    let pendingZero = false;
    const n = yuanDigits.length;
    for (let i = 0; i < n; i++) {
      const place = n - 1 - i;
      const d = Number(yuanDigits[i]);
      if (d === 0) {
        if (out) pendingZero = true;
      } else {
        if (pendingZero) out += '零';
        out += CAPITAL_DIGITS[d]! + SMALL_UNITS[place % 4]!;
        pendingZero = false;
      }
      if (place % 4 === 0 && place > 0) {
        const section = yuanDigits.slice(Math.max(0, i - 3), i + 1);
        // A section's unit ends a run: 壹拾万柒仟, but 壹拾万零伍佰 (zeros inside the next section still speak).
        if (Number(section) > 0) {
          out += SECTION_UNITS[place / 4]!;
          pendingZero = false;
        }
      }
    }
    out += '元';
  }
  if (jiao === 0 && fenDigit === 0) return out ? `${out}整` : '零元整';
  if (jiao > 0) out += `${CAPITAL_DIGITS[jiao]}角`;
  else if (out) out += '零';
  if (fenDigit > 0) out += `${CAPITAL_DIGITS[fenDigit]}分`;
  return out;
}
