import type { ProgramCode } from '../../../../config/policies/types.ts';
import type { Calculator } from './types.ts';
import { livestreamBaseCalculator } from './livestreamBase.ts';
import { povertyProcurementCalculator } from './povertyProcurement.ts';
import { brandBuildingCalculator } from './brandBuilding.ts';
import { serviceStationCalculator } from './serviceStation.ts';
import { warehouseRentCalculator } from './warehouseRent.ts';

export const calculators: Record<ProgramCode, Calculator> = {
  livestream_base: livestreamBaseCalculator,
  poverty_procurement: povertyProcurementCalculator,
  brand_building: brandBuildingCalculator,
  service_station: serviceStationCalculator,
  warehouse_rent: warehouseRentCalculator,
};

export type { Calculator, CalcClaim, CalcHistory, CalcItem, Decision, DuplicateFact } from './types.ts';
