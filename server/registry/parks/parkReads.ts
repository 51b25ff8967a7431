import { ParkModel } from './park.model.ts';

/**
 * What claims read about e-commerce parks instead of the park model (a warehouse rent claim names one).
 * Writes to parks stay in commands/.
 */

/** The park (null for an unknown id). */
export async function parkRecord(id: unknown) {
  return ParkModel.findById(id).lean();
}
