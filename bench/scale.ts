/**
 * Scale benchmark: a county's decade — 1,000,000 orders, 20,000 claims of 5 items, 2,000,000 audit
 * events, 5,000 sessions, 10,000 products, 50,000 households — loaded straight into the database
 * (insertMany batches, progress shown), then every everyday call timed over HTTP at each level.
 * The levels grow one database (1 % → 10 % → 100 %), so the growth ratio compares the same calls on
 * the same data shapes. Prints p50/p99 per call and level and the growth ratio first → last level.
 *
 *   npm run bench:scale                    (levels 0.01,0.1,1)
 *   BENCH_SCALE=0.01,0.1 npm run bench:scale
 *   BENCH_SAMPLES=30                       (calls per measurement, default 25)
 *
 * Starts its own FerretDB (temp dir) and a private Redis key prefix; stops and cleans up by itself.
 * Measured calls touch a small fixed world (one enterprise, association, host, session) created over
 * HTTP; the loaded data belongs to other organisations, so a call that reads only its own records
 * should cost the same at every level: growth shows a query that is not served by an index.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { PNG } from 'pngjs';
import { percentile, say, startLiveBenchHub } from './liveBenchHub.ts';

const FULL = { orders: 1_000_000, claims: 20_000, audit: 2_000_000, sessions: 5_000, products: 10_000, households: 50_000 };
const LEVELS = (process.env.BENCH_SCALE ?? '0.01,0.1,1')
  .split(',')
  .map(Number)
  .filter((x) => x > 0 && x <= 1)
  .sort((a, b) => a - b);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 25);
const BATCH = 5_000;
const DECADE_MS = 10 * 365 * 86_400_000;
const ORGS = 200;
const TOWNSHIPS = ['龙浔镇', '浔中镇', '盖德镇', '三班镇', '雷峰镇', '赤水镇'];

const oid = () => new mongoose.Types.ObjectId();

async function main(): Promise<void> {
  const hub = await startLiveBenchHub({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' });
  const { must, call, liveWorld, ctx } = hub;
  const { startWorkers } = await import('../workers/main.ts');
  const { hashEvent } = await import('../server/platform/audit/auditChain.ts');
  const { AuditEventModel } = await import('../server/platform/audit/auditEvent.model.ts');
  const { syncIndexes } = await import('../server/platform/db.ts');
  const { awardId } = await import('../server/claims/awards/award.model.ts');
  const { rebuildAwardTotals } = await import('../server/claims/awards/awardTotals.ts');
  await syncIndexes();
  const workers = await startWorkers(ctx);
  const db = mongoose.connection.db!;
  try {
    // The measured world, over HTTP.
    const world = await liveWorld(1_000_000);
    const enterpriseOrg = await must('GET', `/api/v1/products/${world.product.id}`, world.admin).then((p) => p.enterpriseId as string);
    const sellerUsername = `seller_${Date.now().toString(36)}`;
    await must('POST', '/api/v1/users', world.admin, {
      username: sellerUsername,
      password: 'password-123',
      role: 'enterprise',
      orgId: enterpriseOrg,
    });
    const seller = {
      token: (await must('POST', '/api/v1/auth/login', null, { username: sellerUsername, password: 'password-123' })).token as string,
    };
    const buyer = await world.user('bureau');
    const batch = await must('POST', `/api/v1/products/${world.product.id}/batches`, seller.token, {
      ceramic: {
        claySource: '三班镇高岭土矿',
        kiln: '龙窑一号',
        firingDate: '2020-05-01',
        workshop: '月记窑作坊',
        inspector: '王检',
        giMark: '德化白瓷',
      },
      steps: [{ stage: 'firing', at: '2020-05-01T08:00:00+08:00', place: '龙窑一号' }],
      saleFrom: new Date(Date.now() - 3600_000).toISOString(),
    });

    // Background data owners: other enterprises and associations (direct inserts).
    const now = new Date();
    const orgIds = Array.from({ length: ORGS }, oid);
    await db.collection('orgs').insertMany(
      orgIds.map((_id, i) => ({
        _id,
        type: i % 10 === 0 ? 'association' : 'enterprise',
        name: `负载企业${i}`,
        creditCode: null,
        township: TOWNSHIPS[i % TOWNSHIPS.length],
        createdAt: now,
        updatedAt: now,
      })),
    );
    const fakeUser = oid();
    let loaded = { orders: 0, claims: 0, audit: 0, sessions: 0, products: 0, households: 0 };
    const productIds: mongoose.Types.ObjectId[] = [];
    const sessionIds: mongoose.Types.ObjectId[] = [];
    const at = (i: number, n: number) => new Date(now.getTime() - DECADE_MS + Math.floor((i / Math.max(1, n)) * DECADE_MS));

    async function fill(
      name: keyof typeof FULL,
      target: number,
      make: (i: number) => Record<string, unknown>,
      insert?: (docs: Record<string, unknown>[]) => Promise<unknown>,
    ) {
      const start = performance.now();
      const from = loaded[name];
      for (let i = from; i < target; i += BATCH) {
        const docs = Array.from({ length: Math.min(BATCH, target - i) }, (_, k) => make(i + k));
        if (insert) await insert(docs);
        else
          await db
            .collection(name === 'audit' ? 'audit_events' : name === 'sessions' ? 'live_sessions' : name)
            .insertMany(docs, { ordered: false });
        process.stdout.write(
          `\r  loading ${name}: ${Math.min(i + BATCH, target).toLocaleString('en')} / ${target.toLocaleString('en')}   `,
        );
      }
      if (target > from)
        process.stdout.write(
          `\r  loaded ${name}: ${(target - from).toLocaleString('en')} in ${((performance.now() - start) / 1000).toFixed(1)} s (${Math.round(((target - from) / (performance.now() - start)) * 1000)} docs/s)\n`,
        );
      loaded = { ...loaded, [name]: target };
    }

    async function loadTo(level: number): Promise<void> {
      const n = (k: keyof typeof FULL) => Math.round(FULL[k] * level);
      await fill('households', n('households'), (i) => ({
        _id: oid(),
        registryNo: `LOAD-${i}`,
        name: `户${i}`,
        township: TOWNSHIPS[i % TOWNSHIPS.length],
        village: `村${i % 50}`,
        registeredFrom: at(i, FULL.households),
        registeredUntil: null,
        createdAt: now,
        updatedAt: now,
      }));
      await fill('products', n('products'), (i) => {
        const _id = oid();
        productIds.push(_id);
        return {
          _id,
          enterpriseId: orgIds[1 + (i % (ORGS - 1))],
          name: `负载商品${i}`,
          category: 'ceramic',
          priceFen: 100 + (i % 1000),
          stock: 100,
          householdRegistryNo: null,
          brand: null,
          township: null,
          active: true,
          createdAt: at(i, FULL.products),
          updatedAt: now,
        };
      });
      await fill('sessions', n('sessions'), (i) => {
        const _id = oid();
        sessionIds.push(_id);
        const startsAt = at(i, FULL.sessions);
        return {
          _id,
          studioId: oid(),
          baseId: oid(),
          associationId: orgIds[(i % 20) * 10],
          hostUserId: fakeUser,
          title: `负载直播${i}`,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 3600_000),
          productIds: [productIds[i % productIds.length]],
          status: 'ended',
          startedAt: startsAt,
          endedAt: new Date(startsAt.getTime() + 3600_000),
          pinnedProductId: null,
          cancelledAt: null,
          cancelReason: null,
          peakViewers: 10,
          orderCount: 0,
          quantitySold: 0,
          gmvFen: 0,
          createdBy: fakeUser,
          createdAt: startsAt,
          updatedAt: startsAt,
        };
      });
      await fill('orders', n('orders'), (i) => {
        const createdAt = at(i, FULL.orders);
        return {
          _id: oid(),
          productId: productIds[i % productIds.length],
          enterpriseId: orgIds[1 + (i % (ORGS - 1))],
          buyerUserId: fakeUser,
          quantity: 1,
          unitPriceFen: 500,
          amountFen: 500,
          sessionId: sessionIds[i % sessionIds.length],
          idempotencyKey: `load-${i}`,
          status: 'placed',
          createdAt,
          updatedAt: createdAt,
          __v: 0,
        };
      });
      await fill(
        'claims',
        n('claims'),
        (i) => {
          const t = at(i, FULL.claims);
          return {
            _id: oid(),
            program: 'brand_building',
            policyVersion: 'dehua-2020',
            orgId: orgIds[1 + (i % (ORGS - 1))],
            filerUserId: fakeUser,
            status: 'paid',
            revision: 1,
            baseId: null,
            parkId: null,
            procurementIds: [],
            level: null,
            township: null,
            village: null,
            items: Array.from({ length: 5 }, (_, k) => ({
              _id: oid(),
              category: 'online_shop',
              description: `负载${k}`,
              amountFen: 20_000,
              invoiceCode: `L${i}`,
              invoiceNo: `${k}`,
              evidence: [],
              procurementId: null,
              eligible: true,
              reason: null,
              duplicateOf: null,
            })),
            claimedFen: 100_000,
            eligibleFen: 100_000,
            proposedFen: 20_000,
            approvedFen: 20_000,
            paidFen: 20_000,
            trace: [],
            history: [{ status: 'approved', at: t, by: 'load', note: null, amountFen: 20_000 }],
            submittedAt: t,
            assessedAt: t,
            reviewedAt: t,
            reviewerId: fakeUser,
            reviewNote: null,
            payment: { voucherNo: `LV-${i}`, paidAt: t, recordedBy: 'load' },
            createdAt: t,
            updatedAt: t,
          };
        },
        async (claims) => {
          await db.collection('claims').insertMany(claims, { ordered: false });
          // Their awards, as the approval and payment write them (server/claims/awards/publishAward.ts).
          await db.collection('awards').insertMany(
            claims.map((c) => {
              const t = (c.history as { at: Date }[])[0]!.at;
              return {
                _id: awardId(t, String(c._id)),
                claimId: c._id,
                orgId: c.orgId,
                program: c.program,
                approvedFen: c.approvedFen,
                approvedAt: t,
                paidFen: c.paidFen,
                paidAt: (c.payment as { paidAt: Date }).paidAt,
              };
            }),
            { ordered: false },
          );
        },
      );
      // Loaded straight into the database, the awards need their day totals rebuilt (as after restoring a backup).
      await rebuildAwardTotals(ctx.redis, ctx.config.REDIS_PREFIX);
      // Audit events continue the real chain, so the hub appends after them as usual.
      const tail = await AuditEventModel.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean<{ seq: number; hash: string }>();
      let seq = tail?.seq ?? 0;
      let hash = tail?.hash ?? '0'.repeat(64);
      const auditTarget = n('audit');
      if (auditTarget > loaded.audit) {
        // The tail moved on since the last level (measured calls append): load only the difference.
        loaded.audit = Math.min(loaded.audit, auditTarget);
        await fill('audit', auditTarget, (i) => {
          const body = {
            seq: (seq += 1),
            at: at(i, FULL.audit).toISOString(),
            actor: { id: null, username: 'load', role: null },
            action: 'load.event',
            target: { type: 'order', id: String(i) },
            before: null,
            after: { i },
            prevHash: hash,
          };
          hash = hashEvent(body);
          return { ...body, at: new Date(body.at), hash };
        });
      }
    }

    const results = new Map<string, Map<number, { p50: number; p99: number }>>();
    const record = (name: string, level: number, ms: number[]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      const byLevel = results.get(name) ?? new Map();
      byLevel.set(level, { p50: percentile(sorted, 50), p99: percentile(sorted, 99) });
      results.set(name, byLevel);
    };
    const time = async (fn: () => Promise<unknown>): Promise<number> => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    const ok = async (method: string, route: string, token: string | null, body?: unknown, status = 200) => {
      const res = await call(method, route, token, body).catch((err: Error) => {
        throw new Error(`${method} ${route}: ${err.message}`); // e.g. the 30 s timeout: name the call
      });
      if (res.status !== status) throw new Error(`${method} ${route} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      return res.body;
    };
    /** One evidence file per item (a small PNG with its own bytes), as a filer uploads it. */
    const uploadEvidence = async (token: string, id: string) => {
      const claim = await ok('GET', `/api/v1/claims/${id}`, token);
      for (const it of claim.items as { id: string }[]) {
        const png = new PNG({ width: 4, height: 4 });
        randomBytes(png.data.length).copy(png.data);
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(PNG.sync.write(png))], { type: 'image/png' }), 'invoice.png');
        const res = await fetch(`${hub.baseUrl}/api/v1/claims/${id}/items/${it.id}/evidence`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: form,
        });
        if (res.status !== 201) throw new Error(`evidence → ${res.status} ${await res.text()}`);
      }
    };
    const invoice = () => `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

    async function measure(level: number): Promise<void> {
      const samples = (name: string) => ({ name, ms: [] as number[] });
      const s = {
        signIn: samples('sign-in'),
        create: samples('claim create'),
        submit: samples('claim submit'),
        assess: samples('claim assessed after submit'),
        list: samples('claim list (filer)'),
        queue: samples('claim review queue'),
        detail: samples('claim detail'),
        review: samples('claim review (approve)'),
        pay: samples('claim payment'),
        order: samples('order'),
        sales: samples('session sales'),
        products: samples('product list'),
        trace: samples('trace page'),
        disclosure: samples('disclosure search'),
        overview: samples('overview'),
        report: samples('report (request → done)'),
      };
      for (let i = 0; i < SAMPLES; i += 1) {
        process.stdout.write(`\r  sample ${i + 1} / ${SAMPLES}   `);
        s.signIn.ms.push(await time(() => ok('POST', '/api/v1/auth/login', null, { username: sellerUsername, password: 'password-123' })));
        let claimId = '';
        s.create.ms.push(
          await time(async () => {
            claimId = (
              await ok(
                'POST',
                '/api/v1/claims',
                seller.token,
                {
                  program: 'brand_building',
                  items: [{ category: 'online_shop', description: '网店', amountFen: 10_000, invoiceCode: 'B', invoiceNo: invoice() }],
                },
                201,
              )
            ).id;
          }),
        );
        await uploadEvidence(seller.token, claimId);
        s.submit.ms.push(await time(() => ok('POST', `/api/v1/claims/${claimId}/submit`, seller.token, undefined, 202)));
        const submitted = performance.now();
        for (;;) {
          const c = await ok('GET', `/api/v1/claims/${claimId}`, seller.token);
          if (c.status === 'assessed') break;
          if (performance.now() - submitted > 30_000) throw new Error(`claim ${claimId} not assessed within 30 s`);
          await new Promise((r) => setTimeout(r, 5));
        }
        s.assess.ms.push(performance.now() - submitted);
        s.list.ms.push(await time(() => ok('GET', '/api/v1/claims', seller.token)));
        s.queue.ms.push(await time(() => ok('GET', '/api/v1/claims?status=assessed', world.admin)));
        s.detail.ms.push(await time(() => ok('GET', `/api/v1/claims/${claimId}`, world.admin)));
        // Approve until the programme cap is used up, then the same call answers 409 cap_exhausted: both are the review's cost.
        let approved = false;
        s.review.ms.push(
          await time(async () => {
            // 409 busy = the claim lock is still held by the tally (its audit append); a client tries again.
            let r = await call('POST', `/api/v1/claims/${claimId}/review`, world.admin, { decision: 'approve', note: '同意' });
            while (r.status === 409 && r.body?.error?.code === 'busy')
              r = await call('POST', `/api/v1/claims/${claimId}/review`, world.admin, { decision: 'approve', note: '同意' });
            if (r.status !== 200 && !['cap_exhausted', 'nothing_to_approve'].includes(r.body?.error?.code))
              throw new Error(`review → ${r.status} ${JSON.stringify(r.body)}`);
            approved = r.status === 200;
          }),
        );
        if (approved)
          s.pay.ms.push(
            await time(() =>
              ok('POST', `/api/v1/claims/${claimId}/payments`, world.admin, {
                voucherNo: `PV-${invoice()}`,
                paidAt: new Date().toISOString(),
              }),
            ),
          );
        s.order.ms.push(
          await time(async () => {
            const res = await fetch(`${hub.baseUrl}/api/v1/orders`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${buyer.token}`,
                'idempotency-key': `bench-${invoice()}`,
              },
              body: JSON.stringify({ productId: world.product.id, quantity: 1, sessionId: world.session.id }),
            });
            if (res.status !== 201) throw new Error(`order → ${res.status} ${await res.text()}`);
          }),
        );
        s.sales.ms.push(await time(() => ok('GET', `/api/v1/sessions/${world.session.id}/sales`, world.admin)));
        s.products.ms.push(await time(() => ok('GET', '/api/v1/products', seller.token)));
        s.trace.ms.push(await time(() => ok('GET', `/api/v1/public/trace/${batch.code}`, null)));
        s.disclosure.ms.push(await time(() => ok('GET', '/api/v1/public/disclosures/search?program=brand_building&from=2026-01-01', null)));
        s.overview.ms.push(await time(() => ok('GET', '/api/v1/public/overview', null)));
      }
      const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      for (let i = 0; i < Math.min(5, SAMPLES); i += 1) {
        s.report.ms.push(
          await time(async () => {
            const { jobId } = await ok('POST', '/api/v1/reports', world.admin, { from: day, to: day }, 202);
            for (;;) {
              const r = await ok('GET', `/api/v1/reports/${jobId}`, world.admin);
              if (r.state === 'completed') break;
              if (r.state === 'failed') throw new Error(`report failed: ${JSON.stringify(r)}`);
              await new Promise((res) => setTimeout(res, 10));
            }
          }),
        );
      }
      for (const { name, ms } of Object.values(s)) record(name, level, ms);
    }

    for (const level of LEVELS) {
      say(`level ${level * 100} %: loading…`);
      await loadTo(level);
      say(`level ${level * 100} %: measuring ${SAMPLES} samples per call over HTTP…`);
      await measure(level);
      // Each level's figures as soon as they exist: a later level that fails keeps them.
      for (const [name, byLevel] of results)
        say(
          `  ${name.padEnd(30)} p50 ${byLevel.get(level)?.p50.toFixed(1) ?? '–'} ms   p99 ${byLevel.get(level)?.p99.toFixed(1) ?? '–'} ms`,
        );
    }

    const first = LEVELS[0]!;
    const last = LEVELS.at(-1)!;
    const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1).padStart(7) : '      –');
    say('');
    say(
      `scale bench: ${LEVELS.map((l) => `${l * 100} %`).join(' → ')} of a county's decade (full: ${Object.entries(FULL)
        .map(([k, v]) => `${v.toLocaleString('en')} ${k}`)
        .join(', ')}); ${SAMPLES} samples per call; ms`,
    );
    say(
      `${'call'.padEnd(30)}${LEVELS.map((l) => `  p50@${l * 100}%`.padStart(10) + `  p99@${l * 100}%`.padStart(10)).join('')}   growth p50 ${first * 100}%→${last * 100}%`,
    );
    for (const [name, byLevel] of results) {
      const cells = LEVELS.map((l) => `   ${f(byLevel.get(l)?.p50 ?? NaN)}   ${f(byLevel.get(l)?.p99 ?? NaN)}`).join('');
      const growth = (byLevel.get(last)?.p50 ?? NaN) / (byLevel.get(first)?.p50 ?? NaN);
      say(`${name.padEnd(30)}${cells}   ${Number.isFinite(growth) ? `${growth.toFixed(2)}×` : '–'}`);
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await hub.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
