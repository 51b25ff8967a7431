import type { Redis } from 'ioredis';
import { HttpError } from '../platform/errors.ts';

export interface SignupLimits {
  prefix: string;
  maxPerAddress: number;
  maxPerPhone: number;
  windowSeconds: number;
}

// Counts an attempt per address and per number in one step, refusing (without counting) past either limit.
const ATTEMPT_SCRIPT = `
local a = tonumber(redis.call('GET', KEYS[1]) or '0')
local p = tonumber(redis.call('GET', KEYS[2]) or '0')
if a >= tonumber(ARGV[1]) then return {'address', redis.call('TTL', KEYS[1])} end
if p >= tonumber(ARGV[2]) then return {'phone', redis.call('TTL', KEYS[2])} end
redis.call('INCR', KEYS[1]); redis.call('EXPIRE', KEYS[1], ARGV[3], 'NX')
redis.call('INCR', KEYS[2]); redis.call('EXPIRE', KEYS[2], ARGV[3], 'NX')
return {'ok', 0}
`;

/** Sign-up attempts per client address and per mobile number, shared by every web process (Redis). */
export class SignupRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: SignupLimits,
  ) {}

  async attempt(phone: string, address: string): Promise<void> {
    const { prefix, maxPerAddress, maxPerPhone, windowSeconds } = this.limits;
    const [who, ttl] = (await this.redis.eval(
      ATTEMPT_SCRIPT,
      2,
      `${prefix}:signup:addr:${address}`,
      `${prefix}:signup:phone:${phone}`,
      maxPerAddress,
      maxPerPhone,
      windowSeconds,
    )) as [string, number];
    if (who === 'ok') return;
    const wait = Math.max(1, Number(ttl));
    throw new HttpError(
      429,
      'too_many_requests',
      `Too many sign-ups ${who === 'address' ? 'from this address' : 'for this number'}; try again in ${wait} s`,
      { retryAfterSeconds: wait, limit: who },
      { 'Retry-After': String(wait) },
    );
  }
}
