/**
 * The per-address media transport cap across every web process (MEDIASOUP_MAX_TRANSPORTS_PER_ADDRESS):
 * each open viewer transport holds one slot, a member of a Redis sorted set per address scored by its
 * expiry. The holding process renews its slots every third of the TTL; a process that crashed stops
 * renewing, so its slots expire by themselves and the address gets its share back.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { componentLogger } from '../../platform/logger.ts';

const log = componentLogger('media-address-slots');

/** Expired slots are dropped first; a slot is taken only under the limit. Redis's clock: one for all processes. */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/** Renews the given slots (XX: a slot released meanwhile is not brought back). */
const RENEW = `
local t = redis.call('TIME')
local expiry = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expiry, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

const COUNT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')`;

/** How long a slot outlives its holder's last renewal. */
export const ADDRESS_SLOT_TTL_MS = 30_000;

export class AddressSlots {
  /** Slots this process holds, by address. */
  private readonly held = new Map<string, Set<string>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly limit: number,
    private readonly ttlMs = ADDRESS_SLOT_TTL_MS,
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(Math.floor(ttlMs / 3), 50));
    this.timer.unref();
  }

  private key(address: string): string {
    return `${this.prefix}:media-address:${address}`;
  }

  /** Takes a slot for the address; resolves with its id, or with null when the address has its share. */
  async take(address: string): Promise<string | null> {
    const slot = randomUUID();
    const taken = Number(await this.redis.eval(TAKE, 1, this.key(address), this.limit, this.ttlMs, slot));
    if (!taken) return null;
    let slots = this.held.get(address);
    if (!slots) this.held.set(address, (slots = new Set()));
    slots.add(slot);
    return slot;
  }

  release(address: string, slot: string): void {
    const slots = this.held.get(address);
    slots?.delete(slot);
    if (slots && !slots.size) this.held.delete(address);
    // Not awaited by the closing transport: a failed release still expires with its TTL.
    this.redis
      .zrem(this.key(address), slot)
      .catch((err: unknown) => log.warn({ err: String(err) }, 'address slot not released; it expires'));
  }

  /** Slots open for the address across every process. */
  async count(address: string): Promise<number> {
    return Number(await this.redis.eval(COUNT, 1, this.key(address)));
  }

  /** Slots this process holds for the address. */
  heldHere(address: string): number {
    return this.held.get(address)?.size ?? 0;
  }

  private async renew(): Promise<void> {
    try {
      for (const [address, slots] of this.held) {
        if (slots.size) await this.redis.eval(RENEW, 1, this.key(address), this.ttlMs, ...slots);
      }
    } catch (err) {
      log.warn({ err: String(err) }, 'address slots not renewed; retrying');
    }
  }

  /** Stops renewing and gives back every slot this process holds (a clean shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const held = [...this.held];
    this.held.clear();
    await Promise.all(held.map(([address, slots]) => this.redis.zrem(this.key(address), ...slots).catch(() => undefined)));
  }
}
