// Child process for the audit tests: appends N events to the chain in MONGODB_URI as fast as it can,
// sharing the chain lock as every hub process does.
import mongoose from 'mongoose';
import { Redis } from 'ioredis';
import { appendAudit, useAuditChainLock } from '../../server/platform/audit/auditLog.ts';

const count = Number(process.argv[2] ?? 100);
await mongoose.connect(process.env.MONGODB_URI!);
const redis = new Redis(process.env.REDIS_URL!);
if (process.argv[3] !== 'no-lock') useAuditChainLock(redis, process.env.REDIS_PREFIX!);
await Promise.all(
  Array.from({ length: count }, (_, i) =>
    appendAudit({ actor: null, action: 'test.append', target: { type: 'process', id: `${process.pid}:${i}` }, after: { i } }),
  ),
);
redis.disconnect();
await mongoose.disconnect();
