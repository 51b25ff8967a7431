import { badRequest } from '../../platform/errors.ts';
import { OrgModel, type OrgType } from './org.model.ts';

/**
 * What other components (claims, commerce, openness, live) read about organisations instead of the org model:
 * each function answers one question, and every filter is one a declared index serves
 * (test/store/queryIndexes.test.ts). Writes to organisations stay in commands/.
 */

/** Loads an organisation and checks its type, for services that attach records to one (400 naming `field`). */
export async function requireOrgOfType(id: string, types: OrgType[], field = 'orgId') {
  const org = await OrgModel.findById(id).lean();
  if (!org) throw badRequest(`Invalid field "${field}": no organisation with id ${id}`);
  if (!types.includes(org.type as OrgType)) {
    throw badRequest(`Invalid field "${field}": organisation ${id} is a ${org.type}, expected ${types.join(' or ')}`);
  }
  return org;
}

/** The whole record (null for an unknown id): a claimant's or an enterprise's organisation. */
export async function orgRecord(id: unknown) {
  return OrgModel.findById(id).lean();
}

/** The organisation's type only (null for an unknown id). */
export async function orgTypeOf(id: unknown) {
  return OrgModel.findById(id, { type: 1 }).lean();
}

/** Type, name and township (null for an unknown id): a delivery's station. */
export async function orgPlace(id: unknown) {
  return OrgModel.findById(id, { type: 1, name: 1, township: 1 }).lean();
}

/** Name and township (null for an unknown id): a batch's enterprise on its trace. */
export async function orgNameAndTownship(id: unknown) {
  return OrgModel.findById(id, { name: 1, township: 1 }).lean();
}

/** Whether an organisation with this id exists. */
export async function orgExists(id: unknown): Promise<boolean> {
  return Boolean(await OrgModel.exists({ _id: id }));
}

/** Names of these organisations (lists and exports name the organisation of each row). */
export async function orgNames(ids: string[]) {
  return OrgModel.find({ _id: { $in: ids } }, { name: 1 }).lean();
}

/** Townships of these organisations (figures by township). */
export async function orgTownships(ids: string[]) {
  return OrgModel.find({ _id: { $in: ids } }, { township: 1 }).lean();
}

/** Names and townships of these organisations (reports). */
export async function orgNamesAndTownships(ids: string[]) {
  return OrgModel.find({ _id: { $in: ids } }, { name: 1, township: 1 }).lean();
}

/** Ids of at most 1000 organisations whose name matches (the disclosure search; a scan of the name index). */
export async function orgIdsNamed(pattern: RegExp) {
  return OrgModel.find({ name: { $regex: pattern } }, { _id: 1 })
    .limit(1000)
    .lean();
}

/** The service stations, by name, at most 500 (pick-up points, station figures). */
export async function stationList() {
  return OrgModel.find({ type: 'station' }, { name: 1, township: 1 }).sort({ name: 1 }).limit(500).lean();
}

/** Those of these ids that are service stations, with name and township. */
export async function stationsAmong(ids: unknown[]) {
  return OrgModel.find({ _id: { $in: ids }, type: 'station' }, { name: 1, township: 1 }).lean();
}
