/**
 * Query shapes the hub sends to the database, captured from the driver's command monitor
 * (`commandStarted`, on because connectMongo sets monitorCommands under NODE_ENV=test), and checked
 * against the indexes declared in the mongoose schemas.
 *
 * A shape is (collection, equality fields, range fields, sort). It is served by an index whose keys
 * start with exactly the equality fields (any order), followed by the sort keys (all in the index's
 * direction or all reversed); with no equality and no sort, the index's first key must be a range
 * field. A filter holding every key of a unique index (`_id` above all) is a point lookup and may
 * carry other fields beside it (they are checked on the one document found).
 */
import mongoose from 'mongoose';

export interface QueryShape {
  collection: string;
  command: string;
  equality: string[];
  range: string[];
  sort: [string, 1 | -1][];
  /** `$or` / `$and` / `$nor` branches: each must be served on its own. */
  branches: QueryShape[];
  example: string;
}

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte', '$ne', '$nin', '$exists', '$not', '$regex', '$size', '$type', '$all', '$mod']);

/** Splits a filter into equality and range fields (operators `$eq`/`$in`/`$elemMatch`-free objects count as equality). */
function splitFilter(filter: Record<string, unknown>, base: Omit<QueryShape, 'equality' | 'range' | 'branches'>): QueryShape {
  const equality: string[] = [];
  const range: string[] = [];
  const branches: QueryShape[] = [];
  for (const [field, value] of Object.entries(filter ?? {})) {
    if (field === '$or' || field === '$and' || field === '$nor') {
      for (const branch of value as Record<string, unknown>[]) branches.push(splitFilter(branch, { ...base, sort: [] }));
      continue;
    }
    if (field.startsWith('$')) continue; // $comment, $expr (none in the code base)
    const isOperatorObject =
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !(value instanceof Date) &&
      !(value instanceof mongoose.Types.ObjectId) &&
      Object.keys(value).some((k) => k.startsWith('$'));
    if (!isOperatorObject) {
      equality.push(field);
      continue;
    }
    const ops = Object.keys(value as object);
    if (ops.every((op) => op === '$eq' || op === '$in' || op === '$elemMatch')) equality.push(field);
    else if (ops.some((op) => RANGE_OPS.has(op))) range.push(field);
    else equality.push(field);
  }
  return { ...base, equality: equality.sort(), range: range.sort(), branches };
}

/** The shape of one command, or null for commands that do not query (inserts, index builds, pings…). */
export function shapeOf(command: Record<string, unknown>, commandName: string): QueryShape[] {
  const collectionOf = (key: string) => String(command[key]);
  // The driver sends a sort as a Map (its key order matters).
  const sortOf = (s: unknown): [string, 1 | -1][] => {
    const entries = s instanceof Map ? [...s.entries()] : s && typeof s === 'object' ? Object.entries(s) : [];
    return entries.map(([k, v]) => [String(k), Number(v) < 0 ? -1 : 1]);
  };
  const one = (collection: string, filter: unknown, sort: unknown, example: unknown): QueryShape =>
    splitFilter((filter ?? {}) as Record<string, unknown>, {
      collection,
      command: commandName,
      sort: sortOf(sort),
      example: JSON.stringify(example).slice(0, 300),
    });
  switch (commandName) {
    case 'find':
      return [
        one(collectionOf('find'), command.filter, command.sort, {
          filter: command.filter,
          sort: command.sort instanceof Map ? Object.fromEntries(command.sort) : command.sort,
          limit: command.limit,
        }),
      ];
    case 'count':
      return [one(collectionOf('count'), command.query, null, { query: command.query })];
    case 'distinct':
      return [one(collectionOf('distinct'), command.query, null, { key: command.key, query: command.query })];
    case 'findAndModify':
      return [one(collectionOf('findAndModify'), command.query, command.sort, { query: command.query, sort: command.sort })];
    case 'update':
      return (command.updates as { q: unknown }[]).map((u) => one(collectionOf('update'), u.q, null, { q: u.q }));
    case 'delete':
      return (command.deletes as { q: unknown }[]).map((d) => one(collectionOf('delete'), d.q, null, { q: d.q }));
    case 'aggregate': {
      const pipeline = command.pipeline as Record<string, unknown>[];
      const match = pipeline[0]?.$match;
      const sortStage = pipeline[0]?.$match ? pipeline[1]?.$sort : pipeline[0]?.$sort;
      return [one(collectionOf('aggregate'), match ?? {}, sortStage, { pipeline: pipeline.slice(0, 2) })];
    }
    default:
      return [];
  }
}

export interface DeclaredIndex {
  keys: [string, 1 | -1][];
  unique: boolean;
}

/** Indexes each collection's mongoose schema declares (plus `_id`). */
export function declaredIndexes(): Map<string, DeclaredIndex[]> {
  const byCollection = new Map<string, DeclaredIndex[]>();
  for (const model of Object.values(mongoose.models)) {
    const list: DeclaredIndex[] = [{ keys: [['_id', 1]], unique: true }];
    for (const [fields, options] of model.schema.indexes()) {
      list.push({
        keys: Object.entries(fields as Record<string, number | string>).map(([k, v]) => [k, typeof v === 'number' && v < 0 ? -1 : 1]),
        unique: Boolean((options as { unique?: boolean }).unique),
      });
    }
    byCollection.set(model.collection.collectionName, list);
  }
  return byCollection;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function servedBy(shape: QueryShape, index: DeclaredIndex): boolean {
  const names = index.keys.map(([k]) => k);
  // Point lookup on a unique index: every key given by equality.
  if (index.unique && names.every((k) => shape.equality.includes(k))) return true;
  const n = shape.equality.length;
  if (names.length < n + shape.sort.length) return false;
  if (!sameSet(names.slice(0, n), shape.equality)) return false;
  if (shape.sort.length) {
    const tail = index.keys.slice(n, n + shape.sort.length);
    const forward = tail.every(([k, d], i) => k === shape.sort[i]![0] && d === shape.sort[i]![1]);
    const backward = tail.every(([k, d], i) => k === shape.sort[i]![0] && d === -shape.sort[i]![1]);
    return forward || backward;
  }
  if (n === 0) return shape.range.includes(names[0]!);
  return true;
}

/** Why a shape is not served, or null when an index serves it. */
export function unserved(shape: QueryShape, indexes: Map<string, DeclaredIndex[]>): string | null {
  const list = indexes.get(shape.collection);
  if (!list) return `no mongoose model declares collection ${shape.collection}`;
  if (shape.branches.length && !shape.equality.length && !shape.range.length) {
    const bad = shape.branches.map((b) => unserved({ ...b, sort: shape.sort }, indexes)).filter(Boolean);
    return bad.length ? `an $or branch is not served: ${bad[0]}` : null;
  }
  if (list.some((index) => servedBy(shape, index))) return null;
  return `no index on ${shape.collection} serves equality [${shape.equality}] range [${shape.range}] sort [${shape.sort.map(([k, d]) => `${k}:${d}`)}]`;
}

export function shapeKey(shape: QueryShape): string {
  return `${shape.collection} ${shape.command} eq[${shape.equality}] range[${shape.range}] sort[${shape.sort.map(([k, d]) => `${k}:${d}`)}]${shape.branches.length ? ` or[${shape.branches.map((b) => `eq[${b.equality}] range[${b.range}]`).join(' | ')}]` : ''}`;
}

/** Records every query shape sent on mongoose's client while `start()`…`stop()`. */
export class ShapeRecorder {
  readonly shapes = new Map<string, QueryShape & { count: number }>();
  private readonly listener = (event: { commandName: string; command: Record<string, unknown> }) => {
    for (const shape of shapeOf(event.command, event.commandName)) {
      const key = shapeKey(shape);
      const seen = this.shapes.get(key);
      if (seen) seen.count += 1;
      else this.shapes.set(key, { ...shape, count: 1 });
    }
  };

  start(): void {
    const client = mongoose.connection.getClient();
    if (!client.options.monitorCommands)
      throw new Error('the MongoDB client was connected without monitorCommands (connectMongo sets it under NODE_ENV=test)');
    client.on('commandStarted', this.listener);
  }

  stop(): void {
    mongoose.connection.getClient().off('commandStarted', this.listener);
  }
}
