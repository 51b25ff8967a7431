/**
 * The tally's two writes per claim, group-committed across the assessments running side by side in
 * this worker process: key reservations go as one unordered insertMany, assessment results as one
 * unordered bulkWrite of updates by `_id`. Each claim still awaits its own outcome under its own claim
 * lock, so the single-writer rule per claim is unchanged; only round trips are shared.
 */
import mongoose from 'mongoose';
import { ClaimModel } from '../claim.model.ts';
import { UniqueKeyModel } from '../../platform/uniqueKeys.ts';
import { GroupCommit, writeErrorsOf, type ItemOutcome } from '../../platform/groupCommit.ts';

interface Reservation {
  owner: string;
  keys: string[];
}

/** Inserts every claim's keys at once; returns, per claim, the keys that were already held (by anyone). */
async function insertReservations(items: Reservation[]): Promise<ItemOutcome<string[]>[]> {
  const at = new Date();
  const docs: { _id: string; owner: string; at: Date }[] = [];
  const itemOf: number[] = [];
  items.forEach((r, i) => {
    for (const key of r.keys) {
      docs.push({ _id: key, owner: r.owner, at });
      itemOf.push(i);
    }
  });
  const taken: string[][] = items.map(() => []);
  if (docs.length) {
    try {
      await UniqueKeyModel.collection.insertMany(docs as unknown as { _id: mongoose.Types.ObjectId }[], { ordered: false });
    } catch (err) {
      const errors = writeErrorsOf(err);
      if (errors) {
        // Duplicate keys are expected; anything else is a real failure (the jobs retry).
        if (errors.some((e) => e.code !== 11000)) throw err;
        for (const e of errors) taken[itemOf[e.index]!]!.push(docs[e.index]!._id);
      } else if ((err as { code?: number }).code === 11000) {
        items.forEach((r, i) => (taken[i] = [...r.keys])); // no per-key detail: look every key up
      } else {
        throw err;
      }
    }
  }
  return taken.map((value) => ({ ok: true, value }));
}

const reservations = new GroupCommit<Reservation, string[]>(insertReservations);

/**
 * Reserves every key the claim needs; returns each key's holder (`owner` for keys it holds, including
 * on a retry). Lookups of keys already taken go by `_id`, which every backend serves from its index.
 */
export async function reserveKeys(owner: string, keys: string[]): Promise<Map<string, string>> {
  const distinct = [...new Set(keys)];
  const holders = new Map<string, string>();
  if (!distinct.length) return holders;
  const taken = await reservations.submit({ owner, keys: distinct });
  for (const k of distinct) holders.set(k, owner);
  const found = await Promise.all(taken.map((k) => UniqueKeyModel.findById(k, { owner: 1 }).lean()));
  taken.forEach((k, i) => {
    const holder = found[i]?.owner;
    if (holder) holders.set(k, holder);
  });
  return holders;
}

interface ClaimWrite {
  id: mongoose.Types.ObjectId;
  set: Record<string, unknown>;
}

async function writeClaims(items: ClaimWrite[]): Promise<ItemOutcome<true>[]> {
  // Filter on _id alone: the claim lock already makes this the only writer of the claim (no __v).
  const ops = items.map(({ id, set }) => ({ updateOne: { filter: { _id: id }, update: { $set: set } } }));
  try {
    await ClaimModel.collection.bulkWrite(ops, { ordered: false });
    return items.map(() => ({ ok: true, value: true }));
  } catch (err) {
    const errors = writeErrorsOf(err);
    if (!errors) throw err;
    const failed = new Map(errors.map((e) => [e.index, e]));
    return items.map((_, i) => {
      const e = failed.get(i);
      return e ? { ok: false, error: new Error(`claim write failed: ${e.errmsg ?? e.code}`) } : { ok: true, value: true };
    });
  }
}

const claimWrites = new GroupCommit<ClaimWrite, true>(writeClaims);

/** Writes the given top-level fields of a claim (already cast, e.g. from toObject()). */
export function writeClaimFields(id: mongoose.Types.ObjectId, set: Record<string, unknown>): Promise<true> {
  return claimWrites.submit({ id, set });
}
