/**
 * Benchmark: the patched FerretDB (scripts/ferretdb/*.patch, SQLite using its indexes) beside the
 * unpatched v1.24.2 build, in the same run, with the MongoDB driver on a fresh SQLite database each.
 * Times updateOne/findOne by the _id of a late document and find by an indexed field (about 200
 * documents per value), at BENCH_FERRETDB_DOCS documents.
 *
 *   npm run bench:ferretdb                       # 40,000 documents
 *   BENCH_FERRETDB_DOCS=5000 npm run bench:ferretdb
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
