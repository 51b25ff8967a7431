import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import mongoose from 'mongoose';
import type { HubContext } from '../../platform/context.ts';
import { componentLogger } from '../../platform/logger.ts';
import { ClaimModel } from '../claim.model.ts';
import { withClaimLock } from '../claimLock.ts';
import { APPROVED_STATUSES } from '../ledgerService.ts';
import { AwardBackfillModel, AwardModel, awardId } from './award.model.ts';
import { approvedAt, paidAt, type Dated } from './awardDates.ts';
import { awardTotalsBuilt, countAward, rebuildAwardTotals } from './awardTotals.ts';

const log = componentLogger('awards');

/**
 * The one writer of the awards read model (award.model.ts). Every write is made under the claim's lock from the
 * claim as it stands, so it is idempotent and ordered with the claim's own changes. A claim whose award may lag
 * (marked before the claim write, cleared after the award write) is in a Redis set: a crash between the two
 * leaves the mark, and the claims maintenance job's `awards` run publishes what it finds there. Each write also moves
 * the day totals (awardTotals.ts) to the award as written.
 */

/** The claim fields an award is written from. */
export const AWARD_SOURCE_FIELDS = {
  orgId: 1,
  program: 1,
  status: 1,
  approvedFen: 1,
  paidFen: 1,
  payment: 1,
  history: 1,
  reviewedAt: 1,
  updatedAt: 1,
} as const;

export type AwardSource = Dated & {
  _id: unknown;
  orgId: unknown;
  program: string;
  status: string;
  approvedFen?: number | null;
  paidFen?: number | null;
  payment?: { paidAt?: Date | null } | null;
};

const pendingKey = (prefix: string) => `${prefix}:awards:pending`;

/** Before a write that may change a claim's award: marks the claim until its award is written. */
export async function markAwardPending(redis: Redis, prefix: string, claimId: string): Promise<void> {
  await redis.sadd(pendingKey(prefix), claimId);
}

/** Writes (or removes) the claim's award as the claim now stands, then clears its mark. The caller holds the claim lock. */
export async function publishAward(redis: Redis, prefix: string, claim: AwardSource): Promise<void> {
  const id = String(claim._id);
  const claimId = new mongoose.Types.ObjectId(id);
  if ((APPROVED_STATUSES as readonly string[]).includes(claim.status)) {
    const approved = approvedAt(claim);
    const paid = claim.status === 'paid';
    const fields = {
      claimId,
      orgId: claim.orgId,
      program: claim.program,
      approvedFen: claim.approvedFen ?? 0,
      approvedAt: approved,
      paidFen: paid ? (claim.paidFen ?? claim.approvedFen ?? 0) : null,
      paidAt: paidAt(claim),
    };
    const _id = awardId(approved, id);
    try {
      await AwardModel.updateOne({ _id }, { $set: fields }, { upsert: true });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // The claim's award under another approval time (cannot happen today: an approval is final): replace it.
      await AwardModel.deleteMany({ claimId });
      await AwardModel.updateOne({ _id }, { $set: fields }, { upsert: true });
    }
    await countAward(redis, prefix, id, fields);
  } else {
    await AwardModel.deleteMany({ claimId });
    await countAward(redis, prefix, id, null);
  }
  await redis.srem(pendingKey(prefix), id);
}

/**
 * The claims maintenance job's `awards` run. On a database that never had awards, every approved claim is marked
 * first (the backfill); then every marked claim's award is written from the claim, under its lock.
 */
export async function publishPendingAwards(
  job: Job | null,
  ctx: HubContext,
): Promise<{ published: number; marked: number; counted: number | null }> {
  const { redis } = ctx;
  const prefix = ctx.config.REDIS_PREFIX;
  let marked = 0;
  if (!(await AwardBackfillModel.exists({ _id: 'awards' }))) {
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length) await redis.sadd(pendingKey(prefix), ...batch);
      marked += batch.length;
      batch = [];
    };
    for await (const c of ClaimModel.find({ status: { $in: [...APPROVED_STATUSES] } }, { _id: 1 })
      .lean()
      .cursor()) {
      batch.push(String(c._id));
      if (batch.length >= 1000) await flush();
    }
    await flush();
    await AwardBackfillModel.updateOne({ _id: 'awards' }, { $set: { markedAt: new Date(), claims: marked } }, { upsert: true });
    if (marked) log.info({ claims: marked }, 'awards read model: approved claims marked for publication');
  }
  const ids = await redis.smembers(pendingKey(prefix));
  let published = 0;
  for (const id of ids) {
    try {
      await withClaimLock(redis, prefix, id, async () => {
        const claim = mongoose.isValidObjectId(id) ? await ClaimModel.findById(id, AWARD_SOURCE_FIELDS).lean() : null;
        if (claim) await publishAward(redis, prefix, claim);
        else await redis.srem(pendingKey(prefix), id);
      });
      published += 1;
    } catch (err) {
      // Busy (its writer publishes it) or the store failing: the mark stays for the next run.
      log.warn({ claimId: id, err: (err as Error).message }, 'award not published; kept for the next run');
    }
    if (published % 500 === 0) await job?.updateProgress(Math.floor((100 * published) / ids.length));
  }
  if (ids.length) log.info({ published, of: ids.length }, 'awards published');
  // The day totals the disclosure search sums (awardTotals.ts), after a Redis that lost them or a direct load.
  let counted: number | null = null;
  if (!(await awardTotalsBuilt(redis, prefix))) {
    counted = await rebuildAwardTotals(redis, prefix);
    log.info({ awards: counted }, 'award day totals rebuilt');
  }
  return { published, marked, counted };
}
