import type { Redis } from 'ioredis';
import { HttpError } from '../errors.ts';

export interface LoginLimits {
  prefix: string;
  maxFailuresPerUser: number;
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

/**
 * Takes a slot on both counters before the password is verified, in one script, so parallel attempts
 * cannot all pass the check before any failure is recorded. Past either limit nothing is counted and the
 * reply is {0, retryAfter, which}. NX keeps the window fixed from the first attempt.
 */
const RESERVE_LUA = `
local u = tonumber(redis.call('GET', KEYS[1]) or '0')
local a = tonumber(redis.call('GET', KEYS[2]) or '0')
local userBlocked = u >= tonumber(ARGV[1])
local addrBlocked = a >= tonumber(ARGV[2])
if userBlocked or addrBlocked then
  local ttl = 1
  if userBlocked then ttl = math.max(ttl, redis.call('TTL', KEYS[1])) end
  if addrBlocked then ttl = math.max(ttl, redis.call('TTL', KEYS[2])) end
  if userBlocked then return {0, ttl, 'user'} end
  return {0, ttl, 'address'}
end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[3], 'NX')
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3], 'NX')
return {1, 0, ''}
`;

/**
 * Sign-in attempts counted per username and per client address in Redis, shared by every web process.
 * An attempt is counted before its password is checked (`assertAllowed`); a success gives the slots back
 * (`recordSuccess`), a failure keeps them. Past either limit, sign-ins are refused with 429 and Retry-After
 * until the window ends, the right password included.
 */
export class LoginRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: LoginLimits,
  ) {}

  private keys(username: string, address: string): [string, string] {
    return [`${this.limits.prefix}:login-failures:user:${username.toLowerCase()}`, `${this.limits.prefix}:login-failures:addr:${address}`];
  }

  /** Counts this attempt, or throws 429 when a limit is reached (then nothing is counted). */
  async assertAllowed(username: string, address: string): Promise<void> {
    const [userKey, addrKey] = this.keys(username, address);
    const [allowed, ttl, which] = (await this.redis.eval(
      RESERVE_LUA,
      2,
      userKey,
      addrKey,
      this.limits.maxFailuresPerUser,
      this.limits.maxFailuresPerAddress,
      this.limits.windowSeconds,
    )) as [number, number, string];
    if (allowed === 1) return;
    const retryAfter = Math.max(Number(ttl), 1);
    throw new HttpError(
      429,
      'too_many_requests',
      `Too many failed sign-ins ${which === 'user' ? 'for this user' : 'from this address'}; try again in ${retryAfter} s`,
      { retryAfterSeconds: retryAfter, limit: which },
      { 'Retry-After': String(retryAfter) },
    );
  }

  /** The attempt counted by `assertAllowed` failed: it stays counted. */
  async recordFailure(_username: string, _address: string): Promise<void> {
    // Already counted before the check.
  }

  /** A successful sign-in clears the user's counter and gives its address slot back. */
  async recordSuccess(username: string, address?: string): Promise<void> {
    const [userKey, addrKey] = this.keys(username, address ?? '');
    const multi = this.redis.multi().del(userKey);
    if (address !== undefined)
      multi.eval(`if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end return 0`, 1, addrKey);
    await multi.exec();
  }
}
