import { z } from 'zod';
import mongoose from 'mongoose';

/** Shared building blocks for request schemas. */
export const objectId = (name = 'id') =>
  z
    .string()
    .refine((v) => mongoose.isValidObjectId(v) && /^[0-9a-f]{24}$/i.test(v), { message: `${name} must be a 24-character hex id` })
    .openapi({ example: '6650a1b2c3d4e5f601234567' });

export const idParams = z.object({ id: objectId() }).strict();

/** Money: a positive safe integer of fen, at most 10^12 (POLICY.md). */
export const fen = z
  .number({ invalid_type_error: 'must be an integer number of fen, not a string' })
  .int('must be a whole number of fen (no fractions)')
  .positive('must be positive')
  .max(1e12, 'must not exceed 10^12 fen')
  .openapi({ example: 1999900, description: 'Integer fen (1 yuan = 100 fen)' });

/**
 * Characters no text field accepts: NUL, lone UTF-16 surrogates (stored as U+FFFD, so what is stored would
 * differ from what was checked and hashed) and bidi overrides/isolates U+202A–U+202E, U+2066–U+2069 (which
 * make text display differently from what it is).
 */
const UNSAFE_TEXT = /\u0000|[\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first unsafe character of `value` as `U+XXXX`, or null when the text is safe. */
export function unsafeCharacter(value: string): string | null {
  const match = UNSAFE_TEXT.exec(value);
  return match ? `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : null;
}

export const UNSAFE_TEXT_MESSAGE = 'must not contain NUL, lone surrogates or bidi-override characters';

/** A string schema that refuses unsafe characters; every text field is built on it. */
export const safeString = () => z.string().refine((v) => unsafeCharacter(v) === null, { message: UNSAFE_TEXT_MESSAGE });

export const text = (max = 200) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((v) => unsafeCharacter(v) === null, { message: UNSAFE_TEXT_MESSAGE });

/**
 * The path and character of the first unsafe string anywhere in a request's body, query or params, so
 * the route table refuses it (400 `unsafe_text` naming the field) before any schema or handler sees it.
 */
export function findUnsafeText(value: unknown, path: string[] = []): { field: string; character: string } | null {
  if (typeof value === 'string') {
    const character = unsafeCharacter(value);
    return character ? { field: path.join('.'), character } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnsafeText(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findUnsafeText(key, [...path, key]) ?? findUnsafeText(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

export const isoDateTime = z
  .string()
  .refine((v) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)), {
    message: 'must be an ISO 8601 date or date-time',
  })
  .transform((v) => new Date(v))
  .openapi({ type: 'string', format: 'date-time', example: '2020-06-01T08:00:00+08:00' });

export const isoDate = z
  .string()
  .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)), { message: 'must be an ISO 8601 date (YYYY-MM-DD)' })
  .transform((v) => new Date(`${v}T00:00:00.000Z`))
  .openapi({ type: 'string', format: 'date', example: '2019-06-01' });

export const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};
