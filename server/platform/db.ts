import mongoose from 'mongoose';
import { componentLogger } from './logger.ts';

const log = componentLogger('db');

// Operator injection ({"$ne": null} where a string belongs) is refused at the edge: every route's zod schema
// types its fields, so an object never reaches a query. strictQuery drops filter paths the schema lacks.
mongoose.set('strictQuery', true);

/** Connect mongoose; a server that does not answer becomes one clear, actionable error. */
export async function connectMongo(uri: string, timeoutMs = 5000): Promise<typeof mongoose> {
  try {
    // Under test the driver reports every command, so test/store/queryIndexes.test.ts can check each query's index.
    const monitorCommands = process.env.NODE_ENV === 'test';
    await mongoose.connect(uri, { serverSelectionTimeoutMS: timeoutMs, autoIndex: true, maxPoolSize: 20, monitorCommands });
    log.info({ db: mongoose.connection.name }, 'connected to MongoDB');
    return mongoose;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Cannot reach MongoDB at ${redactUri(uri)} (${reason}). Start MongoDB or FerretDB there, or set MONGODB_URI to a reachable server (\`npm start\` starts a local FerretDB when MONGODB_URI is unset).`,
    );
  }
}

export async function disconnectMongo(): Promise<void> {
  await mongoose.disconnect();
}

export async function pingMongo(): Promise<boolean> {
  try {
    const db = mongoose.connection.db;
    if (!db || mongoose.connection.readyState !== 1) return false;
    await db.admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}

/** Build every model's indexes (uniqueness rules) before serving. */
export async function syncIndexes(): Promise<void> {
  await Promise.all(Object.values(mongoose.models).map((model) => model.createIndexes()));
}

export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//***@');
}
