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
let queue: Promise<unknown> = Promise.resolve();

async function loadTail(): Promise<{ seq: number; hash: string }> {
  const last = await AuditEventModel.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean<{ seq: number; hash: string }>();
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
}

async function appendNow(entry: AuditEntry): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    tail ??= await loadTail();
    const body: ChainedEventBody = {
      seq: tail.seq + 1,
      at: new Date().toISOString(),
      actor: entry.actor ? { id: entry.actor.id, username: entry.actor.username, role: entry.actor.role } : { id: null, username: 'system', role: null },
      action: entry.action,
      target: entry.target,
      before: plain(entry.before),
      after: plain(entry.after),
      prevHash: tail.hash,
    };
    const hash = hashEvent(body);
    try {
      await AuditEventModel.create({ ...body, at: new Date(body.at), hash });
      tail = { seq: body.seq, hash };
      return body.seq;
    } catch (err) {
      // Another process appended first: the unique seq index refused ours, so re-read the tail and chain after it.
      if (!isDuplicateKeyError(err)) throw err;
      tail = null;
    }
  }
  throw new Error('audit log: could not append after 50 attempts; the chain is under heavy contention');
}

/**
 * Appends one event to the hash chain. Appends are serialised inside the process, and the unique
 * `seq` index serialises them across processes, so the chain never forks.
 */
export function appendAudit(entry: AuditEntry): Promise<number> {
  const next = queue.then(() => appendNow(entry));
  queue = next.catch(() => undefined);
  return next;
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
