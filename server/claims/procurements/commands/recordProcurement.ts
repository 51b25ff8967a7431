import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { saveAudited } from '../../../platform/audit/outbox.ts';
import { fen, isoDateTime, text } from '../../../platform/http/schemas.ts';
import { orgRecord } from '../../../registry/orgs/orgReads.ts';
import { householdByRegistryNo } from '../../../registry/households/householdReads.ts';
import { invoicePart } from '../../commands/claimInput.ts';
import { ProcurementModel } from '../procurement.model.ts';
import { assertCanRecordProcurement, recordingOrgId } from '../policies/procurementAccess.ts';
import { presentProcurement } from '../presenters/procurement.ts';

export const RecordProcurementBody = z
  .object({
    householdRegistryNo: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(64)
      .regex(/^[A-Za-z0-9-]+$/, 'letters, digits and - only'),
    description: text(500),
    amountFen: fen,
    purchasedAt: isoDateTime,
    invoiceNo: invoicePart,
  })
  .strict()
  .openapi('RecordProcurement');
export type RecordProcurementCommand = z.output<typeof RecordProcurementBody>;

/**
 * An enterprise records a purchase from a household. The household need not be registered yet:
 * the tally checks the registry on the purchase date, and re-assesses when the household is added.
 */
export async function recordProcurement(ctx: HubContext, actor: AuthUser, command: RecordProcurementCommand) {
  const org = await orgRecord(recordingOrgId(actor));
  assertCanRecordProcurement(org);
  const record = new ProcurementModel({ ...command, enterpriseId: org._id, createdBy: actor.id, createdAt: new Date() });
  const dto = presentProcurement(record.toObject());
  await saveAudited(record, { actor, action: 'procurement.record', target: { type: 'procurement', id: dto.id }, after: dto }, ctx);
  // Said now, not only at assessment: the enterprise can still ask the bureau to register the household.
  const household = await householdByRegistryNo(command.householdRegistryNo);
  const warnings: { code: string; params: Record<string, string> }[] = [];
  if (!household) warnings.push({ code: 'household_not_registered', params: { registryNo: command.householdRegistryNo } });
  else if (household.registeredFrom && household.registeredFrom.getTime() > command.purchasedAt.getTime()) {
    warnings.push({
      code: 'household_registered_later',
      params: { registryNo: command.householdRegistryNo, registeredFrom: household.registeredFrom.toISOString().slice(0, 10) },
    });
  }
  return { ...dto, warnings };
}
