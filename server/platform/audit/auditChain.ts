import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Hash schemes. Version 1 (events without `v`) hashed the JS strings as given, so a lone surrogate that
 * the BSON encoder stores as U+FFFD broke the chain. Version 2 hashes the canonical UTF-8 bytes of what
 * the database stores: every string (keys included) well-formed, numbers, dates and ids in one spelling.
 */
export const CURRENT_HASH_VERSION = 2;

export interface ChainedEventBody {
  /** Hash scheme; absent on version-1 events, which are verified the old way. */
  v?: number;
  seq: number;
  at: string;
  actor: { id: string | null; username: string | null; role: string | null };
  action: string;
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
  prevHash: string;
}

/** JSON with object keys sorted at every level, so the same event always hashes the same (scheme v1). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** A string as the BSON encoder writes it: UTF-8, so every lone surrogate becomes U+FFFD. */
export function storedString(s: string): string {
  // ES2024 String methods (Node 20 has them; the project's TS lib is ES2023).
  const wf = s as unknown as { isWellFormed(): boolean; toWellFormed(): string };
  return wf.isWellFormed() ? s : wf.toWellFormed();
}

function isObjectIdLike(value: object): value is { toHexString: () => string } {
  return (
    typeof (value as { toHexString?: unknown }).toHexString === 'function' && (value as { _bsontype?: string })._bsontype === 'ObjectId'
  );
}

/**
 * The value as the database keeps it, in plain JSON terms: strings well-formed, dates as ISO strings,
 * ObjectIds as hex, undefined object members dropped and undefined array slots null (as JSON does).
 * Audit events store exactly this, so what verify reads back is what was hashed.
 */
export function storedForm(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return storedString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (isObjectIdLike(value)) return value.toHexString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function' && !Array.isArray(value)) {
    return storedForm((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) return value.map((v) => storedForm(v));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out[storedString(k)] = storedForm(v);
  }
  return out;
}

/**
 * Scheme v2's canonical text: storedForm, keys sorted by their UTF-16 code units, numbers as
 * JSON writes them (shortest round-trip form), hashed as UTF-8. Applying storedForm here too makes
 * the hash a function of what is stored, whatever the caller passed.
 */
export function canonicalStoredJson(value: unknown): string {
  const v = storedForm(value);
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => canonicalStoredJson(x)).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalStoredJson(x)}`).join(',')}}`;
}

export function hashEvent(body: ChainedEventBody): string {
  if (body.v === undefined || body.v === null) return createHash('sha256').update(canonicalJson(body)).digest('hex');
  if (body.v === 2)
    return createHash('sha256')
      .update(Buffer.from(canonicalStoredJson(body), 'utf8'))
      .digest('hex');
  throw new Error(`audit chain: unknown hash scheme v${String(body.v)}`);
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
    if (body.v !== undefined && body.v !== null && body.v !== 2)
      return { seq: event.seq, reason: `unknown hash scheme v${String(body.v)}` };
    if (hashEvent(body) !== hash) return { seq: event.seq, reason: 'hash does not match the event content (the event was altered)' };
    this.prevHash = hash;
    this.expectedSeq += 1;
    return null;
  }
}
