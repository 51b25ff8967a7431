import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import mongoose from 'mongoose';
import { Queue } from 'bullmq';
import { api, getTestHub } from '../support/testHub.ts';
import { createOrg, createUser, type UserFixture } from '../support/factories.ts';
import { ROOT } from '../../scripts/services.ts';
import { ClaimModel } from '../../server/claims/claim.model.ts';
import { AuditEventModel } from '../../server/platform/audit/auditEvent.model.ts';
import { drainAuditOutbox } from '../../server/platform/audit/outbox.ts';
import { verifyAuditChain } from '../../server/platform/audit/auditLog.ts';
import { UniqueKeyModel } from '../../server/platform/uniqueKeys.ts';
import { assessClaim } from '../../server/claims/processors/assessClaim.ts';
import { ASSESS_QUEUE, claimQueues, enqueueAssessment } from '../../server/claims/processors/queues.ts';
import { queueOptions } from '../../server/platform/queues.ts';
import { item, startTestWorkers, stopTestWorkers } from './helpers.ts';

/** The real worker process (workers/main.ts), as `npm start` runs it. */
function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', HUB_PROCESS_NAME: 'test-worker' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => String(d).includes('workers are running') && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}): ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

async function submitMany(filer: UserFixture, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const c = await api('POST', '/api/v1/claims', {
      token: filer.token,
      body: { program: 'brand_building', items: [item('online_shop', 1000 + i), item('brand_design', 500)] },
    });
    ids.push(c.body.id);
  }
  await Promise.all(ids.map((id) => api('POST', `/api/v1/claims/${id}/submit`, { token: filer.token })));
  return ids;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every claim assessed exactly once: one 'assessed' history entry, one audit event, keys held once. */
async function expectAssessedOnce(ids: string[]): Promise<void> {
  const claims = await ClaimModel.find({ _id: { $in: ids } }).lean();
  expect(claims).to.have.length(ids.length);
  for (const c of claims) {
    expect(c.status).to.equal('assessed');
    expect(
      c.history.filter((h) => h.status === 'assessed'),
      `claim ${String(c._id)}`,
    ).to.have.length(1);
    expect(c.proposedFen).to.equal(0); // no evidence uploaded: every item ineligible
  }
  const audits = await AuditEventModel.find({ action: 'claim.assess', 'target.id': { $in: ids } }, { 'target.id': 1 }).lean();
  const perClaim = new Map<string, number>();
  for (const a of audits) perClaim.set(String(a.target?.id), (perClaim.get(String(a.target?.id)) ?? 0) + 1);
  expect([...perClaim.values()].every((n) => n === 1)).to.equal(true);
  expect(perClaim.size, 'claims assessed without their claim.assess event').to.equal(ids.length);
  expect(await UniqueKeyModel.countDocuments({ owner: { $in: ids } })).to.equal(ids.length * 2);
}

describe('tally worker: idempotency, retries and crashes (real Redis and worker processes)', function () {
  this.timeout(240_000);
  let filer: UserFixture;
  before(async () => {
    await getTestHub();
    filer = await createUser('enterprise', (await createOrg('enterprise')).id);
  });

  it('a duplicated or retried assessment job has one effect', async () => {
    const [id] = await submitMany(filer, 1);
    const { ctx } = await getTestHub();
    const claim = await ClaimModel.findById(id).lean();
    // The same submission enqueued again is dropped by its job id.
    await enqueueAssessment(ctx, id!, claim!.revision);
    const jobs = await claimQueues(ctx).assess.getJobs(['waiting', 'active', 'delayed', 'completed']);
    expect(jobs.filter((j) => j.data.claimId === id)).to.have.length(1);
    // Running the job's work twice (a retry after a lost acknowledgement) writes once.
    const first = await assessClaim(ctx, { claimId: id!, revision: claim!.revision, reason: 'submit' });
    const second = await assessClaim(ctx, { claimId: id!, revision: claim!.revision, reason: 'submit' });
    expect(first.outcome).to.equal('assessed');
    expect(second).to.deep.include({ outcome: 'skipped' });
    // A job for an older revision does nothing.
    expect((await assessClaim(ctx, { claimId: id!, revision: claim!.revision - 1, reason: 'submit' })).outcome).to.equal('skipped');
    await startTestWorkers();
    await waitUntil('queued job done', async () => (await claimQueues(ctx).assess.getJobCounts('waiting', 'active')).waiting === 0, 10_000);
    await stopTestWorkers();
    await expectAssessedOnce([id!]);
  });

  it('a job that keeps failing is retried with backoff, lands in the failed set, and the bureau can retry it', async () => {
    const { ctx } = await getTestHub();
    const missing = new mongoose.Types.ObjectId().toString();
    const queue = claimQueues(ctx).assess;
    await queue.add(
      'assess',
      { claimId: missing, revision: 1, reason: 'submit' },
      { jobId: `${missing}.r1`, attempts: 3, backoff: { type: 'exponential', delay: 50 } },
    );
    await startTestWorkers();
    try {
      await waitUntil('job in failed set', async () => (await queue.getJob(`${missing}.r1`))?.finishedOn !== undefined, 15_000);
      const job = (await queue.getJob(`${missing}.r1`))!;
      expect(job.attemptsMade).to.equal(3);
      expect(await job.isFailed()).to.equal(true);
      const bureau = await createUser('bureau');
      const failed = await api('GET', '/api/v1/claim-jobs/failed', { token: bureau.token });
      const listed = failed.body.items.find((j: any) => j.id === `${missing}.r1`);
      expect(listed).to.include({ queue: ASSESS_QUEUE, attemptsMade: 3 });
      expect(listed.failedReason).to.contain('not found');
      const retry = await api('POST', `/api/v1/claim-jobs/${ASSESS_QUEUE}/${missing}.r1/retry`, { token: bureau.token });
      expect(retry.status).to.equal(200);
      await waitUntil('retried job ran again', async () => ((await queue.getJob(`${missing}.r1`))?.attemptsMade ?? 0) > 3, 15_000);
      expect((await api('POST', `/api/v1/claim-jobs/${ASSESS_QUEUE}/nonexistent/retry`, { token: bureau.token })).status).to.equal(404);
    } finally {
      await stopTestWorkers();
      await (await queue.getJob(`${missing}.r1`))?.remove().catch(() => undefined);
    }
  });

  it('SIGTERM lets active jobs finish: nothing is lost or half-done', async () => {
    const ids = await submitMany(filer, 120);
    const child = await startWorkerProcess();
    await waitUntil(
      'some assessed',
      async () => (await ClaimModel.countDocuments({ _id: { $in: ids }, status: 'assessed' })) >= 10,
      60_000,
    );
    child.kill('SIGTERM');
    expect(await exited(child)).to.equal(0);
    const { ctx } = await getTestHub();
    const probe = new Queue(ASSESS_QUEUE, queueOptions(ctx.config));
    expect(await probe.getActiveCount()).to.equal(0); // closed cleanly: no job left active for the stalled checker
    await probe.close();
    const again = await startWorkerProcess();
    await waitUntil(
      'all assessed',
      async () => (await ClaimModel.countDocuments({ _id: { $in: ids }, status: 'assessed' })) === ids.length,
      60_000,
    );
    again.kill('SIGTERM');
    await exited(again);
    await expectAssessedOnce(ids);
  });

  it('a worker killed mid-job (SIGKILL) and restarted leaves no double effect', async () => {
    const { ctx } = await getTestHub();
    const ids = await submitMany(filer, 150);
    // The last 50 claims are locked as if another process were changing them: their jobs wait mid-job for the
    // lock however fast the worker is, so the kill always lands with work unfinished.
    const held = ids.slice(-50).map((id) => `${ctx.config.REDIS_PREFIX}:claim-lock:${id}`);
    for (const key of held) await ctx.redis.set(key, 'held-by-test', 'PX', 120_000);
    let doneAtKill: number;
    try {
      const child = await startWorkerProcess();
      await waitUntil(
        'some assessed',
        async () => (await ClaimModel.countDocuments({ _id: { $in: ids }, status: 'assessed' })) >= 20,
        60_000,
      );
      child.kill('SIGKILL');
      await exited(child);
      doneAtKill = await ClaimModel.countDocuments({ _id: { $in: ids }, status: 'assessed' });
    } finally {
      await ctx.redis.del(...held);
    }
    expect(doneAtKill).to.be.at.most(ids.length - held.length);
    // The restarted worker picks up the waiting jobs at once and the stalled ones once their locks expire (~30 s).
    const again = await startWorkerProcess();
    await waitUntil(
      'all assessed',
      async () => (await ClaimModel.countDocuments({ _id: { $in: ids }, status: 'assessed' })) === ids.length,
      150_000,
    );
    // A claim the killed worker wrote before its audit append is appended by a drainer once its outbox entry is
    // 15 s old (the web process drains every 5 s): wait for that, not for a lucky moment.
    await waitUntil(
      'every assessment audited',
      async () => (await AuditEventModel.countDocuments({ action: 'claim.assess', 'target.id': { $in: ids } })) >= ids.length,
      60_000,
    );
    again.kill('SIGTERM');
    await exited(again);
    await expectAssessedOnce(ids);
  });

  it('a worker killed between a claim write and its audit append leaves the event in the outbox, appended once after restart', async () => {
    const { ctx } = await getTestHub();
    const ids = await submitMany(filer, 6);
    // Hold the chain lock as a stuck process would: every assessment writes its claim, then waits to append.
    const lockKey = `${ctx.config.REDIS_PREFIX}:audit-chain-lock`;
    await ctx.redis.set(lockKey, 'held-by-test', 'PX', 120_000);
    let child: ChildProcess | null = null;
    try {
      child = await startWorkerProcess();
      await waitUntil(
        'all claims written as assessed',
        async () => (await ClaimModel.countDocuments({ _id: { $in: ids }, status: 'assessed' })) === ids.length,
        60_000,
      );
      expect(await AuditEventModel.countDocuments({ action: 'claim.assess', 'target.id': { $in: ids } })).to.equal(0);
      child.kill('SIGKILL');
      await exited(child);
    } finally {
      await ctx.redis.del(lockKey);
    }
    // The restarted worker drains the outbox at start-up, and the web process's drainer every few seconds: still once.
    const again = await startWorkerProcess();
    try {
      await waitUntil(
        'every assessment audited',
        async () => (await AuditEventModel.countDocuments({ action: 'claim.assess', 'target.id': { $in: ids } })) === ids.length,
        60_000,
      );
      await drainAuditOutbox(ctx, { graceMs: 0 });
    } finally {
      again.kill('SIGTERM');
      await exited(again);
    }
    await expectAssessedOnce(ids);
    // No outbox hint of these claims is left behind.
    const hints = await ctx.redis.zrange(`${ctx.config.REDIS_PREFIX}:audit-outbox`, 0, -1);
    expect(hints.filter((h) => ids.some((id) => h.includes(id)))).to.deep.equal([]);
    expect(await verifyAuditChain()).to.deep.include({ ok: true, firstBreak: null });
  });
});
