import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { AuditEventModel } from './auditEvent.model.ts';
import {
  CURRENT_HASH_VERSION,
  GENESIS_HASH,
  hashEvent,
  ChainVerifier,
  storedForm,
  storedString,
  type ChainBreak,
  type ChainedEventBody,
} from './auditChain.ts';
import { isDuplicateKeyError } from '../errors.ts';
import { withRedisLocks } from '../redisLock.ts';
import type { AuthUser } from '../auth/roles.ts';

export interface AuditEntry {
  actor: Pick<AuthUser, 'id' | 'username' | 'role'> | null;
  action: string;
  target: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  /**
   * Idempotency id of the change this event records (an outbox entry): the event's `_id` is derived
   * from it, so a retried drain after a crash never appends it twice.
   */
  source?: string;
  /** When the change happened (ISO); defaults to now. */
  at?: string;
}

/** The ObjectId an event with this source id gets: the unique `_id` index makes the append idempotent. */
export function sourceEventId(source: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`audit-source:${source}`).digest().subarray(0, 12));
}

type Tail = { seq: number; hash: string };
let tail: Tail | null = null;

interface Pending {
  entry: AuditEntry;
  at: string;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}
let pending: Pending[] = [];
let draining = false;

/**
 * The last event. `seq` runs 1, 2, 3… without gaps (each append takes the next number under the chain lock, and an
 * ordered batch lands as a prefix), so the tail is found by point look-ups on the unique `seq` index — galloping up
 * from `hint`, a seq known or believed to exist, then bisecting — about 2·log2(n) of them. Never a sort: FerretDB
 * on SQLite sorts in Go over every event (docs/store.md), which at 200,000 events held the chain lock past a
 * client's 30 s timeout after Redis lost the cached tail.
 */
async function loadTailFromDb(hint = 0): Promise<Tail> {
  const eventAt = (seq: number) => AuditEventModel.findOne({ seq }, { seq: 1, hash: 1 }).lean<Tail>();
  let last = hint > 0 ? await eventAt(hint) : null;
  const lastSeq = () => last?.seq ?? 0;
  let absent = 0;
  for (let step = 1; !absent; step *= 2) {
    const next = await eventAt(lastSeq() + step);
    if (next) last = next;
    else absent = lastSeq() + step;
  }
  while (absent - lastSeq() > 1) {
    const mid = Math.floor((lastSeq() + absent) / 2);
    const probe = await eventAt(mid);
    if (probe) last = probe;
    else absent = mid;
  }
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
}

function chainBody(entry: AuditEntry, at: string, seq: number, prevHash: string): ChainedEventBody {
  // storedForm: the event keeps exactly what is hashed, so verify recomputes the same bytes.
  return storedForm({
    v: CURRENT_HASH_VERSION,
    seq,
    at,
    actor: entry.actor
      ? { id: entry.actor.id, username: entry.actor.username, role: entry.actor.role }
      : { id: null, username: 'system', role: null },
    action: entry.action,
    target: entry.target,
    before: entry.before ?? null,
    after: entry.after ?? null,
    prevHash,
  }) as ChainedEventBody;
}

/**
 * Cross-process serialisation: every process that writes the chain takes this Redis lock for a batch,
 * so batches never interleave, and keeps the chain's tail in Redis beside it. Without it (one-off
 * scripts) appends go one by one and the unique `seq` index alone decides who wins.
 */
let chainLock: { redis: Redis; key: string; tailKey: string } | null = null;

export function useAuditChainLock(redis: Redis, prefix: string): void {
  chainLock = { redis, key: `${prefix}:audit-chain-lock`, tailKey: `${prefix}:audit-chain-tail` };
}

async function withChainLock<T>(fn: () => Promise<T>): Promise<T> {
  if (!chainLock) return fn();
  return withRedisLocks(chainLock.redis, [chainLock.key], fn, {
    ttlMs: 15_000,
    waitMs: 30_000,
    // Batches are short: retry often rather than back off.
    retry: { firstMs: 2, maxMs: 2 },
    busy: () => new Error('audit log: waited 30 s for the chain lock; is another process stuck?'),
  });
}

function chainDocs(batch: Pending[], from: Tail) {
  let { seq, hash } = from;
  return batch.map((p) => {
    const body = chainBody(p.entry, p.at, (seq += 1), hash);
    hash = hashEvent(body);
    const source = p.entry.source === undefined ? {} : { _id: sourceEventId(p.entry.source), source: storedString(p.entry.source) };
    return { ...body, ...source, at: new Date(body.at), hash };
  });
}

/** The same change queued twice here (its writer and a drainer): one entry, both callers learn its seq. */
function dedupeInBatch(batch: Pending[]): Pending[] {
  const first = new Map<string, Pending>();
  const rest: Pending[] = [];
  for (const p of batch) {
    const source = p.entry.source;
    const earlier = source === undefined ? undefined : first.get(source);
    if (earlier) {
      const resolveEarlier = earlier.resolve;
      earlier.resolve = (seq) => (resolveEarlier(seq), p.resolve(seq));
      continue;
    }
    if (source !== undefined) first.set(source, p);
    rest.push(p);
  }
  return rest;
}

/**
 * After a duplicate-key refusal of an entry with a source: if that source's event is in the chain,
 * resolve the entry with its seq and return true. (FerretDB does not name the index a duplicate hit,
 * so `_id` and `seq` conflicts are told apart by this lookup, made only on the refusal path.)
 */
async function resolvedAsAppended(p: Pending | undefined): Promise<boolean> {
  if (p?.entry.source === undefined) return false;
  const existing = await AuditEventModel.findById(sourceEventId(p.entry.source), { seq: 1 }).lean<{ seq: number }>();
  if (!existing) return false;
  p.resolve(existing.seq);
  return true;
}

function firstWriteError(err: unknown): { index: number; message: string } | null {
  const raw = (err as { writeErrors?: unknown }).writeErrors;
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as {
    index?: number;
    errmsg?: string;
    err?: { index?: number; errmsg?: string };
  }[];
  const e = list[0];
  if (!e) return null;
  const index = e.index ?? e.err?.index;
  return typeof index === 'number' ? { index, message: e.errmsg ?? e.err?.errmsg ?? '' } : null;
}

async function readTail(): Promise<Tail> {
  if (!chainLock) return (tail ??= await loadTailFromDb());
  const cached = await chainLock.redis.get(chainLock.tailKey);
  if (cached) return JSON.parse(cached) as Tail;
  // Start looking from the highest seq this process has seen: its last append, or a seq its insert collided with
  // (which also steps over a gap left by a deleted event, so a tampered log cannot wedge the appends).
  return loadTailFromDb(Math.max(tail?.seq ?? 0, seqSeen));
}

/** The highest seq this process knows to exist (a collision proves it): where the next tail search starts. */
let seqSeen = 0;

/**
 * Writes one batch; returns the entries still to write. The happy path is one insert: an entry whose
 * source is already chained (a drain retried after a crash) is found by the unique `_id` index refusing
 * it, never by reading the log first.
 */
async function writeBatch(batch: Pending[]): Promise<Pending[]> {
  const todo = dedupeInBatch(batch);
  if (chainLock) {
    const lock = chainLock;
    // Under the lock nobody else appends: take the tail, write the whole batch at once.
    return withChainLock(async () => {
      const docs = chainDocs(todo, await readTail());
      let inserted = docs.length;
      let failure: unknown = null;
      try {
        await AuditEventModel.collection.insertMany(docs, { ordered: true });
      } catch (err) {
        failure = err;
        inserted = firstWriteError(err)?.index ?? 0;
      }
      todo.slice(0, inserted).forEach((p, i) => p.resolve(docs[i]!.seq));
      if (inserted > 0) {
        const last = docs[inserted - 1]!;
        tail = { seq: last.seq, hash: last.hash };
        await lock.redis.set(lock.tailKey, JSON.stringify(tail));
      }
      if (!failure) return [];
      if (isDuplicateKeyError(failure) && (await resolvedAsAppended(todo[inserted]))) {
        // Already in the chain: answered with its seq; chain the rest after what did land.
        return todo.slice(inserted + 1);
      }
      // A lock-less writer (a one-off script) moved the tail, or the insert half-landed: re-read the tail.
      if (isDuplicateKeyError(failure)) seqSeen = Math.max(seqSeen, docs[inserted]!.seq);
      await lock.redis.del(lock.tailKey);
      if (isDuplicateKeyError(failure)) return todo.slice(inserted);
      throw failure;
    });
  }
  for (let i = 0; i < todo.length; i += 1) {
    const [doc] = chainDocs([todo[i]!], await readTail());
    try {
      await AuditEventModel.collection.insertOne(doc!);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      if (await resolvedAsAppended(todo[i])) return todo.slice(i + 1);
      // Another process appended first: chain the rest after the new tail.
      tail = null;
      return todo.slice(i);
    }
    tail = { seq: doc!.seq, hash: doc!.hash };
    todo[i]!.resolve(doc!.seq);
  }
  return [];
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  let batch: Pending[] = [];
  try {
    while (pending.length) {
      batch = pending.splice(0, 500);
      for (let attempt = 0; batch.length; attempt += 1) {
        if (attempt >= 50) throw new Error('audit log: could not append after 50 attempts; the chain is under heavy contention');
        batch = await writeBatch(batch);
      }
    }
  } catch (err) {
    // The write failed (database down): every waiting caller learns it, and the next append re-reads the tail.
    tail = null;
    const failed = [...batch, ...pending];
    pending = [];
    for (const p of failed) p.reject(err);
  } finally {
    draining = false;
  }
}

/**
 * Appends one event to the hash chain and resolves with its sequence number. Appends made while a
 * write is in flight are chained and written together; the unique `seq` index serialises processes,
 * so the chain never forks. An entry with a `source` is appended at most once, however often it is
 * passed (see outbox.ts).
 */
export function appendAudit(entry: AuditEntry): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    pending.push({ entry, at: entry.at ?? new Date().toISOString(), resolve, reject });
    void drain();
  });
}

/** Streams the chain in order and reports the first broken link. */
export async function verifyAuditChain(
  onProgress?: (checked: number) => void,
): Promise<{ ok: boolean; events: number; firstBreak: ChainBreak | null }> {
  const verifier = new ChainVerifier();
  let events = 0;
  const cursor = AuditEventModel.find({}).sort({ seq: 1 }).lean().cursor();
  for await (const doc of cursor) {
    const d = doc as unknown as Record<string, unknown> & { at: Date };
    const firstBreak = verifier.check({
      ...(d.v === undefined || d.v === null ? {} : { v: d.v as number }),
      seq: d.seq as number,
      at: new Date(d.at).toISOString(),
      actor: d.actor as ChainedEventBody['actor'],
      action: d.action as string,
      target: d.target as ChainedEventBody['target'],
      before: d.before ?? null,
      after: d.after ?? null,
      prevHash: d.prevHash as string,
      hash: d.hash as string,
    });
    if (firstBreak) return { ok: false, events, firstBreak };
    events += 1;
    if (onProgress && events % 10000 === 0) onProgress(events);
  }
  return { ok: true, events, firstBreak: null };
}
