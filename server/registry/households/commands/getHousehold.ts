import { notFound } from '../../../platform/errors.ts';
import { HouseholdModel } from '../household.model.ts';
import { presentHousehold } from '../presenters/household.ts';

export type GetHouseholdCommand = { householdId: string };

export async function getHousehold(command: GetHouseholdCommand) {
  const h = await HouseholdModel.findById(command.householdId).lean();
  if (!h) throw notFound('Household');
  return presentHousehold(h);
}
