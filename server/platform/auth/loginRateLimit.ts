import type { Redis } from 'ioredis';
import { HttpError } from '../errors.ts';

export interface LoginLimits {
  prefix: string;
  maxFailuresPerUser: number;
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

/**
 * Failed logins counted per username and per client address in Redis, shared by every web process.
 * Past either limit, logins are refused with 429 and Retry-After until the window ends.
 */
export class LoginRateLimiter {
  constructor(private readonly redis: Redis, private readonly limits: LoginLimits) {}

  private keys(username: string, address: string): [string, string] {
    return [
      `${this.limits.prefix}:login-failures:user:${username.toLowerCase()}`,
      `${this.limits.prefix}:login-failures:addr:${address}`,
    ];
  }

  async assertAllowed(username: string, address: string): Promise<void> {
    const [userKey, addrKey] = this.keys(username, address);
    const [[, userCount], [, addrCount], [, userTtl], [, addrTtl]] = (await this.redis
      .multi()
      .get(userKey)
      .get(addrKey)
      .ttl(userKey)
      .ttl(addrKey)
      .exec()) as [unknown, string | null][] & [unknown, number][];
    const userBlocked = Number(userCount ?? 0) >= this.limits.maxFailuresPerUser;
    const addrBlocked = Number(addrCount ?? 0) >= this.limits.maxFailuresPerAddress;
    if (userBlocked || addrBlocked) {
      const ttl = Math.max(userBlocked ? Number(userTtl) : 0, addrBlocked ? Number(addrTtl) : 0, 1);
      throw new HttpError(
        429,
        'too_many_requests',
        `Too many failed sign-ins ${userBlocked ? 'for this user' : 'from this address'}; try again in ${ttl} s`,
        { retryAfterSeconds: ttl },
        { 'Retry-After': String(ttl) },
      );
    }
  }

  async recordFailure(username: string, address: string): Promise<void> {
    const [userKey, addrKey] = this.keys(username, address);
    const window = this.limits.windowSeconds;
    // NX keeps the window fixed from the first failure rather than sliding with every attempt.
    await this.redis.multi().incr(userKey).expire(userKey, window, 'NX').incr(addrKey).expire(addrKey, window, 'NX').exec();
  }

  async recordSuccess(username: string): Promise<void> {
    const [userKey] = this.keys(username, '');
    await this.redis.del(userKey);
  }
}
