import { HouseholdModel } from './household.model.ts';

/**
 * What other components (claims, commerce, openness) read about registered households instead of the household
 * model: each function answers one question, and every filter is one a declared index serves
 * (test/store/queryIndexes.test.ts). Personal data leaves only masked (maskPersonName) on public paths.
 * Writes to the registry stay in commands/.
 */

/** Whether a household was registered on a date, and the public mask of a name: pure registry rules. */
export { maskPersonName, wasRegisteredOn } from './household.model.ts';

/** The household with this registry number (null when none): a procurement's warnings. */
export async function householdByRegistryNo(registryNo: string) {
  return HouseholdModel.findOne({ registryNo }).lean();
}

/** The registered households among these registry numbers: an assessment's registration dates. */
export async function householdsByRegistryNos(registryNos: string[]) {
  return HouseholdModel.find({ registryNo: { $in: registryNos } }).lean();
}

/** Registry number and township of these households (reports count households by township). */
export async function householdTownships(registryNos: string[]) {
  return HouseholdModel.find({ registryNo: { $in: registryNos } }, { registryNo: 1, township: 1 }).lean();
}

/** Name, township and village of one household (a batch's trace shows them, the name masked). */
export async function householdOrigin(registryNo: string) {
  return HouseholdModel.findOne({ registryNo }, { name: 1, township: 1, village: 1 }).lean();
}

/** Whether this registry number is registered. */
export async function householdExists(registryNo: string): Promise<boolean> {
  return Boolean(await HouseholdModel.exists({ registryNo }));
}
