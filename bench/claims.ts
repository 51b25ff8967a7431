/**
 * Claims benchmark: 10,000 submitted claims of 5 items each go through the tally queue (BullMQ + the
 * real processors), then every claim is reviewed for approval through the single-writer ledger.
 * Prints claims assessed per second, approvals per second, the raw insert rate of the same FerretDB
 * in the same run (so the figures read as a ratio), and checks the cap invariant at the end.
 *
 *   npm run bench:claims            (BENCH_CLAIMS=2000 for a shorter run)
 *
 * Starts its own FerretDB on a free port and a private Redis key prefix; stops and cleans up by itself.
 * Evidence files are not uploaded here (uploads are HTTP/disk work, not tally work): each item carries
 * evidence metadata with a distinct SHA-256, which is all the tally reads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { Redis } from 'ioredis';
import { deleteRedisPrefix, ensureRedis, freePort, startFerretDb } from '../scripts/services.ts';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 10_000);
const ITEMS = 5;
const ORGS = Math.max(1, Math.round(CLAIMS / 100));
const APPROVAL_CONCURRENCY = 32;

function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-claims-'));
  const port = await freePort();
  const ferret = await startFerretDb(path.join(dataDir, 'ferretdb'), port, path.join(dataDir, 'ferretdb.log'));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisService = await ensureRedis(redisUrl, path.join(dataDir, 'redis'));
  const prefix = `bench${process.pid}`;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    MONGODB_URI: `mongodb://127.0.0.1:${port}/hub_bench`,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    HUB_BCRYPT_ROUNDS: '4',
    HUB_UPLOAD_DIR: path.join(dataDir, 'uploads'),
  });
  // Imported after the environment is set: the logger and config read it at load time.
  const { bootstrap } = await import('../server/bootstrap.ts');
  const { startWorkers } = await import('../workers/main.ts');
  const { ClaimModel } = await import('../server/claims/claim.model.ts');
  const { OrgModel } = await import('../server/registry/orgs/org.model.ts');
  const { claimQueues, stopClaimQueues, assessJobId } = await import('../server/claims/processors/queues.ts');
  const { reviewClaim } = await import('../server/claims/commands/reviewClaim.ts');
  const { entitlement } = await import('../server/claims/ledgerService.ts');

  const ctx = await bootstrap();
  let workers: Awaited<ReturnType<typeof startWorkers>> = [];
  try {
    // 1. Raw insert rate of this database: single-document inserts at the workers' concurrency.
    const raw = mongoose.connection.db!.collection('bench_raw_inserts');
    const rawDocs = CLAIMS;
    let next = 0;
    const rawStart = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < rawDocs) {
          const i = (next += 1);
          await raw.insertOne({
            i,
            orgId: new mongoose.Types.ObjectId(),
            status: 'submitted',
            items: Array.from({ length: ITEMS }, (_, k) => ({ k, amountFen: 1000 })),
          });
        }
      }),
    );
    const rawMs = performance.now() - rawStart;
    // The same database's update-by-_id rate on that collection: FerretDB 1.24/SQLite scans the collection
    // on every update (find by _id is pushed down, update is not), which bounds the tally's claim writes.
    const rawIds = (await raw.find({}, { projection: { _id: 1 }, limit: 200 }).toArray()).map((d) => d._id);
    const updStart = performance.now();
    let u = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (u < rawIds.length) await raw.updateOne({ _id: rawIds[u++]! }, { $set: { status: 'assessed' } });
      }),
    );
    const updMs = performance.now() - updStart;

    // 2. Fixture: organisations and 10,000 submitted claims (written in bulk; submission = status + job).
    const orgs = await OrgModel.insertMany(Array.from({ length: ORGS }, (_, i) => ({ type: 'enterprise', name: `bench-enterprise-${i}` })));
    const filer = new mongoose.Types.ObjectId();
    const now = new Date();
    const docs = Array.from({ length: CLAIMS }, (_, i) => ({
      program: 'brand_building',
      policyVersion: 'dehua-2020',
      orgId: orgs[i % ORGS]!._id,
      filerUserId: filer,
      status: 'submitted',
      revision: 1,
      submittedAt: now,
      claimedFen: ITEMS * 200_000,
      items: Array.from({ length: ITEMS }, (_, k) => ({
        category: k === 4 ? 'salary' : 'online_shop',
        description: `item ${k}`,
        amountFen: 200_000,
        invoiceCode: `B${i}`,
        invoiceNo: `${k}`,
        evidence: [
          {
            fileId: `bench-${i}-${k}`,
            sha256: createHash('sha256').update(randomBytes(16)).digest('hex'),
            filename: 'x.png',
            contentType: 'image/png',
            size: 100,
          },
        ],
      })),
      history: [{ status: 'submitted', at: now, by: 'bench' }],
    }));
    for (let i = 0; i < docs.length; i += 1000) await ClaimModel.insertMany(docs.slice(i, i + 1000), { lean: true });
    const ids = (await ClaimModel.find({ status: 'submitted' }, { _id: 1 }).lean()).map((c) => String(c._id));

    // 3. Through the queue: enqueue every assessment, run the real processors, wait for the last one.
    const { assess } = claimQueues(ctx);
    workers = await startWorkers(ctx);
    const assessStart = performance.now();
    for (let i = 0; i < ids.length; i += 1000) {
      await assess.addBulk(
        ids.slice(i, i + 1000).map((claimId) => ({
          name: 'assess',
          data: { claimId, revision: 1, reason: 'submit' as const },
          opts: { jobId: assessJobId(claimId, 1, 'submit') },
        })),
      );
    }
    // Every job is enqueued before this point, so the run is over when none waits, runs or awaits a retry
    // (the queue keeps only the last 1,000 completed jobs, so completed counts cannot tell).
    let lastShown = 0;
    for (;;) {
      const counts = await assess.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
      if (counts.waiting + counts.active + counts.delayed + counts.prioritized === 0) {
        if (counts.failed) console.error(`${counts.failed} assessment jobs failed`);
        break;
      }
      if (performance.now() - lastShown > 5000) {
        lastShown = performance.now();
        process.stderr.write(`  ${counts.waiting + counts.prioritized + counts.delayed} assessments waiting, ${counts.active} running\n`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const assessMs = performance.now() - assessStart;
    const assessed = await ClaimModel.countDocuments({ status: 'assessed' });

    // 4. Approvals through the single-writer ledger, many at once across organisations.
    const reviewer = { id: new mongoose.Types.ObjectId().toString(), username: 'bench-reviewer', role: 'bureau' as const, orgId: null };
    let approved = 0;
    let capRefusals = 0;
    let cursor = 0;
    const approveStart = performance.now();
    await Promise.all(
      Array.from({ length: APPROVAL_CONCURRENCY }, async () => {
        while (cursor < ids.length) {
          const id = ids[cursor++]!;
          try {
            await reviewClaim(ctx, reviewer, { claimId: id, decision: 'approve', note: 'bench' });
            approved += 1;
          } catch (err) {
            if ((err as { code?: string }).code === 'cap_exhausted') capRefusals += 1;
            else throw err;
          }
        }
      }),
    );
    const approveMs = performance.now() - approveStart;

    // 5. The invariant: per organisation, approved ≤ cap and equal to the sum of the approvals.
    let violations = 0;
    for (const org of orgs) {
      const orgId = String(org._id);
      const e = await entitlement(ctx, orgId, 'brand_building');
      const sum = (await ClaimModel.find({ orgId, status: 'approved' }, { approvedFen: 1 }).lean()).reduce(
        (s, c) => s + (c.approvedFen ?? 0),
        0,
      );
      const ledgerTotal = await claimQueues(ctx).ledger.approvedTotal(orgId, 'brand_building');
      if (e.approvedFen > (e.capFen ?? Infinity) || e.approvedFen !== sum || ledgerTotal !== sum) violations += 1;
    }

    const lines = [
      `claims bench (${CLAIMS} claims × ${ITEMS} items, ${ORGS} enterprises, FerretDB 1.24/SQLite, ${os.cpus().length} cores)`,
      `  raw insert rate (same FerretDB, 16 concurrent insertOne): ${rate(rawDocs, rawMs)} docs/s`,
      `  raw update-by-_id rate (same collection, ${rawDocs} docs): ${rate(rawIds.length, updMs)} updates/s`,
      `  assessed through the queue: ${assessed}/${CLAIMS} in ${(assessMs / 1000).toFixed(1)} s = ${rate(assessed, assessMs)} claims/s` +
        ` (${(rate(assessed, assessMs) / rate(rawDocs, rawMs)).toFixed(3)} × the raw insert rate, ${(rate(assessed, assessMs) / rate(rawIds.length, updMs)).toFixed(2)} × the raw update rate)`,
      `  approvals (${APPROVAL_CONCURRENCY} concurrent, Lua ledger): ${approved} approved + ${capRefusals} refused at the cap in ${(approveMs / 1000).toFixed(1)} s = ${rate(approved + capRefusals, approveMs)} reviews/s`,
      `  cap invariant (approved ≤ cap, = Σ approvals, = ledger): ${violations === 0 ? 'holds' : `VIOLATED for ${violations} organisations`} across ${ORGS} enterprises`,
      `  target ≥ 500 claims assessed/s: ${rate(assessed, assessMs) >= 500 ? 'met' : 'not met'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (violations) process.exitCode = 1;
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await stopClaimQueues(ctx);
    const cleaner = new Redis(redisUrl);
    await deleteRedisPrefix(cleaner, prefix);
    cleaner.disconnect();
    ctx.redis.disconnect();
    await mongoose.disconnect();
    await ferret.stop();
    await redisService?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
