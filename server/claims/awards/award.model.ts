import { createHash } from 'node:crypto';
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { PROGRAMS } from '../../../config/policies/types.ts';

/**
 * The awards read model: one short document per approved (or paid) claim, what the disclosure publishes.
 * Searches read these instead of whole claim documents (items, trace, history, evidence).
 *
 * Its `_id` is the approval time: 4 bytes of seconds, 2 of milliseconds, then 6 bytes of a hash of the claim id.
 * An ObjectId's order is its bytes' order, so "newest first" is a sort on `_id` and an approval-date range is an
 * `_id` range, both of which the _id index serves on MongoDB and on the patched FerretDB (which pushes neither a
 * sort nor a range on another field down): a page reads about as many documents as it shows.
 */
const awardSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    claimId: { type: Schema.Types.ObjectId, ref: 'Claim', required: true, unique: true },
    orgId: { type: Schema.Types.ObjectId, ref: 'Org', required: true, index: true },
    program: { type: String, enum: PROGRAMS, required: true },
    approvedFen: { type: Number, required: true },
    approvedAt: { type: Date, required: true },
    paidFen: { type: Number, default: null },
    paidAt: { type: Date, default: null },
  },
  { collection: 'awards', versionKey: false },
);
// One programme's awards, newest first or in a date range.
awardSchema.index({ program: 1, _id: -1 });
// Awards paid within a report's period.
awardSchema.index({ paidAt: 1 });

export type Award = InferSchemaType<typeof awardSchema>;
export const AwardModel = mongoose.model('Award', awardSchema);

/** The first `_id` of an award approved at or after `at`: `approvedAt >= at` is `_id >= awardIdBound(at)`. */
export function awardIdBound(at: Date): mongoose.Types.ObjectId {
  return awardIdOf(at, Buffer.alloc(6));
}

/** The award `_id` of a claim approved at `approvedAt` (the same every time: writes are idempotent upserts). */
export function awardId(approvedAt: Date, claimId: string): mongoose.Types.ObjectId {
  return awardIdOf(approvedAt, createHash('sha256').update(claimId).digest().subarray(0, 6));
}

function awardIdOf(at: Date, tail: Buffer): mongoose.Types.ObjectId {
  const ms = at.getTime();
  if (!(ms >= 0)) throw new RangeError(`an award date must be on or after 1970: ${at.toISOString()}`);
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(ms / 1000), 0);
  bytes.writeUInt16BE(ms % 1000, 4);
  tail.copy(bytes, 6);
  return new mongoose.Types.ObjectId(bytes);
}

/** Set once every approved claim of a database that predates the awards model has been marked for publication. */
const awardBackfillSchema = new Schema(
  { _id: { type: String, required: true }, markedAt: { type: Date, required: true }, claims: { type: Number, required: true } },
  { collection: 'award_backfills', versionKey: false },
);
export const AwardBackfillModel = mongoose.model('AwardBackfill', awardBackfillSchema);
