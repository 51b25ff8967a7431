import mongoose from 'mongoose';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { recordChange } from '../../platform/audit/outbox.ts';
import { ClaimModel } from '../claim.model.ts';
import { policyInForce } from '../policy/policyService.ts';
import { presentClaim } from '../presenters/claim.ts';
import { resolveClaimFields, type ClaimInput } from './claimInput.ts';

export type CreateClaimCommand = ClaimInput;

/** Files a claim as a draft under the policy in force today. */
export async function createClaim(ctx: HubContext, actor: AuthUser, command: CreateClaimCommand) {
  const policy = await policyInForce(ctx);
  const { org, fields } = await resolveClaimFields(actor, command, policy);
  const now = new Date();
  const _id = new mongoose.Types.ObjectId();
  const items = fields.items?.length ?? 0;
  const claimedFen = fields.claimedFen as number;
  const audit = {
    actor,
    action: 'claim.create',
    target: { type: 'claim', id: String(_id) },
    after: { program: command.program, claimedFen, items },
  };
  const claim = await recordChange(ctx, { model: ClaimModel, id: String(_id), audit }, (entry) =>
    ClaimModel.create({
      ...fields,
      _id,
      program: command.program,
      policyVersion: policy.version,
      orgId: org._id,
      filerUserId: actor.id,
      status: 'draft',
      history: [{ status: 'draft', at: now, by: actor.username, note: 'created', amountFen: claimedFen }],
      pendingAudit: { [entry.id]: entry },
    }),
  );
  return presentClaim(claim);
}
