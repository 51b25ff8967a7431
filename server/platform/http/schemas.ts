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

export const text = (max = 200) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

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
