import { ProcurementModel, type Procurement } from './procurement.model.ts';
import { orgRecord } from '../../registry/orgs/orgReads.ts';
import { householdByRegistryNo } from '../../registry/households/householdReads.ts';
import { saveAudited } from '../../platform/audit/outbox.ts';
import { forbidden } from '../../platform/errors.ts';
import { READ_ALL_ROLES, type AuthUser } from '../../platform/auth/roles.ts';

export function procurementDto(p: Procurement & { _id: unknown }) {
  return {
    id: String(p._id),
    enterpriseId: String(p.enterpriseId),
    householdRegistryNo: p.householdRegistryNo,
    description: p.description,
    amountFen: p.amountFen,
    purchasedAt: p.purchasedAt.toISOString(),
    invoiceNo: p.invoiceNo,
    createdAt: p.createdAt?.toISOString?.() ?? null,
  };
}

export interface RecordProcurementCommand {
  householdRegistryNo: string;
  description: string;
  amountFen: number;
  purchasedAt: Date;
  invoiceNo: string;
}

/**
 * An enterprise records a purchase from a household. The household need not be registered yet:
 * the tally checks the registry on the purchase date, and re-assesses when the household is added.
 */
export async function recordProcurement(actor: AuthUser, command: RecordProcurementCommand) {
  if (!actor.orgId) throw forbidden('Only a user of an enterprise may record procurements');
  const org = await orgRecord(actor.orgId);
  if (!org || org.type !== 'enterprise') throw forbidden('Only e-commerce enterprises record procurements from households');
  const record = new ProcurementModel({ ...command, enterpriseId: org._id, createdBy: actor.id, createdAt: new Date() });
  const dto = procurementDto(record.toObject());
  await saveAudited(record, { actor, action: 'procurement.record', target: { type: 'procurement', id: dto.id }, after: dto });
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

export async function listProcurements(actor: AuthUser, filter: { enterpriseId?: string; limit: number; offset: number }) {
  const query: Record<string, unknown> = {};
  if (READ_ALL_ROLES.includes(actor.role)) {
    if (filter.enterpriseId) query.enterpriseId = filter.enterpriseId;
  } else {
    if (filter.enterpriseId && filter.enterpriseId !== actor.orgId) throw forbidden("You may list only your enterprise's procurements");
    query.enterpriseId = actor.orgId;
  }
  const [items, total] = await Promise.all([
    ProcurementModel.find(query).sort({ purchasedAt: -1 }).skip(filter.offset).limit(filter.limit).lean(),
    ProcurementModel.countDocuments(query),
  ]);
  return { items: items.map(procurementDto), total };
}
