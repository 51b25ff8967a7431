import mongoose from 'mongoose';
import type { HubContext } from '../platform/context.ts';
import type { ProgramCode, ProgramRule } from '../../config/policies/types.ts';
import { ClaimModel } from './claim.model.ts';
import { claimQueues } from './processors/queues.ts';
import { getPolicy, programRule } from './policy/policyService.ts';
import { remainingUnderCap } from './money.ts';
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
    pending = (async () => ledger.initialise(orgId, program, await approvedClaimsFromDb(orgId, program)))().finally(() => initialising.delete(key));
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

/**
 * A station operator's cap: the fixed award of the highest level it claims (a township station's
 * award covers it; a village point alone gets the village award).
 */
export async function stationCapFen(orgId: string, rule: ProgramRule, extraLevel?: 'township' | 'village' | null): Promise<number> {
  const awards = rule.fixedAwardsFen ?? { township: 0, village: 0 };
  const levels = new Set<string>(extraLevel ? [extraLevel] : []);
  const claims = await ClaimModel.find({ orgId, program: 'service_station', status: { $ne: 'rejected' } }, { level: 1 }).lean();
  for (const c of claims) if (c.level) levels.add(c.level);
  if (!levels.size) return awards.township;
  return Math.max(...[...levels].map((l) => awards[l as 'township' | 'village'] ?? 0));
}

export async function capFor(orgId: string, program: ProgramCode, policyVersion: string, level?: 'township' | 'village' | null): Promise<number | null> {
  const rule = programRule(await getPolicy(policyVersion), program);
  if (program === 'service_station') return stationCapFen(orgId, rule, level);
  return rule.capFen;
}

/** Entitlement figures, summed from the claims themselves, so they always equal the sum of approvals. */
export async function entitlement(ctx: HubContext, orgId: string, program: ProgramCode) {
  const org = new mongoose.Types.ObjectId(orgId);
  const approved = (await sumsBy(ClaimModel, { orgId: org, program, status: { $in: [...APPROVED_STATUSES] } }, null, { approvedFen: '$approvedFen', paidFen: '$paidFen' })).get('null');
  const capFen = await capFor(orgId, program, ctx.config.HUB_POLICY_VERSION);
  const approvedFen = approved?.approvedFen ?? 0;
  const paidFen = approved?.paidFen ?? 0;
  return { program, orgId, capFen, approvedFen, paidFen, remainingFen: remainingUnderCap(capFen, approvedFen) };
}
