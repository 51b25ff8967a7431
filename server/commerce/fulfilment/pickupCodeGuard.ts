import type { Redis } from 'ioredis';
import { HttpError } from '../../platform/errors.ts';

/**
 * Wrong pick-up codes are limited per order: after `maxWrong` wrong codes the order's hand-over is locked for
 * `lockSeconds` (even the right code is refused meanwhile), so a six-digit code cannot be guessed at the
 * counter. Decided in one Redis step: racing guesses are all counted and none slips past the limit.
 * KEYS: wrong-code counter, lock. ARGV: code given, the order's code, max wrong, lock seconds.
 * Replies {'ok'} | {'wrong', triesLeft} | {'locked', ttl}.
 */
const GUARD_SCRIPT = `
local ttl = redis.call('TTL', KEYS[2])
if ttl > 0 then return {'locked', ttl} end
if ARGV[1] == ARGV[2] then redis.call('DEL', KEYS[1]); return {'ok', 0} end
local wrong = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
if wrong >= tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], '1', 'EX', tonumber(ARGV[4]))
  redis.call('DEL', KEYS[1])
  return {'locked', tonumber(ARGV[4])}
end
return {'wrong', tonumber(ARGV[3]) - wrong}
`;

export const pickupWrongKey = (prefix: string, orderId: string) => `${prefix}:pickup:wrong:${orderId}`;
export const pickupLockKey = (prefix: string, orderId: string) => `${prefix}:pickup:lock:${orderId}`;

export interface PickupGuardLimits {
  maxWrong: number;
  lockSeconds: number;
}

/**
 * Throws 400 pickup_code_wrong (with the tries left) or 429 pickup_locked (with Retry-After); returns when the code is right.
 * A low-level guard script, not an operation (confirmPickup calls it): it takes the Redis client, as its tests do.
 */
export async function checkPickupCode(
  redis: Redis,
  prefix: string,
  orderId: string,
  given: string,
  expected: string | null,
  limits: PickupGuardLimits,
): Promise<void> {
  const [verdict, n] = (await redis.eval(
    GUARD_SCRIPT,
    2,
    pickupWrongKey(prefix, orderId),
    pickupLockKey(prefix, orderId),
    given,
    expected ?? '',
    limits.maxWrong,
    limits.lockSeconds,
  )) as [string, number];
  if (verdict === 'ok' && expected) return;
  if (verdict === 'locked') {
    throw new HttpError(
      429,
      'pickup_locked',
      `Too many wrong pick-up codes for this order; try again in ${n} s`,
      { retryAfterSeconds: n },
      { 'Retry-After': String(n) },
    );
  }
  throw new HttpError(400, 'pickup_code_wrong', 'Invalid field "pickupCode": it is not this order\'s code', {
    field: 'pickupCode',
    triesLeft: Number(n),
  });
}
