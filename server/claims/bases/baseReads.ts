import { BaseModel } from './base.model.ts';

/**
 * What other components (live's studios) read about bases instead of the base model; writes to bases stay in
 * commands/.
 */

/** The whole base (null for an unknown id): adding a studio checks which association runs it. */
export async function baseRecord(id: string) {
  return BaseModel.findById(id).lean();
}
