import { unlink } from 'node:fs/promises';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { ClaimModel } from '../claim.model.ts';
import { saveClaimAudited } from '../claimAudit.ts';
import { withClaimLock } from '../claimLock.ts';
import { evidencePath, storeEvidence } from '../evidence.ts';
import { assertCanChangeClaim } from '../policies/claimAccess.ts';
import { presentClaim } from '../presenters/claim.ts';
import { assertEditable, findItem, loadClaim, MAX_EVIDENCE_PER_ITEM, tooManyFiles } from './claimRecord.ts';

/** The uploaded file comes parsed by the HTTP layer (multipart, size limit); the command checks and stores it. */
export type AddEvidenceCommand = { claimId: string; itemId: string; file: Express.Multer.File | undefined };

/** Attaches an evidence file (PDF, JPEG or PNG by its bytes) to an item of a draft or returned claim. */
export async function addEvidence(ctx: HubContext, actor: AuthUser, command: AddEvidenceCommand) {
  const { claimId: id, itemId, file } = command;
  // Check ownership and state before the file touches the disk.
  const peek = await loadClaim(id);
  assertCanChangeClaim(actor, peek);
  assertEditable(peek, 'adding evidence');
  if (findItem(peek, itemId).evidence.length >= MAX_EVIDENCE_PER_ITEM) throw tooManyFiles();
  const stored = await storeEvidence(ctx.config.HUB_UPLOAD_DIR, file);
  // Whatever refuses the upload from here on (state, count, a failed save) deletes the stored file again,
  // unless the claim does reference it (a save that landed before a later step failed).
  let kept = false;
  try {
    return await withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, id, async () => {
      const claim = await loadClaim(id);
      assertEditable(claim, 'adding evidence');
      const item = findItem(claim, itemId);
      if (item.evidence.length >= MAX_EVIDENCE_PER_ITEM) throw tooManyFiles();
      item.evidence.push(stored);
      await saveClaimAudited(ctx, claim, {
        actor,
        action: 'claim.evidence.add',
        after: { itemId, fileId: stored.fileId, sha256: stored.sha256, size: stored.size },
      });
      kept = true;
      return presentClaim(claim);
    });
  } finally {
    if (!kept) {
      const now = await ClaimModel.findById(id)
        .lean()
        .catch(() => null);
      const referenced = now?.items?.some((i: { evidence?: { fileId: string }[] }) => i.evidence?.some((e) => e.fileId === stored.fileId));
      if (!referenced) await unlink(evidencePath(ctx.config.HUB_UPLOAD_DIR, stored.fileId)).catch(() => undefined);
    }
  }
}
