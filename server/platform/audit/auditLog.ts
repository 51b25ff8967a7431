import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AuditEventModel } from './auditEvent.model.ts';
import { GENESIS_HASH, hashEvent, ChainVerifier, type ChainBreak, type ChainedEventBody } from './auditChain.ts';
import { isDuplicateKeyError } from '../errors.ts';
import type { AuthUser } from '../auth/roles.ts';

export interface AuditEntry {
  actor: Pick<AuthUser, 'id' | 'username' | 'role'> | null;
  action: string;
  target: { type: string; id: string };
  before?: unknown;
  after?: unknown;
}

/** A JSON round trip makes what we hash equal to what the database gives back (dates as strings, ids as strings). */
function plain(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

let tail: { seq: number; hash: string } | null = null;

interface Pending {
  entry: AuditEntry;
  at: string;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}
let pending: Pending[] = [];
let draining = false;

async function loadTail(): Promise<{ seq: number; hash: string }> {
  const last = await AuditEventModel.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean<{ seq: number; hash: string }>();
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
}

function chainBody(entry: AuditEntry, at: string, seq: number, prevHash: string): ChainedEventBody {
  return {
    seq,
    at,
    actor: entry.actor ? { id: entry.actor.id, username: entry.actor.username, role: entry.actor.role } : { id: null, username: 'system', role: null },
    action: entry.action,
    target: entry.target,
    before: plain(entry.before),
    after: plain(entry.after),
    prevHash,
  };
}

/**
 * Cross-process serialisation: every process that writes the chain takes this Redis lock for a batch,
 * so batches never interleave. Without it (one-off scripts) appends go one by one and the unique `seq`
 * index alone decides who wins.
 */
let chainLock: { redis: Redis; key: string } | null = null;

export function useAuditChainLock(redis: Redis, prefix: string): void {
  chainLock = { redis, key: `${prefix}:audit-chain-lock` };
}

const RELEASE_LOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

async function withChainLock<T>(fn: () => Promise<T>): Promise<T> {
  if (!chainLock) return fn();
  const { redis, key } = chainLock;
  const token = randomUUID();
  const deadline = Date.now() + 30_000;
  while ((await redis.set(key, token, 'PX', 15_000, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new Error('audit log: waited 30 s for the chain lock; is another process stuck?');
    await new Promise((r) => setTimeout(r, 2));
  }
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE_LOCK, 1, key, token);
  }
}

function chainDocs(batch: Pending[], from: { seq: number; hash: string }) {
  let { seq, hash } = from;
  return batch.map((p) => {
    const body = chainBody(p.entry, p.at, (seq += 1), hash);
    hash = hashEvent(body);
    return { ...body, at: new Date(body.at), hash };
  });
}

/** Writes one batch; returns the entries still to write (after a lost race in lock-less mode). */
async function writeBatch(batch: Pending[]): Promise<Pending[]> {
  if (chainLock) {
    // Under the lock nobody else appends: read the true tail and write the whole batch at once.
    return withChainLock(async () => {
      const docs = chainDocs(batch, await loadTail());
      await AuditEventModel.insertMany(docs, { ordered: true });
      tail = { seq: docs.at(-1)!.seq, hash: docs.at(-1)!.hash };
      batch.forEach((p, i) => p.resolve(docs[i]!.seq));
      return [];
    });
  }
  tail ??= await loadTail();
  for (let i = 0; i < batch.length; i += 1) {
    const [doc] = chainDocs([batch[i]!], tail);
    try {
      await AuditEventModel.create(doc);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // Another process appended first: chain the rest after the new tail.
      tail = null;
      return batch.slice(i);
    }
    tail = { seq: doc!.seq, hash: doc!.hash };
    batch[i]!.resolve(doc!.seq);
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
 * so the chain never forks.
 */
export function appendAudit(entry: AuditEntry): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    pending.push({ entry, at: new Date().toISOString(), resolve, reject });
    void drain();
  });
}

/** Forget the cached tail (tests that rewrite the collection). */
export function resetAuditTail(): void {
  tail = null;
}

/** Streams the chain in order and reports the first broken link. */
export async function verifyAuditChain(onProgress?: (checked: number) => void): Promise<{ ok: boolean; events: number; firstBreak: ChainBreak | null }> {
  const verifier = new ChainVerifier();
  let events = 0;
  const cursor = AuditEventModel.find({}).sort({ seq: 1 }).lean().cursor();
  for await (const doc of cursor) {
    const d = doc as unknown as Record<string, unknown> & { at: Date };
    const firstBreak = verifier.check({
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
