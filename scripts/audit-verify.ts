/**
 * `npm run audit:verify`: walks the audit hash chain in MONGODB_URI and reports the first broken link.
 * Exit 0 when the chain holds, 1 when it is broken, 2 when the database cannot be read.
 */
import { loadConfig, ConfigError } from '../config/env.ts';
import { connectMongo, disconnectMongo } from '../server/platform/db.ts';
import { verifyAuditChain } from '../server/platform/audit/auditLog.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  await connectMongo(config.MONGODB_URI);
  try {
    const result = await verifyAuditChain((checked) => process.stderr.write(`  checked ${checked} events...\n`));
    if (result.ok) {
      process.stdout.write(`audit chain OK: ${result.events} events verified\n`);
      return 0;
    }
    process.stdout.write(
      `audit chain BROKEN at event #${result.firstBreak!.seq}: ${result.firstBreak!.reason}\n` +
        `${result.events} events before it verified. Restore the audit_events collection from a backup taken before this event, and investigate who wrote it.\n`,
    );
    return 1;
  } finally {
    await disconnectMongo();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : `audit:verify failed: ${err instanceof Error ? err.message : String(err)}`}\n`,
    );
    process.exit(2);
  },
);
