import type { ItemCategory, NegativeListEntry, PolicyDocument, ProgramRule, StationLevel } from '../../../../config/policies/types.ts';
import type { TextKey } from '../../../../config/claimTexts.ts';

/**
 * Pure calculators: (claim, history, policy) -> decision + trace. They read no database (nor import anything
 * that does); the tally worker gathers the facts (duplicates, registry, filing, station levels) first, so every
 * rule is testable by itself. They judge the items; the totals, the rate and the cap are capAndTotal's.
 */

/** Why an item collides with something already claimed. */
export interface DuplicateFact {
  kind: 'invoice' | 'file' | 'procurement' | 'procurement_invoice';
  /** The claim that holds it ("this claim" for a repeat inside the same claim). */
  heldBy: string;
  key: string;
}

export interface CalcItem {
  category: ItemCategory;
  description: string;
  amountFen: number;
  evidenceCount: number;
  duplicates: DuplicateFact[];
  /** poverty_procurement only: was the seller in the registry on the purchase date. */
  household?: { registryNo: string; found: boolean; registeredOnPurchaseDate: boolean; purchasedAt: string };
}

export interface CalcHistory {
  /** Already approved for this organisation and programme (other claims), fen. */
  approvedFen: number;
}

export interface CalcClaim {
  program: ProgramRule['code'];
  orgType: 'association' | 'enterprise' | 'station';
  items: CalcItem[];
  /** livestream_base: the base and its filing. */
  base?: { name: string; filed: boolean; filedAt: string | null } | null;
  submittedAt?: string;
  /** warehouse_rent: the park. */
  park?: { name: string; nationalDemoBase: boolean } | null;
  /**
   * service_station: the place, who already holds it, and the levels the operator claims in its other claims
   * that are not rejected (the highest sets its cap); `capFen`, when given, is a cap already decided.
   */
  station?: {
    level: StationLevel;
    township: string;
    village: string | null;
    heldBy: string | null;
    levelsClaimed?: StationLevel[];
    capFen?: number;
  };
}

export interface ItemDecision {
  eligible: boolean;
  reason: string | null;
  /** The reason as a key with parameters, rendered per language by the reader. */
  reasonKey: TextKey | null;
  duplicateOf: string | null;
}

export interface Decision {
  program: ProgramRule['code'];
  policyVersion: string;
  items: ItemDecision[];
  claimedFen: number;
  eligibleFen: number;
  /** After the rate (or the fixed award), before the cap. */
  ratedFen: number;
  capFen: number | null;
  remainingBeforeFen: number | null;
  proposedFen: number;
  trace: string[];
  /** The same lines as keys with parameters (config/claimTexts.ts). */
  traceKeys: TextKey[];
}

/** The contract's bilingual lines, with their keyed form carried beside them. */
export type Trace = string[] & { keys: TextKey[] };

export type Calculator = (claim: CalcClaim, history: CalcHistory, policy: PolicyDocument) => Decision;

export type { NegativeListEntry };
