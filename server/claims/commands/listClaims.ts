import { z } from 'zod';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { objectId, paging } from '../../platform/http/schemas.ts';
import { ClaimModel, CLAIM_STATUSES } from '../claim.model.ts';
import { claimListScope } from '../policies/claimAccess.ts';
import { presentClaimSummary } from '../presenters/claim.ts';
import { program } from './claimInput.ts';

export const ListClaimsQuery = z.object({ status: z.enum(CLAIM_STATUSES).optional(), program: program.optional(), orgId: objectId('orgId').optional(), ...paging }).strict();
export type ListClaimsCommand = z.infer<typeof ListClaimsQuery>;

/** Claims, newest change first: filers see their organisation's, the bureau and the auditor all (status=assessed is the review queue). */
export async function listClaims(actor: AuthUser, command: ListClaimsCommand) {
  const query: Record<string, unknown> = {};
  if (command.status) query.status = command.status;
  if (command.program) query.program = command.program;
  const orgId = claimListScope(actor, command.orgId);
  if (orgId) query.orgId = orgId;
  const [rows, total] = await Promise.all([
    ClaimModel.find(query, { trace: 0, traceKeys: 0 }).sort({ updatedAt: -1 }).skip(command.offset).limit(command.limit)
      .populate<{ orgId: { _id: unknown; name: string } }>('orgId', 'name').lean(),
    ClaimModel.countDocuments(query),
  ]);
  return { items: rows.map((r) => presentClaimSummary({ ...r, orgId: r.orgId?._id ?? r.orgId }, r.orgId?.name ?? null)), total };
}
