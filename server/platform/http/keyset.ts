import { z } from 'zod';
import mongoose from 'mongoose';
import { badRequest } from '../errors.ts';
import './openapi.ts'; // extends zod with .openapi() before the schemas below use it

/**
 * Keyset paging: a page is the `limit` records after the last one the client saw, in an indexed
 * order, so a late page costs what the first does (offset paging reads and skips all before it).
 * Cursors are opaque to clients: they send back the `nextCursor` of the previous page, which is
 * null on the last one. Queries fetch `limit + 1` rows to know whether another page follows.
 */
export const keysetPaging = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(300).optional().openapi({ description: 'nextCursor of the previous page (absent: the first page)' }),
};

const invalidCursor = () => badRequest('Invalid field "cursor": use the nextCursor of the previous page', { fields: ['cursor'] });

/**
 * The `_id` condition of a page in `_id` (creation) order. The first page says `$type: objectId`:
 * every _id the hub writes is one, MongoDB bounds its index scan the same way, and it is what lets the
 * patched FerretDB read the page in _id order from the index instead of sorting the collection
 * (docs/store.md, "Sort pushdown").
 */
export function idAfter(cursor: string | undefined, direction: 1 | -1): { _id: Record<string, unknown> } {
  if (cursor === undefined) return { _id: { $type: 'objectId' } };
  if (!/^[0-9a-f]{24}$/.test(cursor)) throw invalidCursor();
  return { _id: { [direction > 0 ? '$gt' : '$lt']: new mongoose.Types.ObjectId(cursor) } };
}

/** The rows of a page fetched with `limit + 1`, and the cursor after its last row. */
export function idPage<T extends { _id: unknown }>(rows: T[], limit: number): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? String(page.at(-1)!._id) : null };
}

/** Cursor after a row in (date, _id) order, e.g. (createdAt, _id) newest first. */
export function encodeDateCursor(at: Date, id: unknown): string {
  return Buffer.from(`${at.toISOString()}|${String(id)}`).toString('base64url');
}

export function decodeDateCursor(cursor: string): { at: Date; id: mongoose.Types.ObjectId } {
  const [text, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(text ?? '');
  if (Number.isNaN(at.getTime()) || !id || !/^[0-9a-f]{24}$/.test(id)) throw invalidCursor();
  return { at, id: new mongoose.Types.ObjectId(id) };
}

/** The filter of the rows after `cursor` in descending (field, _id) order; the sort is `{[field]: -1, _id: -1}`. */
export function beforeDateCursor(field: string, cursor: string): Record<string, unknown> {
  const { at, id } = decodeDateCursor(cursor);
  return { [field]: { $lte: at }, $or: [{ [field]: { $lt: at } }, { _id: { $lt: id } }] };
}

/** Cursor after a row in the order of a unique string key (e.g. a registry number). */
export function encodeKeyCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeKeyCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!key || encodeKeyCursor(key) !== cursor) throw invalidCursor();
  return key;
}
