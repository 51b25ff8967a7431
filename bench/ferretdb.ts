/**
 * Benchmark: the patched FerretDB (scripts/ferretdb/*.patch, SQLite using its indexes) beside the
 * unpatched v1.24.2 build, in the same run, with the MongoDB driver on a fresh SQLite database each.
 * Times updateOne/findOne by the _id of a late document and find by an indexed field (about 200
 * documents per value), at BENCH_FERRETDB_DOCS documents.
 *
 * Then, on the patched build, the rate of concurrent single-document inserts and updates by _id (what the
 * tally and the request paths do) with SQLite's synchronous=full (an fsync per commit) beside synchronous=normal
 * (the test suite's; HUB_SQLITE_SYNCHRONOUS), each on a fresh database.
 *
 *   npm run bench:ferretdb                       # 40,000 documents
 *   BENCH_FERRETDB_DOCS=5000 npm run bench:ferretdb
 *   BENCH_FERRETDB_WRITES=4000 BENCH_FERRETDB_WRITERS=16 npm run bench:ferretdb
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { ferretDbBinary, freePort, startFerretDb } from '../scripts/services.ts';

const DOCS = Number(process.env.BENCH_FERRETDB_DOCS ?? 40_000);
const ORGS = Math.max(1, Math.round(DOCS / 200));
// The unpatched build takes most of a second per call at 40,000 documents: fewer samples there.
const REPS = { patched: Number(process.env.BENCH_FERRETDB_REPS ?? 30), unpatched: Number(process.env.BENCH_FERRETDB_SLOW_REPS ?? 5) };
const BATCH = 1000;
const WRITES = Number(process.env.BENCH_FERRETDB_WRITES ?? 2000);
const WRITERS = Number(process.env.BENCH_FERRETDB_WRITERS ?? 16);

const say = (line: string) => process.stdout.write(`${line}\n`);
const median = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

type Build = 'patched' | 'unpatched';
type Figures = Record<string, number>;

async function measure(build: Build, root: string): Promise<Figures> {
  const port = await freePort();
  const service = await startFerretDb(path.join(root, build), port, path.join(root, `${build}.log`), { bin: ferretDbBinary(build) });
  const client = new mongoose.mongo.MongoClient(`mongodb://127.0.0.1:${port}/`);
  try {
    await client.connect();
    const items = client.db('bench_ferretdb').collection('items');
    await items.createIndex({ orgId: 1 });
    await items.createIndex({ status: 1 });
    const figures: Figures = {};

    const loadStart = performance.now();
    for (let from = 0; from < DOCS; from += BATCH) {
      const batch = [];
      for (let i = from; i < Math.min(DOCS, from + BATCH); i++) {
        batch.push({ orgId: `org${i % ORGS}`, seq: i, status: i % 10 ? 'paid' : 'draft', amountFen: 1000 + (i % 997), note: `order ${i}` });
      }
      await items.insertMany(batch);
      if ((from / BATCH) % 10 === 9) say(`  ${build}: loaded ${from + BATCH} documents`);
    }
    figures['insertMany per document'] = (performance.now() - loadStart) / DOCS;

    // REPS + 1 late documents: one for the warm-up call (i = -1), one per timed call.
    const late = await items
      .find({ seq: { $gte: DOCS - REPS[build] - 1 } })
      .sort({ seq: 1 })
      .toArray();
    const time = async (label: string, op: (i: number) => Promise<unknown>) => {
      await op(-1); // warm the statement and page caches
      const samples: number[] = [];
      for (let i = 0; i < REPS[build]; i++) {
        const start = performance.now();
        await op(i);
        samples.push(performance.now() - start);
      }
      figures[label] = median(samples);
      say(`  ${build}: ${label} ${figures[label]!.toFixed(2)} ms`);
    };
    await time('updateOne({_id})', (i) => items.updateOne({ _id: late[i + 1]!._id }, { $inc: { amountFen: 1 } }));
    await time('findOne({_id})', (i) => items.findOne({ _id: late[i + 1]!._id }));
    await time('find({orgId}) ~200 docs', (i) => items.find({ orgId: `org${((i + 1) * 7) % ORGS}` }).toArray());
    await time('findOne({orgId, status})', (i) => items.findOne({ orgId: `org${((i + 1) * 11) % ORGS}`, status: 'draft' }));
    await time('deleteOne({_id})', (i) => items.deleteOne({ _id: late[i + 1]!._id }));
    return figures;
  } finally {
    await client.close();
    await service.stop();
  }
}

/** Single-document writes per second from WRITERS concurrent clients: inserts, then an update by _id of each. */
async function writeRates(synchronous: 'normal' | 'full', root: string): Promise<{ inserts: number; updates: number }> {
  const port = await freePort();
  const service = await startFerretDb(path.join(root, `sync-${synchronous}`), port, path.join(root, `sync-${synchronous}.log`), {
    synchronous,
  });
  const client = new mongoose.mongo.MongoClient(`mongodb://127.0.0.1:${port}/`, { maxPoolSize: WRITERS });
  try {
    await client.connect();
    const items = client.db('bench_ferretdb').collection<{ _id?: mongoose.mongo.ObjectId; n: number; note: string }>('writes');
    await items.insertOne({ n: -1, note: 'warm-up' });
    const parallel = async (op: (i: number) => Promise<unknown>) => {
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          while (next < WRITES) await op(next++);
        }),
      );
      return Math.round(WRITES / ((performance.now() - start) / 1000));
    };
    const ids: mongoose.mongo.ObjectId[] = [];
    const inserts = await parallel(async (i) => ids.push((await items.insertOne({ n: i, note: `claim ${i}` })).insertedId));
    const updates = await parallel((i) => items.updateOne({ _id: ids[i]! }, { $set: { note: `assessed ${i}` } }));
    say(`  synchronous=${synchronous}: ${inserts} inserts/s, ${updates} updates/s`);
    return { inserts, updates };
  } finally {
    await client.close();
    await service.stop();
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-ferretdb-'));
  try {
    say(
      `FerretDB v1.24.2 (SQLite), ${DOCS} documents, ${ORGS} orgIds, median of ${REPS.patched} (patched) / ${REPS.unpatched} (unpatched) calls`,
    );
    const unpatched = await measure('unpatched', root);
    const patched = await measure('patched', root);
    say('');
    say(`| call at ${DOCS} documents | unpatched v1.24.2 | patched | speed-up |`);
    say('|---|---:|---:|---:|');
    for (const label of Object.keys(patched)) {
      const [u, p] = [unpatched[label]!, patched[label]!];
      say(`| ${label} | ${u.toFixed(2)} ms | ${p.toFixed(2)} ms | ${(u / p).toFixed(1)}× |`);
    }
    say('');
    say(`Commit durability (patched build, ${WRITES} single-document writes from ${WRITERS} clients, fresh database each):`);
    const full = await writeRates('full', root);
    const normal = await writeRates('normal', root);
    say('');
    say('| SQLite synchronous | inserts/s | updates by _id/s |');
    say('|---|---:|---:|');
    say(`| full (fsync per commit; the default) | ${full.inserts} | ${full.updates} |`);
    say(`| normal (the test suite's) | ${normal.inserts} | ${normal.updates} |`);
    say(`| normal ÷ full | ${(normal.inserts / full.inserts).toFixed(1)}× | ${(normal.updates / full.updates).toFixed(1)}× |`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
