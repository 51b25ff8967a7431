/**
 * The FerretDB patch (scripts/ferretdb/0001-sqlite-use-indexes.patch) against plain v1.24.2:
 * - differential: one corpus of documents (every type the patch pushes down, and the ones it must
 *   not: nulls, missing fields, arrays holding the value, nested documents, mixed types, numbers of
 *   different types that MongoDB calls equal) and one corpus of reads and writes, run against both
 *   builds; every answer and the collection after every write must be identical, types included;
 * - query plans: the SQL each build really issues (its debug log) is explained by SQLite on the
 *   data file: the patched build's by-_id SELECT/UPDATE/DELETE and indexed equalities SEARCH an
 *   index where the unpatched build SCANs, and FerretDB's own `explain` says the same.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { ferretDbBinary, freePort, startFerretDb, type StartedService } from '../../scripts/services.ts';

const { MongoClient, ObjectId, Double, Long, Int32, BSON } = mongoose.mongo;
type Client = InstanceType<typeof MongoClient>;
type Doc = Record<string, unknown>;

interface Server {
  build: 'patched' | 'unpatched';
  service: StartedService;
  client: Client;
  dataDir: string;
  logFile: string;
}

const DB = 'patch_diff';
const HEX = '65a1b2c3d4e5f60718293a4b';
const O1 = new ObjectId(HEX);
const O2 = new ObjectId('65a1b2c3d4e5f60718293a4c');
const O3 = new ObjectId('000000000000000000000001');
const D1 = new Date('2024-05-01T08:00:00.000Z');
const D2 = new Date('2025-01-01T00:00:00.123Z');
const MISSING = Symbol('missing');

/** Field values cycled through the corpus with different periods, so shapes combine. */
const S = [
  'a',
  'b',
  'a b',
  'ab',
  '',
  'é',
  '名称',
  '"q"',
  'back\\slash',
  '<b>&</b>',
  'line\u2028sep',
  '🙂',
  'true',
  '1',
  HEX,
  null,
  MISSING,
  ['a', 'z'],
  ['x', { y: 'a' }],
  { x: 'a' },
  new Int32(1),
  true,
  O1,
  ['b'],
];
const N = [
  new Int32(0),
  new Int32(1),
  new Int32(2),
  new Double(1),
  new Double(-0),
  new Double(0),
  new Double(1.5),
  Long.fromNumber(1),
  Long.fromString('9007199254740993'),
  Long.fromString('1152921504606846976'),
  new Double(2 ** 60),
  new Int32(-7),
  new Double(-7),
  [new Int32(1), new Int32(2)],
  [new Double(2)],
  { v: new Int32(1) },
  null,
  MISSING,
  '1',
  true,
  Long.fromNumber(D1.getTime()),
  D1,
  new Double(1e21),
];
const B = [true, false, new Int32(1), new Int32(0), 'true', null, MISSING, [true], [false, true], { b: true }, true];
const OID = [O1, O2, HEX, null, MISSING, [O1], [O2, O3], O3, { o: O1 }];
const D = [D1, D2, Long.fromNumber(D1.getTime()), null, MISSING, [D1], D2, new Double(D2.getTime())];

function corpus(): Doc[] {
  const docs: Doc[] = [];
  for (let i = 0; i < 230; i++) {
    const doc: Doc = {
      _id: new ObjectId(i.toString(16).padStart(24, '0')),
      seq: new Int32(i),
      orgId: `org${i % 4}`,
      status: ['draft', 'submitted', 'paid'][i % 3],
    };
    const put = (field: string, values: unknown[], period: number) => {
      const v = values[Math.floor(i / period) % values.length];
      if (v !== MISSING) doc[field] = v;
    };
    put('s', S, 1);
    put('n', N, 1);
    put('b', B, 2);
    put('oid', OID, 3);
    put('d', D, 1);
    put('u', ['u0', 'u1', 'u2', MISSING, ['u1']], 1);
    doc.tags = i % 5 === 0 ? [] : [`t${i % 3}`, `t${i % 7}`];
    doc.nested = { x: { y: new Int32(i % 3) } };
    if (i % 2) doc.__v = new Int32(i % 4);
    docs.push(doc);
  }
  return docs;
}

/** Documents with _ids of several types, including numbers MongoDB compares by value. */
const ID_DOCS: Doc[] = [
  { _id: 'k1', v: 1 },
  { _id: 'k2', v: 2 },
  { _id: new Int32(7), v: 3 },
  { _id: new Double(2), v: 4 },
  { _id: new Double(-0), v: 5 },
  { _id: new Double(2.5), v: 6 },
  { _id: Long.fromString('9007199254740993'), v: 7 },
  { _id: O2, v: 8 },
  { _id: D1, v: 9 },
  { _id: true, v: 10 },
  { _id: { k: 1 }, v: 11 },
  { _id: HEX, v: 12 },
  // ObjectIds with strings between them in JSON text order ("65a1…4b" < "65a1…4b0" < "65a1…4c"), and around them
  // (not O1: FerretDB's unique index compares JSON text, so O1 and the string HEX collide)
  { _id: O3, v: 14 },
  { _id: `${HEX}0`, v: 15 },
  { _id: '000000000000000000000002', v: 16 },
  { _id: 'zzz', v: 17 },
  { _id: new ObjectId('ffffffffffffffffffffffff'), v: 18 },
  { _id: new ObjectId('65a1b2c3d4e5f60718293a4d'), v: 19 },
  { _id: '', v: 20 },
  { _id: new Int32(650), v: 21 },
];

/** Whether the patch pushes an _id sort down for this filter: its _id admits ObjectIds only. */
const pushed = (filter: Doc) => {
  const ops = filter._id as Doc | undefined;
  return (
    !!ops &&
    Object.entries(ops).every(
      ([op, v]) =>
        (['$gt', '$gte', '$lt', '$lte'].includes(op) && v instanceof ObjectId) || (op === '$type' && (v === 'objectId' || v === 7)),
    )
  );
};

/** _id-sorted reads (the sort the patch pushes down when the filter admits ObjectIds only), run on `items` and `ids`. */
function idSortReads(): Array<[string, Doc, Doc?]> {
  const q: Array<[string, Doc, Doc?]> = [];
  const at = (i: number) => new ObjectId(i.toString(16).padStart(24, '0'));
  const pins: Array<[string, Doc]> = [
    ['$type objectId', { _id: { $type: 'objectId' } }],
    ['$type 7', { _id: { $type: 7 } }],
    ['$lt', { _id: { $lt: at(100) } }],
    ['$lte', { _id: { $lte: at(100) } }],
    ['$gt', { _id: { $gt: at(200) } }],
    ['$gte + $lt', { _id: { $gte: at(50), $lt: at(60) } }],
    ['$gt O3 (ids)', { _id: { $gt: O3 } }],
    ['$lt O2 (ids)', { _id: { $lt: O2 } }],
    ['$gt + orgId', { _id: { $gt: at(10) }, orgId: 'org1' }],
    ['$type + status', { _id: { $type: 'objectId' }, status: 'paid' }],
    ['$type + unindexed u', { _id: { $type: 'objectId' }, u: 'u1' }],
    ['$lt + $or', { _id: { $lt: at(150) }, $or: [{ s: 'a' }, { b: true }] }],
    // not pushed: the filter admits other types
    ['no filter', {}],
    ['$lt string', { _id: { $lt: 'k2' } }],
    ['$type string', { _id: { $type: 'string' } }],
    ['$ne', { _id: { $ne: at(3) } }],
    ['$type + $ne', { _id: { $type: 'objectId', $ne: at(3) } }],
  ];
  for (const [label, filter] of pins) {
    if (!pushed(filter)) {
      q.push([`${label} sort _id -1 limit 5 (not pushed)`, filter, { sort: { _id: -1 }, limit: 5 }]);
      continue;
    }
    for (const dir of [1, -1] as const) {
      q.push([`${label} sort _id ${dir}`, filter, { sort: { _id: dir } }]);
      q.push([`${label} sort _id ${dir} limit 5`, filter, { sort: { _id: dir }, limit: 5 }]);
      q.push([`${label} sort _id ${dir} skip 3 limit 4`, filter, { sort: { _id: dir }, skip: 3, limit: 4 }]);
    }
    q.push([`${label} sort _id -1 limit 3 projection`, filter, { sort: { _id: -1 }, limit: 3, projection: { s: 1 } }]);
    q.push([`${label} sort {_id: 1, s: 1} limit 3 (two keys: not pushed)`, filter, { sort: { _id: 1, s: 1 }, limit: 3 }]);
    q.push([`${label} sort s limit 3 (not _id: not pushed)`, filter, { sort: { s: 1 }, limit: 3 }]);
    q.push([`${label} batchSize 2 (getMore)`, filter, { sort: { _id: -1 }, batchSize: 2 }]);
  }
  return q;
}

const INDEXES: Doc[] = [{ s: 1 }, { n: 1 }, { b: 1 }, { oid: 1 }, { d: 1 }, { orgId: 1, status: 1 }, { seq: -1 }];

/** The same reads against both builds: [label, filter, options]. */
function reads(): Array<[string, Doc, Doc?]> {
  const q: Array<[string, Doc, Doc?]> = [];
  for (const i of [0, 1, 17, 100, 229]) q.push([`_id #${i}`, { _id: new ObjectId(i.toString(16).padStart(24, '0')) }]);
  q.push(['_id missing', { _id: new ObjectId() }], ['_id as hex string', { _id: '0'.repeat(23) + '1' }]);
  for (const v of ['a', 'b', 'a b', '', 'é', '名称', '"q"', 'back\\slash', '<b>&</b>', 'line\u2028sep', '🙂', 'true', '1', HEX, 'zzz', 'x'])
    q.push([`s = ${JSON.stringify(v)}`, { s: v }]);
  q.push(
    ['s = 1', { s: 1 }],
    ['s = true', { s: true }],
    ['s = null', { s: null }],
    ['s = O1', { s: O1 }],
    ['s = [a, z]', { s: ['a', 'z'] }],
    ['s = {x: a}', { s: { x: 'a' } }],
  );
  for (const v of [
    new Int32(0),
    new Double(-0),
    new Int32(1),
    new Double(1),
    Long.fromNumber(1),
    new Double(1.5),
    new Int32(2),
    Long.fromString('9007199254740993'),
    Long.fromString('1152921504606846976'),
    new Double(2 ** 60),
    new Int32(-7),
    new Double(-7),
    new Double(1e21),
    Long.fromNumber(D1.getTime()),
    D1,
    '1',
    null,
    true,
  ])
    q.push([`n = ${BSON.EJSON.stringify(v as never)}`, { n: v }]);
  for (const v of [true, false, 1, 0, 'true', null]) q.push([`b = ${JSON.stringify(v)}`, { b: v }]);
  for (const v of [O1, O2, O3, HEX, null]) q.push([`oid = ${String(v)}`, { oid: v }]);
  for (const v of [D1, D2, D1.getTime(), new Double(D2.getTime()), null]) q.push([`d = ${String(v)}`, { d: v }]);
  q.push(
    ['orgId', { orgId: 'org1' }],
    ['orgId + status', { orgId: 'org2', status: 'paid' }],
    ['orgId + status + s', { orgId: 'org3', status: 'draft', s: 'a' }],
    ['orgId + unindexed u', { orgId: 'org1', u: 'u1' }],
    ['unindexed u', { u: 'u1' }],
    ['unindexed tags (arrays)', { tags: 't2' }],
    ['_id + __v', { _id: new ObjectId('000000000000000000000011'), __v: 1 }],
    ['_id + stale __v', { _id: new ObjectId('000000000000000000000011'), __v: 3 }],
    ['_id + orgId', { _id: new ObjectId('000000000000000000000004'), orgId: 'org0' }],
    ['dotted', { 'nested.x.y': 1 }],
    ['$eq', { s: { $eq: 'a' } }],
    ['$in', { s: { $in: ['a', 'b'] } }],
    ['$in with null', { s: { $in: ['a', null] } }],
    ['$in empty', { s: { $in: [] } }],
    ['$in numbers', { n: { $in: [0, new Double(1.5), Long.fromNumber(2)] } }],
    ['$in _ids', { _id: { $in: [new ObjectId('000000000000000000000003'), new ObjectId('000000000000000000000030'), 'x'] } }],
    ['$in ObjectIds and hex', { oid: { $in: [O1, HEX] } }],
    ['$eq bool', { b: { $eq: true } }],
    ['$eq array', { s: { $eq: ['a', 'z'] } }],
    ['$eq + $ne', { s: { $eq: 'a', $ne: 'b' } }],
    ['$in regex', { s: { $in: [/^a/] } }],
    ['$gt', { n: { $gt: 1 } }],
    ['$or', { $or: [{ s: 'a' }, { b: true }] }],
    ['$and', { $and: [{ orgId: 'org1' }, { status: 'submitted' }] }],
    ['$comment', { s: 'a', $comment: 'diff' }],
    ['$exists', { oid: { $exists: false } }],
  );
  // Date ranges: pushed down when bounded on both sides by dates from 2001 to 2286 (13-digit milliseconds).
  const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);
  q.push(
    ['d in [D1, D2)', { d: { $gte: D1, $lt: D2 } }],
    ['d in (D1, D2]', { d: { $gt: D1, $lte: D2 } }],
    ['d in [D1, D2]', { d: { $gte: D1, $lte: D2 } }],
    ['d around D2 to the millisecond', { d: { $gt: ms(D2, -1), $lt: ms(D2, 1) } }],
    ['d in [D1, 2200)', { d: { $gte: D1, $lt: new Date('2200-01-01') } }],
    ['d in an empty range', { d: { $gt: D2, $lt: D1 } }],
    ['d in a range + $ne', { d: { $gte: D1, $lte: D2, $ne: D2 } }],
    ['d in a range + orgId', { d: { $gte: D1, $lte: D2 }, orgId: 'org1' }],
    ['n in a date range (Long and Double milliseconds do not match)', { n: { $gte: ms(D1, -1), $lt: ms(D1, 1) } }],
    ['s in a date range (strings do not match)', { s: { $gte: D1, $lt: D2 } }],
    ['d from 1990 (not pushed)', { d: { $gt: new Date('1990-01-01'), $lt: D2 } }],
    ['d $gte only (not pushed)', { d: { $gte: D1 } }],
    ['d $lt only (not pushed)', { d: { $lt: D2 } }],
    ['d with a number bound (not pushed)', { d: { $gte: D1, $lt: D2.getTime() } }],
  );
  const sorts: Doc[] = [
    { seq: -1 },
    { seq: 1 },
    { s: 1 },
    { s: -1 },
    { n: 1 },
    { n: -1 },
    { b: 1 },
    { d: -1 },
    { oid: 1 },
    { orgId: 1, seq: -1 },
  ];
  for (const sort of sorts) {
    q.push([`sort ${JSON.stringify(sort)}`, {}, { sort }]);
    q.push([`sort ${JSON.stringify(sort)} skip 3 limit 7`, {}, { sort, skip: 3, limit: 7 }]);
    q.push([`orgId + sort ${JSON.stringify(sort)} limit 5`, { orgId: 'org1' }, { sort, limit: 5 }]);
  }
  q.push(['limit 10', {}, { limit: 10 }], ['skip 5 limit 5', {}, { skip: 5, limit: 5 }], ['s = a limit 2', { s: 'a' }, { limit: 2 }]);
  q.push(
    ['projection', { orgId: 'org2' }, { projection: { s: 1, n: 1 } }],
    ['projection _id only', { s: 'b' }, { projection: { _id: 1 } }],
  );
  return q;
}

/** The same writes against both builds; each returns what the driver answered. */
const writes: Array<[string, (db: ReturnType<Client['db']>) => Promise<unknown>]> = [
  [
    'updateOne by _id',
    (db) =>
      db.collection('items').updateOne({ _id: new ObjectId('000000000000000000000005') }, { $set: { s: 'set', seq: new Int32(900) } }),
  ],
  [
    'updateOne by _id + __v',
    (db) => db.collection('items').updateOne({ _id: new ObjectId('000000000000000000000011'), __v: 1 }, { $inc: { __v: 1 } }),
  ],
  [
    'updateOne by _id + stale __v',
    (db) => db.collection('items').updateOne({ _id: new ObjectId('000000000000000000000011'), __v: 1 }, { $inc: { __v: 1 } }),
  ],
  ['updateOne by indexed field', (db) => db.collection('items').updateOne({ s: 'a' }, { $set: { touched: true } })],
  ['updateOne by indexed pair', (db) => db.collection('items').updateOne({ orgId: 'org2', status: 'paid' }, { $inc: { seq: 1000 } })],
  ['updateMany by bool', (db) => db.collection('items').updateMany({ b: true }, { $set: { flag: new Int32(1) } })],
  [
    'updateOne upsert',
    (db) => db.collection('items').updateOne({ _id: new ObjectId('0000000000000000000fffff') }, { $set: { s: 'new' } }, { upsert: true }),
  ],
  [
    'replaceOne by _id',
    (db) => db.collection('items').replaceOne({ _id: new ObjectId('000000000000000000000007') }, { s: 'replaced', n: new Int32(1) }),
  ],
  [
    'findOneAndUpdate by _id',
    (db) =>
      db
        .collection('items')
        .findOneAndUpdate(
          { _id: new ObjectId('000000000000000000000008') },
          { $set: { s: 'fou' } },
          { returnDocument: 'after', promoteValues: false },
        ),
  ],
  [
    'findOneAndUpdate by indexed field',
    (db) =>
      db.collection('items').findOneAndUpdate({ oid: O2 }, { $set: { s: 'fou2' } }, { returnDocument: 'before', promoteValues: false }),
  ],
  ['deleteOne by _id', (db) => db.collection('items').deleteOne({ _id: new ObjectId('000000000000000000000009') })],
  ['deleteOne by indexed field', (db) => db.collection('items').deleteOne({ s: 'b' })],
  ['deleteMany by number', (db) => db.collection('items').deleteMany({ n: 1 })],
  ['deleteOne by numeric _id', (db) => db.collection('ids').deleteOne({ _id: 2 } as never)],
  ['updateOne by zero _id', (db) => db.collection('ids').updateOne({ _id: 0 } as never, { $set: { v: 50 } })],
  ['countDocuments', (db) => db.collection('items').countDocuments({ orgId: 'org1' })],
  [
    'aggregate $match $sort $limit',
    (db) =>
      db
        .collection('items')
        .aggregate([{ $match: { status: 'draft' } }, { $sort: { seq: -1 } }, { $limit: 4 }], { promoteValues: false })
        .toArray(),
  ],
];

const canonical = (v: unknown) => BSON.EJSON.stringify(v as never, { relaxed: false });

async function dump(client: Client, coll: string): Promise<string> {
  return canonical(await client.db(DB).collection(coll).find({}, { promoteValues: false }).toArray());
}

/** Starts one build; `logSql` logs every statement (slow: only for the query-plan cases). */
async function start(build: Server['build'], root: string, logSql = false): Promise<Server> {
  const name = `${build}${logSql ? '-sql' : ''}`;
  const dataDir = path.join(root, name);
  const logFile = path.join(root, `${name}.log`);
  const port = await freePort();
  const service = await startFerretDb(dataDir, port, logFile, {
    bin: ferretDbBinary(build),
    logLevel: logSql ? 'debug' : 'warn',
    logFormat: 'json',
  });
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  return { build, service, client, dataDir, logFile };
}

async function load(server: Server, docs = corpus()): Promise<void> {
  const db = server.client.db(DB);
  for (const key of INDEXES) await db.collection('items').createIndex(key as never);
  await db.collection('items').insertMany(docs as never[]);
  await db.collection('ids').insertMany(ID_DOCS.map((d) => ({ ...d })) as never[]);
}

async function stop(server: Server | undefined): Promise<void> {
  await server?.client.close();
  await server?.service.stop();
}

/** Runs `op` and returns the SELECT/UPDATE/DELETE statements the server issued for collection tables meanwhile. */
async function sqlOf(server: Server, op: () => Promise<unknown>): Promise<string[]> {
  const from = statSync(server.logFile).size;
  await op();
  const text = readFileSync(server.logFile).subarray(from).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg?: string }).msg ?? '')
    .filter((msg) => /^>>> (SELECT|UPDATE|DELETE)\b/.test(msg) && !msg.includes('_ferretdb_collections'))
    .map((msg) => msg.slice(4));
}

/** SQLite's plan for `sql` on the server's data file (unbound parameters do not change a plan). */
function plan(server: Server, sql: string): string {
  return execFileSync('sqlite3', [path.join(server.dataDir, `${DB}.sqlite`), `EXPLAIN QUERY PLAN ${sql}`], { encoding: 'utf8' });
}

describe('FerretDB SQLite index patch (patched vs unpatched v1.24.2)', function () {
  // ~15 s for the read corpus on an idle machine; generous so a busy one does not fail it.
  this.timeout(240_000);
  let root = '';
  let patched: Server;
  let unpatched: Server;

  before(async function () {
    this.timeout(300_000); // a cold machine builds both binaries first
    root = mkdtempSync(path.join(os.tmpdir(), 'hub-ferret-patch-'));
    [patched, unpatched] = await Promise.all([start('patched', root), start('unpatched', root)]);
    expect(ferretDbBinary('patched')).to.not.equal(ferretDbBinary('unpatched'));
    await Promise.all([load(patched), load(unpatched)]);
  });

  after(async () => {
    await Promise.all([patched, unpatched].map((s) => stop(s)));
    if (root && !process.env.HUB_KEEP_TEST_DATA) rmSync(root, { recursive: true, force: true });
  });

  it('answers every read of the corpus exactly as the unpatched build (order and types included)', async () => {
    let matched = 0;
    for (const [label, filter, options] of reads()) {
      const run = (s: Server) =>
        s.client
          .db(DB)
          .collection('items')
          .find(filter, { ...options, promoteValues: false })
          .toArray();
      const [mine, theirs] = await Promise.all([run(patched), run(unpatched)]);
      expect(canonical(mine), label).to.equal(canonical(theirs));
      if (mine.length) matched++;
    }
    // The corpus must exercise matches, not only empty answers.
    expect(matched).to.be.greaterThan(60);
  });

  it('answers every _id-sorted read exactly as the unpatched build, pushed down or not', async function () {
    this.timeout(480_000);
    let sortedMatches = 0;
    for (const coll of ['items', 'ids']) {
      for (const [label, filter, options] of idSortReads()) {
        const run = (s: Server) =>
          s.client
            .db(DB)
            .collection(coll)
            .find(filter, { ...options, promoteValues: false })
            .toArray();
        const [mine, theirs] = await Promise.all([run(patched), run(unpatched)]);
        expect(canonical(mine), `${coll}: ${label}`).to.equal(canonical(theirs));
        if (mine.length) sortedMatches++;
      }
    }
    expect(sortedMatches).to.be.greaterThan(100);
  });

  it('answers reads by _id of every type exactly as the unpatched build', async () => {
    for (const id of [
      ...ID_DOCS.map((d) => d._id),
      2,
      0,
      7,
      new Double(7),
      2.5,
      -0,
      Long.fromString('9007199254740993'),
      new Double(2 ** 53),
      HEX,
      O1,
    ]) {
      const run = (s: Server) =>
        s.client
          .db(DB)
          .collection('ids')
          .find({ _id: id } as never, { promoteValues: false })
          .toArray();
      const [mine, theirs] = await Promise.all([run(patched), run(unpatched)]);
      expect(canonical(mine), `ids _id = ${canonical(id)}`).to.equal(canonical(theirs));
    }
  });

  it('finds the array, number-type and zero cases the pushed-down SQL must keep', async () => {
    const ids = async (filter: Doc) =>
      (
        await patched.client
          .db(DB)
          .collection('items')
          .find(filter, { projection: { _id: 1 } })
          .toArray()
      ).map((d) => Number.parseInt(String(d._id), 16));
    // s = 'a' holds in documents whose s is 'a' (i % 24 == 0) and ['a', 'z'] (i % 24 == 17), not [{y: 'a'}] (i % 24 == 18).
    expect(await ids({ s: 'a' })).to.deep.equal([0, 17, 24, 41, 48, 65, 72, 89, 96, 113, 120, 137, 144, 161, 168, 185, 192, 209, 216]);
    // n = 1 matches int32 1, double 1.0, int64 1 and [1, 2]; n = 0 matches 0, 0.0 and -0.0.
    const one = await patched.client.db(DB).collection('items').find({ n: 1 }).toArray();
    expect(new Set(one.map((d) => Number(d.seq) % N.length))).to.deep.equal(new Set([1, 3, 7, 13]));
    const zero = await patched.client.db(DB).collection('items').find({ n: 0 }).toArray();
    expect(new Set(zero.map((d) => Number(d.seq) % N.length))).to.deep.equal(new Set([0, 4, 5]));
    expect(
      await patched.client
        .db(DB)
        .collection('ids')
        .findOne({ _id: 0 } as never),
    ).to.include({ v: 5 });
    expect(
      await patched.client
        .db(DB)
        .collection('ids')
        .findOne({ _id: 2 } as never),
    ).to.include({ v: 4 });
  });

  it('leaves both builds with the same collections after the same writes, answering the same', async () => {
    for (const [label, write] of writes) {
      const [mine, theirs] = await Promise.all([write(patched.client.db(DB)), write(unpatched.client.db(DB))]);
      expect(canonical(mine), label).to.equal(canonical(theirs));
      expect(await dump(patched.client, 'items'), `items after ${label}`).to.equal(await dump(unpatched.client, 'items'));
      expect(await dump(patched.client, 'ids'), `ids after ${label}`).to.equal(await dump(unpatched.client, 'ids'));
    }
  });

  describe('query plans of the SQL each build issues', () => {
    let patched: Server;
    let unpatched: Server;

    before(async () => {
      [patched, unpatched] = await Promise.all([start('patched', root, true), start('unpatched', root, true)]);
      await Promise.all([load(patched, corpus().slice(0, 60)), load(unpatched, corpus().slice(0, 60))]);
    });

    after(async () => {
      await Promise.all([patched, unpatched].map((s) => stop(s)));
    });

    const table = () => {
      const sql = readFileSync(patched.logFile, 'utf8').match(/CREATE TABLE \\"(items_[0-9a-f]+)\\"/);
      return sql![1];
    };
    const cases: Array<[string, string, (db: ReturnType<Client['db']>) => Promise<unknown>, RegExp]> = [
      ['findOne by _id', 'SELECT', (db) => db.collection('items').findOne({ _id: new ObjectId('000000000000000000000020') }), /__id_/],
      [
        'find by _id + __v',
        'SELECT',
        (db) => db.collection('items').findOne({ _id: new ObjectId('000000000000000000000021'), __v: 1 }),
        /__id_/,
      ],
      [
        'updateOne by _id',
        'UPDATE',
        (db) => db.collection('items').updateOne({ _id: new ObjectId('000000000000000000000022') }, { $set: { p: 1 } }),
        /__id_/,
      ],
      ['deleteOne by _id', 'DELETE', (db) => db.collection('items').deleteOne({ _id: new ObjectId('000000000000000000000023') }), /__id_/],
      ['find by an indexed string', 'SELECT', (db) => db.collection('items').find({ s: 'é' }).toArray(), /_s_1\b/],
      ['find by an indexed ObjectId', 'SELECT', (db) => db.collection('items').find({ oid: O1 }).toArray(), /_oid_1\b/],
      ['find by an indexed boolean', 'SELECT', (db) => db.collection('items').find({ b: false }).toArray(), /_b_1\b/],
      ['find by an indexed number', 'SELECT', (db) => db.collection('items').find({ n: 2 }).toArray(), /_n_1\b/],
      [
        'find by _id $in',
        'SELECT',
        (db) =>
          db
            .collection('items')
            .find({ _id: { $in: [new ObjectId('000000000000000000000024'), new ObjectId('000000000000000000000025')] } })
            .toArray(),
        /__id_/,
      ],
      [
        'find by $in on an indexed field',
        'SELECT',
        (db) =>
          db
            .collection('items')
            .find({ s: { $in: ['a', 'b'] } })
            .toArray(),
        /_s_1\b/,
      ],
      [
        'find by a compound index prefix',
        'SELECT',
        (db) => db.collection('items').find({ orgId: 'org1', status: 'paid' }).toArray(),
        /_orgId_1_status_1\b/,
      ],
      ['updateOne by an indexed field', 'SELECT', (db) => db.collection('items').updateOne({ d: D2 }, { $set: { p: 2 } }), /_d_1\b/],
      [
        'find by a date range',
        'SELECT',
        (db) =>
          db
            .collection('items')
            .find({ d: { $gte: D1, $lt: D2 } })
            .toArray(),
        /_d_1\b/,
      ],
      [
        'aggregate over a date range',
        'SELECT',
        (db) =>
          db
            .collection('items')
            .aggregate([{ $match: { d: { $gte: D1, $lte: D2 } } }, { $group: { _id: null, n: { $sum: 1 } } }])
            .toArray(),
        /_d_1\b/,
      ],
    ];

    for (const [label, verb, op, index] of cases) {
      it(`${label}: the patched build SEARCHes the index, the unpatched one SCANs`, async () => {
        const t = table();
        const [mine, theirs] = await Promise.all([
          sqlOf(patched, () => op(patched.client.db(DB))),
          sqlOf(unpatched, () => op(unpatched.client.db(DB))),
        ]);
        const pick = (stmts: string[]) => stmts.filter((s) => s.startsWith(verb) && s.includes(t));
        expect(pick(mine), `patched ${verb}`).to.have.length.greaterThan(0);
        expect(pick(theirs), `unpatched ${verb}`).to.have.length.greaterThan(0);
        for (const sql of pick(mine)) {
          const p = plan(patched, sql);
          expect(p, sql).to.match(new RegExp(`SEARCH ${t} USING INDEX ${t}`));
          expect(p, sql).to.match(index);
          expect(p, sql).to.not.match(new RegExp(`SCAN ${t}\\b(?! USING)`));
        }
        for (const sql of pick(theirs))
          expect(plan(unpatched, sql), sql)
            .to.match(new RegExp(`SCAN ${t}\\b`))
            .and.not.match(/SEARCH/);
      });
    }

    const sorted: Array<[string, (db: ReturnType<Client['db']>) => Promise<unknown>]> = [
      [
        'a keyset page: _id $lt, sort _id -1, limit',
        (db) =>
          db
            .collection('items')
            .find({ _id: { $lt: new ObjectId('000000000000000000000030') } })
            .sort({ _id: -1 })
            .limit(5)
            .toArray(),
      ],
      [
        'a first page: _id $type objectId, sort _id 1, limit',
        (db) =>
          db
            .collection('items')
            .find({ _id: { $type: 'objectId' } })
            .sort({ _id: 1 })
            .limit(5)
            .toArray(),
      ],
      [
        'a range: _id $gte + $lt, sort _id 1',
        (db) =>
          db
            .collection('items')
            .find({ _id: { $gte: new ObjectId('000000000000000000000005'), $lt: new ObjectId('000000000000000000000015') } })
            .sort({ _id: 1 })
            .toArray(),
      ],
    ];
    for (const [label, op] of sorted) {
      it(`sort pushdown, ${label}: the patched build reads the _id index in order (no temp b-tree); the unpatched one SCANs`, async () => {
        const t = table();
        const [mine, theirs] = await Promise.all([
          sqlOf(patched, () => op(patched.client.db(DB))),
          sqlOf(unpatched, () => op(unpatched.client.db(DB))),
        ]);
        const pick = (stmts: string[]) => stmts.filter((s) => s.startsWith('SELECT') && s.includes(t));
        expect(pick(mine), 'patched SELECT').to.have.length(1);
        for (const sql of pick(mine)) {
          expect(sql).to.match(/ORDER BY _ferretdb_sjson->'_id'/);
          const p = plan(patched, sql);
          expect(p, sql).to.match(new RegExp(`SEARCH ${t} USING INDEX ${t}__id_`));
          expect(p, sql).to.not.match(/TEMP B-TREE/);
        }
        for (const sql of pick(theirs))
          expect(plan(unpatched, sql), sql)
            .to.match(new RegExp(`SCAN ${t}\\b`))
            .and.not.match(/SEARCH/);
      });
    }

    it('sort pushdown is not applied where the filter admits other _id types, or to other sort keys', async () => {
      const t = table();
      for (const op of [
        (db: ReturnType<Client['db']>) => db.collection('items').find({}).sort({ _id: -1 }).limit(5).toArray(),
        (db: ReturnType<Client['db']>) =>
          db
            .collection('items')
            .find({ _id: { $ne: O1 } })
            .sort({ _id: -1 })
            .limit(5)
            .toArray(),
        (db: ReturnType<Client['db']>) =>
          db
            .collection('items')
            .find({ _id: { $type: 'objectId' } })
            .sort({ seq: -1 })
            .limit(5)
            .toArray(),
      ]) {
        const mine = (await sqlOf(patched, () => op(patched.client.db(DB)))).filter((s) => s.startsWith('SELECT') && s.includes(t));
        expect(mine).to.have.length.greaterThan(0);
        for (const sql of mine) expect(sql).to.not.match(/ORDER BY _ferretdb_sjson/);
      }
    });

    it("FerretDB's own explain (its embedded SQLite) agrees", async () => {
      const explain = async (s: Server, filter: Doc) => {
        const res = await s.client.db(DB).command({ explain: { find: 'items', filter } });
        return JSON.stringify(res.queryPlanner);
      };
      for (const filter of [{ _id: O1 }, { s: 'a' }, { orgId: 'org1', status: 'draft' }, { b: true }]) {
        expect(await explain(patched, filter), JSON.stringify(filter))
          .to.match(/SEARCH items_[0-9a-f]+ USING INDEX/)
          .and.not.match(/detail=SCAN/);
      }
      expect(await explain(unpatched, { s: 'a' })).to.match(/detail=SCAN/);
      // Nothing is pushed down where the patch cannot keep MongoDB's answer.
      for (const filter of [
        { s: null },
        { 'nested.x.y': 1 },
        { n: Long.fromString('9007199254740993') },
        { s: { $in: ['a', null] } },
        { s: { $gt: 'a' } },
      ]) {
        expect(await explain(patched, filter), JSON.stringify(filter)).to.match(/detail=SCAN/);
      }
    });
  });
});
