import type { Redis } from 'ioredis';

/**
 * The approval ledger: one Redis Lua script per (organisation, programme) holds the running approved
 * total and each claim's grant. Redis runs a script atomically, so it is the single writer: two
 * approvals racing for the last of a cap are serialised there and cannot both take it — which a
 * read-modify-write in the database (FerretDB's findOneAndUpdate is not atomic) could not promise.
 *
 * Why a Lua script rather than a BullMQ queue with global concurrency 1: the review request gets its
 * answer in the same round trip (no worker process needed on the approval path), and the per-claim
 * grant hash makes a retried approval return the same grant instead of taking the cap twice.
 *
 * The database stays the record: the counter is initialised from the approved claims when absent
 * (first use, or after Redis lost its data), and entitlement figures are summed from the claims.
 */

const GRANT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {-2, 0, 0} end
local total = tonumber(redis.call('GET', KEYS[1]))
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then return {1, tonumber(existing), total} end
local requested = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local grant = requested
if cap >= 0 then
  local remaining = cap - total
  if remaining < grant then grant = remaining end
end
if grant <= 0 then return {0, 0, total} end
redis.call('HSET', KEYS[2], ARGV[1], grant)
redis.call('INCRBY', KEYS[1], grant)
return {1, grant, total + grant}
`;

const RELEASE = `
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if not existing then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('DECRBY', KEYS[1], tonumber(existing))
return tonumber(existing)
`;

const INIT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1
`;

export type GrantResult =
  | { outcome: 'granted'; grantFen: number; totalFen: number }
  | { outcome: 'cap_exhausted'; totalFen: number }
  | { outcome: 'uninitialised' };

export interface LedgerRedis extends Redis {
  hubLedgerGrant(total: string, grants: string, claimId: string, requested: string, cap: string): Promise<[number, number, number]>;
  hubLedgerRelease(total: string, grants: string, claimId: string): Promise<number>;
  hubLedgerInit(total: string, grants: string, ...args: string[]): Promise<number>;
}

export class ApprovalLedger {
  private readonly redis: LedgerRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    this.redis = redis as LedgerRedis;
    // defineCommand is idempotent per name; EVALSHA with a fallback to EVAL after a script flush.
    if (!(this.redis as unknown as { hubLedgerGrant?: unknown }).hubLedgerGrant) {
      this.redis.defineCommand('hubLedgerGrant', { numberOfKeys: 2, lua: GRANT });
      this.redis.defineCommand('hubLedgerRelease', { numberOfKeys: 2, lua: RELEASE });
      this.redis.defineCommand('hubLedgerInit', { numberOfKeys: 2, lua: INIT });
    }
  }

  /** Keys share a hash tag so the script also runs on a Redis Cluster. */
  keys(orgId: string, program: string): [string, string] {
    const tag = `{${orgId}:${program}}`;
    return [`${this.prefix}:ledger:${tag}:total`, `${this.prefix}:ledger:${tag}:grants`];
  }

  /** Takes up to `requestedFen` under the cap (null = none) for the claim; a retry returns the same grant. */
  async grant(orgId: string, program: string, claimId: string, requestedFen: number, capFen: number | null): Promise<GrantResult> {
    const [total, grants] = this.keys(orgId, program);
    const [code, grantFen, totalFen] = await this.redis.hubLedgerGrant(total, grants, claimId, String(requestedFen), String(capFen ?? -1));
    if (code === -2) return { outcome: 'uninitialised' };
    if (code === 0) return { outcome: 'cap_exhausted', totalFen };
    return { outcome: 'granted', grantFen, totalFen };
  }

  /** Gives a claim's grant back (a claim returned or rejected after a grant whose write never landed). */
  async release(orgId: string, program: string, claimId: string): Promise<number> {
    const [total, grants] = this.keys(orgId, program);
    return this.redis.hubLedgerRelease(total, grants, claimId);
  }

  /** Seeds the counter from the database's approved claims, unless another process already did. */
  async initialise(orgId: string, program: string, approved: { claimId: string; amountFen: number }[]): Promise<void> {
    const [total, grants] = this.keys(orgId, program);
    const sum = approved.reduce((s, a) => s + a.amountFen, 0);
    await this.redis.hubLedgerInit(total, grants, String(sum), ...approved.flatMap((a) => [a.claimId, String(a.amountFen)]));
  }

  async approvedTotal(orgId: string, program: string): Promise<number | null> {
    const value = await this.redis.get(this.keys(orgId, program)[0]);
    return value === null ? null : Number(value);
  }

  async grantOf(orgId: string, program: string, claimId: string): Promise<number | null> {
    const value = await this.redis.hget(this.keys(orgId, program)[1], claimId);
    return value === null ? null : Number(value);
  }
}
