import mongoose from 'mongoose';
import type { HubContext } from '../platform/context.ts';
import type { ProgramCode, StationLevel } from '../../config/policies/types.ts';
import { ClaimModel } from './claim.model.ts';
import { claimQueues } from './processors/queues.ts';
import { policyInForce } from './policy/policyService.ts';
import { programRule } from './policy/rules.ts';
import { capAndTotal } from './policy/capAndTotal.ts';
import { sumsBy } from '../platform/aggregate.ts';

/** Statuses whose approvedFen counts against the cap. */
export const APPROVED_STATUSES = ['approved', 'paid'] as const;

async function approvedClaimsFromDb(orgId: string, program: string) {
  const claims = await ClaimModel.find({ orgId, program, status: { $in: APPROVED_STATUSES } }, { approvedFen: 1 }).lean();
  return claims.map((c) => ({ claimId: String(c._id), amountFen: c.approvedFen ?? 0 }));
}

/** Initialisations in flight in this process: concurrent callers for the same (org, programme) share one read. */
const initialising = new Map<string, Promise<void>>();

/** Seeds the Redis ledger for (org, programme) from the database when it has no counter yet. */
export async function ensureLedger(ctx: HubContext, orgId: string, program: string): Promise<void> {
  const { ledger } = claimQueues(ctx);
  if ((await ledger.approvedTotal(orgId, program)) !== null) return;
  const key = `${orgId}:${program}`;
  let pending = initialising.get(key);
  if (!pending) {
    pending = (async () => ledger.initialise(orgId, program, await approvedClaimsFromDb(orgId, program)))().finally(() =>
      initialising.delete(key),
    );
    initialising.set(key, pending);
  }
  await pending;
}

/** Approved so far for (org, programme), from the single-writer ledger. */
export async function approvedSoFar(ctx: HubContext, orgId: string, program: string): Promise<number> {
  const { ledger } = claimQueues(ctx);
  let total = await ledger.approvedTotal(orgId, program);
  if (total === null) {
    await ensureLedger(ctx, orgId, program);
    total = (await ledger.approvedTotal(orgId, program)) ?? 0;
  }
  return total;
}

/** The station levels an operator claims in its claims that are not rejected (a fact for capAndTotal). */
export async function stationLevelsClaimed(orgId: string): Promise<StationLevel[]> {
  const claims = await ClaimModel.find({ orgId, program: 'service_station', status: { $ne: 'rejected' } }, { level: 1 }).lean();
  return [...new Set(claims.map((c) => c.level).filter((l): l is StationLevel => l === 'township' || l === 'village'))];
}

/** Entitlement figures: approved and paid summed from the claims (so they always equal the approvals), cap from the version in force. */
export async function entitlement(ctx: HubContext, orgId: string, program: ProgramCode) {
  const org = new mongoose.Types.ObjectId(orgId);
  const [sums, policy, levels] = await Promise.all([
    sumsBy(ClaimModel, { orgId: org, program, status: { $in: [...APPROVED_STATUSES] } }, null, {
      approvedFen: '$approvedFen',
      paidFen: '$paidFen',
    }),
    policyInForce(ctx),
    program === 'service_station' ? stationLevelsClaimed(orgId) : Promise.resolve([]),
  ]);
  const approvedFen = sums.get('null')?.approvedFen ?? 0;
  const paidFen = sums.get('null')?.paidFen ?? 0;
  const { capFen, remainingBeforeFen } = capAndTotal({
    rule: programRule(policy, program),
    items: [],
    stationLevelsClaimed: levels,
    approvedFen,
  });
  return { program, orgId, capFen, approvedFen, paidFen, remainingFen: remainingBeforeFen };
}
