/**
 * Run as a separate process by policyVersions.test.ts: plays another web or worker process. It bootstraps
 * like workers/main.ts, listens to policy publications, reads the version in force (filling its cache),
 * then waits for a publication and reads the version in force again — without restarting.
 * Usage: node --import tsx test/claims/policyProcess.ts
 */
import { bootstrap } from '../../server/bootstrap.ts';
import { disconnectMongo } from '../../server/platform/db.ts';
import {
  onPolicyPublished,
  stopWatchingPolicyPublications,
  versionInForce,
  watchPolicyPublications,
} from '../../server/claims/policy/policyService.ts';

const ctx = await bootstrap();
await watchPolicyPublications(ctx);
const heard = new Promise<string>((resolve) => onPolicyPublished(resolve));
process.stdout.write(`ready ${await versionInForce(ctx)}\n`);
const version = await heard;
process.stdout.write(`heard ${version} in-force ${await versionInForce(ctx)}\n`);
await stopWatchingPolicyPublications(ctx);
ctx.redis.disconnect();
await disconnectMongo();
