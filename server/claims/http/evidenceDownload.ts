import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Response } from 'express';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { notFound } from '../../platform/errors.ts';
import { componentLogger } from '../../platform/logger.ts';
import { evidencePath } from '../evidence.ts';
import { assertCanReadClaim } from '../policies/claimAccess.ts';
import { findItem, loadClaim } from '../commands/claimRecord.ts';

const log = componentLogger('claims');

/** Streams an evidence file to a reader of its claim (preview in the browser, under a strict CSP). */
export async function sendEvidence(
  ctx: HubContext,
  actor: AuthUser,
  ref: { claimId: string; itemId: string; fileId: string },
  res: Response,
): Promise<void> {
  const claim = await loadClaim(ref.claimId);
  assertCanReadClaim(actor, claim);
  const evidence = findItem(claim, ref.itemId).evidence.find((e) => e.fileId === ref.fileId);
  if (!evidence) throw notFound(`Evidence file ${ref.fileId}`);
  const file = evidencePath(ctx.config.HUB_UPLOAD_DIR, ref.fileId);
  try {
    await access(file);
  } catch {
    log.error({ claimId: ref.claimId, fileId: ref.fileId }, 'evidence file missing on disk');
    throw notFound(`Evidence file ${ref.fileId} on disk`);
  }
  res.status(200).set({
    'Content-Type': evidence.contentType,
    'Content-Length': String(evidence.size),
    'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(evidence.filename)}`,
    'Cache-Control': 'private, max-age=300',
    'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
  });
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
  });
}
