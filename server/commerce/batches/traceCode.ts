import { randomBytes } from 'node:crypto';

/** Crockford base32: no I, L, O or U, so a code read aloud or typed from a label is unambiguous. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 15 random bytes = 120 bits = 24 base32 characters; guessing a live code is hopeless. */
const CODE_BYTES = 15;
export const TRACE_CODE_LENGTH = 24;
export const TRACE_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{24}$/;

export function newTraceCode(): string {
  const bytes = randomBytes(CODE_BYTES);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** Codes are shown in upper case; a lower-case code typed by hand still finds its batch. */
export function normaliseTraceCode(input: string): string | null {
  const code = input.trim().toUpperCase();
  return TRACE_CODE_PATTERN.test(code) ? code : null;
}
