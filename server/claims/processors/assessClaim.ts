import type { Job } from 'bullmq';
import type { HubContext } from '../../platform/context.ts';
import { ClaimModel, type ClaimDocument } from '../claim.model.ts';
import { BaseModel } from '../bases/base.model.ts';
import { parkRecord } from '../../registry/parks/parkReads.ts';
import { orgRecord } from '../../registry/orgs/orgReads.ts';
import { householdsByRegistryNos, wasRegisteredOn } from '../../registry/households/householdReads.ts';
import { ProcurementModel } from '../procurements/procurement.model.ts';
import { UniqueKeyModel } from '../../platform/uniqueKeys.ts';
import { reserveKeys, writeClaimFields } from './tallyWrites.ts';
import { policyInForce, watchPolicyPublications } from '../policy/policyService.ts';
import { calculators, type CalcClaim, type CalcItem, type DuplicateFact } from '../policy/calculators/index.ts';
import { saveClaimAudited } from '../claimAudit.ts';
import { hubEvents } from '../../platform/events.ts';
import { withClaimLock } from '../claimLock.ts';
import { approvedSoFar, stationLevelsClaimed } from '../ledgerService.ts';
import type { AssessJobData } from './queues.ts';
import { componentLogger } from '../../platform/logger.ts';
import type { StationLevel } from '../../../config/policies/types.ts';

const log = componentLogger('claims-tally');

export const TALLY_ACTOR = { id: 'system:tally', username: 'tally-worker', role: 'bureau' as const };

export function invoiceKey(code: string, no: string): string {
  return `invoice:${code}:${no}`;
}

/** Facts a calculator needs, gathered from the database; reservations are taken here. */
async function gatherFacts(claim: ClaimDocument): Promise<{ calc: CalcClaim; keys: string[] }> {
  const claimId = String(claim._id);
  const itemKeys: { kind: DuplicateFact['kind']; key: string }[][] = claim.items.map((item) => {
    const keys: { kind: DuplicateFact['kind']; key: string }[] = [];
    if (item.procurementId) keys.push({ kind: 'procurement', key: `procurement:${String(item.procurementId)}` });
    if (claim.program === 'poverty_procurement') keys.push({ kind: 'procurement_invoice', key: `procurement-invoice:${item.invoiceNo}` });
    else keys.push({ kind: 'invoice', key: invoiceKey(item.invoiceCode, item.invoiceNo) });
    for (const e of item.evidence) keys.push({ kind: 'file', key: `file:${e.sha256}` });
    return keys;
  });
  let stationKey: string | null = null;
  if (claim.program === 'service_station' && claim.township) {
    stationKey =
      claim.level === 'village' ? `station:village:${claim.township}/${claim.village ?? ''}` : `station:township:${claim.township}`;
  }
  const allKeys = [...itemKeys.flat().map((k) => k.key), ...(stationKey ? [stationKey] : [])];
  const holders = await reserveKeys(claimId, allKeys);

  const seen = new Map<string, number>();
  const households = new Map<string, { registeredFrom: Date; registeredUntil: Date | null }>();
  const procurements = new Map<string, { householdRegistryNo: string; purchasedAt: Date }>();
  if (claim.program === 'poverty_procurement') {
    const records = (await Promise.all(claim.procurementIds.map((id) => ProcurementModel.findById(id).lean()))).filter((r) => r !== null);
    for (const r of records) procurements.set(String(r._id), { householdRegistryNo: r.householdRegistryNo, purchasedAt: r.purchasedAt });
    const registry = await householdsByRegistryNos(records.map((r) => r.householdRegistryNo));
    for (const h of registry)
      households.set(h.registryNo, { registeredFrom: h.registeredFrom, registeredUntil: h.registeredUntil ?? null });
  }

  const items: CalcItem[] = claim.items.map((item, index) => {
    const duplicates: DuplicateFact[] = [];
    for (const { kind, key } of itemKeys[index]!) {
      const holder = holders.get(key);
      const earlier = seen.get(key);
      if (holder && holder !== claimId) duplicates.push({ kind, key, heldBy: `申报 claim ${holder}` });
      else if (earlier !== undefined) duplicates.push({ kind, key, heldBy: `本申报第${earlier + 1}项 item ${earlier + 1} of this claim` });
      if (earlier === undefined) seen.set(key, index);
    }
    const calcItem: CalcItem = {
      category: item.category as CalcItem['category'],
      description: item.description,
      amountFen: item.amountFen,
      evidenceCount: item.evidence.length,
      duplicates,
    };
    if (item.procurementId) {
      const p = procurements.get(String(item.procurementId));
      const h = p ? households.get(p.householdRegistryNo) : undefined;
      calcItem.household = {
        registryNo: p?.householdRegistryNo ?? '?',
        found: Boolean(h),
        registeredOnPurchaseDate: Boolean(h && p && wasRegisteredOn(h, p.purchasedAt)),
        purchasedAt: (p?.purchasedAt ?? new Date(0)).toISOString(),
      };
    }
    return calcItem;
  });

  const calc: CalcClaim = { program: claim.program, orgType: 'enterprise', items, submittedAt: claim.submittedAt?.toISOString() };
  if (claim.program === 'livestream_base') {
    const base = claim.baseId ? await BaseModel.findById(claim.baseId).lean() : null;
    calc.base = base ? { name: base.name, filed: base.filed, filedAt: base.filedAt ? base.filedAt.toISOString() : null } : null;
    calc.orgType = 'association';
  } else if (claim.program === 'warehouse_rent') {
    const park = claim.parkId ? await parkRecord(claim.parkId) : null;
    calc.park = park ? { name: park.name, nationalDemoBase: park.nationalDemoBase } : null;
  } else if (claim.program === 'service_station') {
    const org = await orgRecord(claim.orgId);
    calc.orgType = (org?.type ?? 'enterprise') as CalcClaim['orgType'];
    const holder = stationKey ? holders.get(stationKey) : undefined;
    calc.station = {
      level: (claim.level ?? 'township') as StationLevel,
      township: claim.township ?? '',
      village: claim.village ?? null,
      heldBy: holder && holder !== claimId ? `申报 claim ${holder}` : null,
      levelsClaimed: await stationLevelsClaimed(String(claim.orgId)),
    };
  }
  return { calc, keys: allKeys };
}

export interface AssessOutcome {
  outcome: 'assessed' | 'skipped';
  reason?: string;
  proposedFen?: number;
}

/**
 * The tally: applies the policy in force to a submitted claim. Idempotent: the job names the claim's
 * revision, and the claim is written only while it is still at that revision and in a state the job
 * may change, under the claim's lock — so a retried, duplicated or restarted job has one effect.
 */
export async function assessClaim(ctx: HubContext, data: AssessJobData): Promise<AssessOutcome> {
  return withClaimLock(
    ctx.redis,
    ctx.config.REDIS_PREFIX,
    data.claimId,
    async () => {
      const claim = await ClaimModel.findById(data.claimId);
      if (!claim) throw new Error(`claim ${data.claimId} not found`);
      if (claim.revision !== data.revision)
        return { outcome: 'skipped', reason: `claim is at revision ${claim.revision}, job is for ${data.revision}` };
      const allowed = data.reason === 'submit' ? ['submitted'] : ['submitted', 'assessed'];
      if (!allowed.includes(claim.status)) return { outcome: 'skipped', reason: `claim is ${claim.status}` };

      // The version in force on the submission date, whatever has been published since.
      const policy = await policyInForce(ctx, claim.submittedAt ?? new Date());
      const { calc, keys } = await gatherFacts(claim);
      const claimId = String(claim._id);
      // A corrected claim may have dropped an invoice or file: give back what it no longer uses.
      if (claim.revision > 1 || data.reason !== 'submit') {
        await UniqueKeyModel.deleteMany({ owner: claimId, _id: { $nin: keys } });
      }
      const history = { approvedFen: await approvedSoFar(ctx, String(claim.orgId), claim.program) };
      const decision = calculators[claim.program](calc, history, policy);
      const before = { status: claim.status, proposedFen: claim.proposedFen };
      decision.items.forEach((d, i) => {
        const item = claim.items[i]!;
        item.eligible = d.eligible;
        item.reason = d.reason;
        item.reasonKey = d.reasonKey;
        item.duplicateOf = d.duplicateOf;
      });
      const now = new Date();
      claim.set({
        status: 'assessed',
        policyVersion: policy.version,
        claimedFen: decision.claimedFen,
        eligibleFen: decision.eligibleFen,
        proposedFen: decision.proposedFen,
        trace: decision.trace,
        traceKeys: decision.traceKeys,
        assessedAt: now,
      });
      claim.history.push({
        status: 'assessed',
        at: now,
        by: TALLY_ACTOR.username,
        note: data.reason === 'submit' ? null : `re-assessed (${data.reason})`,
        amountFen: decision.proposedFen,
      });
      await saveClaimAudited(ctx, claim, {
        actor: TALLY_ACTOR,
        action: 'claim.assess',
        before,
        after: {
          status: 'assessed',
          revision: claim.revision,
          eligibleFen: decision.eligibleFen,
          proposedFen: decision.proposedFen,
          policyVersion: policy.version,
        },
      });
      hubEvents.emit('claim.assessed', { claimId, orgId: String(claim.orgId), program: claim.program, proposedFen: decision.proposedFen });
      return { outcome: 'assessed', proposedFen: decision.proposedFen };
    },
    20_000,
  );
}

export async function processAssessJob(job: Job<AssessJobData>, ctx: HubContext): Promise<AssessOutcome> {
  // A worker process caches policies only once it hears every publication.
  await watchPolicyPublications(ctx);
  const result = await assessClaim(ctx, job.data);
  if (result.outcome === 'skipped') log.debug({ jobId: job.id, reason: result.reason }, 'assessment skipped');
  return result;
}
