import { z } from 'zod';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { objectId, paging } from '../../platform/http/schemas.ts';
import { beforeDateCursor, encodeDateCursor, keysetPaging } from '../../platform/http/keyset.ts';
import { ClaimModel, CLAIM_STATUSES } from '../claim.model.ts';
import { claimListScope } from '../policies/claimAccess.ts';
import { presentClaimSummary } from '../presenters/claim.ts';
import { program } from './claimInput.ts';

export const ListClaimsQuery = z
  .object({
    status: z.enum(CLAIM_STATUSES).optional(),
    program: program.optional(),
    orgId: objectId('orgId').optional(),
    ...paging,
    cursor: keysetPaging.cursor,
  })
  .strict();
export type ListClaimsCommand = z.infer<typeof ListClaimsQuery>;

/**
 * Claims, newest change first: filers see their organisation's, the bureau and the auditor all (status=assessed is the
 * review queue). `cursor` (the previous page's nextCursor) pages on (updatedAt, _id); offset stays for the contract.
 */
export async function listClaims(actor: AuthUser, command: ListClaimsCommand) {
  const query: Record<string, unknown> = {};
  if (command.status) query.status = command.status;
  if (command.program) query.program = command.program;
  const orgId = claimListScope(actor, command.orgId);
  if (orgId) query.orgId = orgId;
  const page = command.cursor === undefined ? {} : beforeDateCursor('updatedAt', command.cursor);
  const [found, total] = await Promise.all([
    ClaimModel.find({ ...query, ...page }, { trace: 0, traceKeys: 0 })
      .sort({ updatedAt: -1, _id: -1 })
      .skip(command.cursor === undefined ? command.offset : 0)
      .limit(command.limit + 1)
      .populate<{ orgId: { _id: unknown; name: string } }>('orgId', 'name')
      .lean(),
    // Unfiltered, the total is a sum of per-status counts (each served by the {status, updatedAt, _id}
    // index), never a count over the collection.
    Object.keys(query).length
      ? ClaimModel.countDocuments(query)
      : Promise.all(CLAIM_STATUSES.map((status) => ClaimModel.countDocuments({ status }))).then((counts) =>
          counts.reduce((a, b) => a + b, 0),
        ),
  ]);
  const rows = found.slice(0, command.limit);
  const last = found.length > command.limit ? rows.at(-1)! : null;
  return {
    nextCursor: last ? encodeDateCursor(last.updatedAt, last._id) : null,
    items: rows.map((r) => presentClaimSummary({ ...r, orgId: r.orgId?._id ?? r.orgId }, r.orgId?.name ?? null)),
    total,
  };
}
