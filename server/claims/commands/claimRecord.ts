import { conflict, HttpError, notFound, withParams } from '../../platform/errors.ts';
import { ClaimModel, type ClaimDocument, type ClaimStatus } from '../claim.model.ts';

/** What the commands share: loading a claim, the states a filer may change, the state error. */

export const EDITABLE: ClaimStatus[] = ['draft', 'returned'];
export const MAX_EVIDENCE_PER_ITEM = 10;

export async function loadClaim(id: string): Promise<ClaimDocument> {
  const claim = await ClaimModel.findById(id);
  if (!claim) throw notFound('Claim');
  return claim;
}

export function wrongState(claim: { _id: unknown; status: string }, action: string, allowed: string[]): HttpError {
  return withParams(
    conflict(
      `Claim ${String(claim._id)} is ${claim.status}; ${action} needs ${allowed.join(' or ')}`,
      { status: claim.status, allowed },
      'wrong_state',
    ),
    {
      action,
      allowed: allowed.join(','),
    },
  );
}

export function assertEditable(claim: ClaimDocument, action: string): void {
  if (!EDITABLE.includes(claim.status)) throw wrongState(claim, action, EDITABLE);
}

export function findItem(claim: ClaimDocument, itemId: string) {
  const item = claim.items.find((i) => String(i._id) === itemId);
  if (!item) throw notFound(`Item ${itemId} in claim ${String(claim._id)}`);
  return item;
}

export const tooManyFiles = () =>
  conflict(`An item holds at most ${MAX_EVIDENCE_PER_ITEM} evidence files`, { maximum: MAX_EVIDENCE_PER_ITEM }, 'too_many_files');
