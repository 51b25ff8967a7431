/**
 * The audit outbox: a state change and its audit event are written in the same document update, so a
 * crash at any point leaves either neither or both. The change's document carries the event in
 * `pendingAudit` until it is in the chain; the append is idempotent (the event's `_id` derives from
 * the entry's id), so the writer, a drainer after a crash, or both may append it: it lands once.
 *
 * Drainers find pending entries through a Redis sorted set of hints (`<model>|<docId>|<entryId>`,
 * scored by time) added before the write; a hint whose entry never reached its document (the write
 * failed or never ran) is dropped once it is older than any write can take.
 */
import { randomUUID } from 'node:crypto';
import mongoose, { Schema, type Model, type Document } from 'mongoose';
import type { ChainableCommander, Redis } from 'ioredis';
import { appendAudit, type AuditEntry } from './auditLog.ts';
import { storedForm } from './auditChain.ts';
import { componentLogger } from '../logger.ts';

const log = componentLogger('audit-outbox');

/**
 * Add to a schema whose writes go through recordChange: entries keyed by their id. An entry its writer
 * appended stays (its hint is gone, so drainers skip it; saving it again is harmless); a drainer that
 * appends an entry clears it with `$unset` of its key (FerretDB's `$pull` matches whole values only).
 */
export const pendingAuditField = { pendingAudit: { type: Schema.Types.Mixed, default: undefined } };

/** The pending entries a document carries. */
export type PendingAuditMap = Record<string, PendingAuditEntry>;

/** Puts the entry into a mongoose document's pending audit events (saved with the document's next save). */
export function withPendingAudit(
  doc: { get(path: string): unknown; set(path: string, value: unknown): unknown; markModified(path: string): void },
  entry: PendingAuditEntry,
): void {
  doc.set('pendingAudit', { ...((doc.get('pendingAudit') as PendingAuditMap | null | undefined) ?? {}), [entry.id]: entry });
  doc.markModified('pendingAudit');
}

/** One audit event waiting in its document. */
export interface PendingAuditEntry {
  id: string;
  at: Date;
  actor: AuditEntry['actor'];
  action: string;
  target: AuditEntry['target'];
  before: unknown;
  after: unknown;
}

/** How long a write may take at most before its hint, with no entry in the document, is dropped. */
export const OUTBOX_GRACE_MS = 60_000;

export interface OutboxContext {
  redis: Redis;
  config: { REDIS_PREFIX: string };
}

const hintsKey = (prefix: string) => `${prefix}:audit-outbox`;
/** Entries of changes held in Redis (no document to carry them), by entry id; hinted as `redis|-|<entryId>`. */
const redisEntriesKey = (prefix: string) => `${prefix}:audit-outbox-entries`;
const REDIS_HELD = 'redis';

let registered: OutboxContext | null = null;

/** The process's Redis and prefix for services that record changes without a HubContext at hand (set at bootstrap). */
export function useAuditOutbox(ctx: OutboxContext): void {
  registered = { redis: ctx.redis, config: { REDIS_PREFIX: ctx.config.REDIS_PREFIX } };
}

function outboxContext(): OutboxContext {
  if (!registered) throw new Error('audit outbox: useAuditOutbox() was not called (bootstrap does it)');
  return registered;
}

function toEntry(p: PendingAuditEntry): AuditEntry {
  return {
    actor: p.actor,
    action: p.action,
    target: p.target,
    before: p.before,
    after: p.after,
    source: p.id,
    at: new Date(p.at).toISOString(),
  };
}

async function appendAndClear(model: Model<any>, docId: string, entry: PendingAuditEntry): Promise<number> {
  const seq = await appendAudit(toEntry(entry));
  // Clearing the outbox is not a change of the document: its updatedAt stays.
  await model.updateOne({ _id: docId }, { $unset: { [`pendingAudit.${entry.id}`]: '' } }, { timestamps: false });
  return seq;
}

function newEntry(audit: Omit<AuditEntry, 'source' | 'at'>): PendingAuditEntry {
  const entry = storedForm({
    id: randomUUID(),
    at: new Date(),
    actor: audit.actor,
    action: audit.action,
    target: audit.target,
    before: audit.before ?? null,
    after: audit.after ?? null,
  }) as PendingAuditEntry;
  entry.at = new Date(entry.at);
  return entry;
}

/**
 * Saves a mongoose document (new or changed) with the audit event of its change in the same write, then
 * chains the event (recordChange). The model's schema must spread `pendingAuditField`.
 */
export async function saveAudited<D extends Document>(
  doc: D,
  audit: Omit<AuditEntry, 'source' | 'at'>,
  ctx: OutboxContext = outboxContext(),
): Promise<D> {
  const model = doc.constructor as Model<any>;
  return recordChange(ctx, { model, id: String(doc._id), audit }, async (entry) => {
    withPendingAudit(doc, entry);
    await doc.save();
    return doc;
  });
}

/**
 * Records a change held in Redis (chat moderation) with its audit event: `change` queues the change's commands
 * on a MULTI that also stores the entry and its hint, so Redis applies both or neither; then the event is chained
 * and the entry dropped. A failed append leaves it to a drainer.
 */
export async function recordRedisChange(
  ctx: OutboxContext,
  audit: Omit<AuditEntry, 'source' | 'at'>,
  change: (multi: ChainableCommander) => void,
): Promise<void> {
  const entry = newEntry(audit);
  const prefix = ctx.config.REDIS_PREFIX;
  const hint = `${REDIS_HELD}|-|${entry.id}`;
  const multi = ctx.redis.multi();
  change(multi);
  multi.hset(redisEntriesKey(prefix), entry.id, JSON.stringify(entry)).zadd(hintsKey(prefix), Date.now(), hint);
  const results = await multi.exec();
  const failed = results?.find(([err]) => err);
  if (!results || failed) throw failed?.[0] ?? new Error('audit outbox: the Redis change was not applied');
  try {
    await appendAudit(toEntry(entry));
    await ctx.redis.multi().zrem(hintsKey(prefix), hint).hdel(redisEntriesKey(prefix), entry.id).exec();
  } catch (err) {
    log.warn(
      { err: err instanceof Error ? err.message : String(err), action: audit.action },
      'change written, audit append deferred to the outbox drainer',
    );
  }
}

/**
 * Records one state change with its audit event. `write` must persist the change and, in the same
 * document update, the given entry in the document's `pendingAudit` under its id (e.g. `withPendingAudit(doc, e)`
 * before `doc.save()`, or `$set: {[`pendingAudit.${e.id}`]: e}` beside the change). Once written, the event is
 * appended to the chain; if that fails (database gone) the change stands and a drainer appends it later.
 */
export async function recordChange<T>(
  ctx: OutboxContext,
  change: { model: Model<any>; id: string; audit: Omit<AuditEntry, 'source' | 'at'> },
  write: (entry: PendingAuditEntry) => Promise<T>,
): Promise<T> {
  const { model, id, audit } = change;
  const entry = newEntry(audit);
  const hint = `${model.modelName}|${id}|${entry.id}`;
  await ctx.redis.zadd(hintsKey(ctx.config.REDIS_PREFIX), Date.now(), hint);
  const result = await write(entry);
  try {
    // The entry stays in the document (no second write per change); its hint going is what marks it done.
    await appendAudit(toEntry(entry));
    await ctx.redis.zrem(hintsKey(ctx.config.REDIS_PREFIX), hint);
  } catch (err) {
    log.warn(
      { err: err instanceof Error ? err.message : String(err), action: audit.action, id },
      'change written, audit append deferred to the outbox drainer',
    );
  }
  return result;
}

/**
 * Appends every pending entry the hints point to (older than minAgeMs); returns how many it appended.
 * The append is idempotent, so racing the entry's writer is harmless; a hint with no entry is dropped
 * only past the grace time.
 */
export async function drainAuditOutbox(
  ctx: OutboxContext,
  options: { graceMs?: number; minAgeMs?: number; limit?: number } = {},
): Promise<number> {
  const key = hintsKey(ctx.config.REDIS_PREFIX);
  const graceMs = options.graceMs ?? OUTBOX_GRACE_MS;
  // Entries younger than minAgeMs are most likely being appended by their writer right now.
  const hints = await ctx.redis.zrangebyscore(
    key,
    '-inf',
    Date.now() - (options.minAgeMs ?? 0),
    'WITHSCORES',
    'LIMIT',
    0,
    options.limit ?? 1000,
  );
  let appended = 0;
  for (let i = 0; i < hints.length; i += 2) {
    const hint = hints[i]!;
    const score = Number(hints[i + 1]);
    const [modelName, docId, entryId] = hint.split('|');
    if (modelName === REDIS_HELD && entryId) {
      const raw = await ctx.redis.hget(redisEntriesKey(ctx.config.REDIS_PREFIX), entryId);
      if (raw) {
        await appendAudit(toEntry(JSON.parse(raw) as PendingAuditEntry));
        appended += 1;
      }
      // Written in one MULTI with its hint: no entry means it was appended and dropped already.
      await ctx.redis.multi().zrem(key, hint).hdel(redisEntriesKey(ctx.config.REDIS_PREFIX), entryId).exec();
      continue;
    }
    if (!modelName || !docId || !entryId || !mongoose.modelNames().includes(modelName)) {
      await ctx.redis.zrem(key, hint);
      continue;
    }
    const model = mongoose.model(modelName);
    const doc = await model.findById(docId, { pendingAudit: 1 }).lean<{ pendingAudit?: PendingAuditMap }>();
    const entry = doc?.pendingAudit?.[entryId];
    if (entry) {
      await appendAndClear(model, docId, entry);
      appended += 1;
      await ctx.redis.zrem(key, hint);
    } else if (Date.now() - score > graceMs) {
      await ctx.redis.zrem(key, hint);
    }
  }
  if (appended) log.info({ appended }, 'audit events drained from the outbox');
  return appended;
}

/**
 * Appends whatever is pending in one collection, without hints (hints lost with a Redis that kept
 * nothing): reads only documents that carry pending entries.
 */
export async function drainPendingIn(model: Model<any>): Promise<number> {
  let appended = 0;
  const cursor = model
    .find({ pendingAudit: { $exists: true, $ne: {} } }, { pendingAudit: 1 })
    .lean<{ _id: unknown; pendingAudit: PendingAuditMap | null }>()
    .cursor();
  for await (const doc of cursor) {
    for (const entry of Object.values(doc.pendingAudit ?? {})) {
      await appendAndClear(model, String(doc._id), entry);
      appended += 1;
    }
  }
  return appended;
}

/**
 * Drainers leave younger entries to their writers: racing a writer is harmless (idempotent) but costs a
 * refused insert and a lookup per entry on a busy machine.
 */
const DRAIN_MIN_AGE_MS = 15_000;

/** Drains at start-up and then every `everyMs` (web and worker processes); returns the stop function. */
export function startAuditOutboxDrainer(ctx: OutboxContext, everyMs = 5000): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const pass = () => {
    if (running) return; // one pass at a time
    running = drainAuditOutbox(ctx, { minAgeMs: DRAIN_MIN_AGE_MS })
      .catch((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'audit outbox drain failed; retrying'))
      .finally(() => (running = null));
  };
  pass();
  const timer = setInterval(pass, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
