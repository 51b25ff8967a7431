import { ParkModel } from '../park.model.ts';
import { presentPark } from '../presenters/park.ts';

/** Every park by name (a handful in the county). */
export async function listParks() {
  return { items: (await ParkModel.find().sort({ name: 1 }).lean()).map(presentPark) };
}
