import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEventBody {
  seq: number;
  at: string;
  actor: { id: string | null; username: string | null; role: string | null };
  action: string;
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
  prevHash: string;
}

/** JSON with object keys sorted at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashEvent(body: ChainedEventBody): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export type ChainBreak = { seq: number; reason: string };

/** Checks events one at a time in sequence order, so a long chain is verified without holding it in memory. */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;

  /** Returns the break this event shows, or null when it links correctly. */
  check(event: ChainedEventBody & { hash: string }): ChainBreak | null {
    if (event.seq !== this.expectedSeq) {
      return { seq: event.seq, reason: `expected sequence ${this.expectedSeq}, found ${event.seq} (an event is missing)` };
    }
    if (event.prevHash !== this.prevHash) {
      return { seq: event.seq, reason: 'prevHash does not match the previous event (an event was removed or reordered)' };
    }
    const { hash, ...body } = event;
    if (hashEvent(body) !== hash) return { seq: event.seq, reason: 'hash does not match the event content (the event was altered)' };
    this.prevHash = hash;
    this.expectedSeq += 1;
    return null;
  }
}
