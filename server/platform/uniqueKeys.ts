import mongoose, { Schema } from 'mongoose';
import { isDuplicateKeyError } from './errors.ts';

/**
 * Uniqueness for optional or composite values (a credit code when given, an invoice code+number,
 * a file hash, one station per village): the value becomes the `_id` of a reservation document, and
 * `_id` is unique on MongoDB and FerretDB alike, without sparse or partial indexes.
 */
const uniqueKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    at: { type: Date, default: () => new Date() },
  },
  { collection: 'unique_keys', versionKey: false },
);
uniqueKeySchema.index({ owner: 1 });
export const UniqueKeyModel = mongoose.model('UniqueKey', uniqueKeySchema);

/** Reserves `key` for `owner`; true when reserved now or already held by the same owner. */
export async function reserveUniqueKey(key: string, owner: string): Promise<boolean> {
  try {
    await UniqueKeyModel.create({ _id: key, owner });
    return true;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const holder = await UniqueKeyModel.findById(key).lean();
    return holder?.owner === owner;
  }
}

export async function releaseUniqueKeys(owner: string, keys?: string[]): Promise<void> {
  await UniqueKeyModel.deleteMany(keys ? { owner, _id: { $in: keys } } : { owner });
}
