import { z } from 'zod';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { objectId, paging } from '../../../platform/http/schemas.ts';
import { ProcurementModel } from '../procurement.model.ts';
import { procurementListScope } from '../policies/procurementAccess.ts';
import { presentProcurement } from '../presenters/procurement.ts';

export const ListProcurementsQuery = z.object({ enterpriseId: objectId('enterpriseId').optional(), ...paging }).strict();
export type ListProcurementsCommand = z.output<typeof ListProcurementsQuery>;

/** Procurements, newest purchase first, offset-paged with a total. */
export async function listProcurements(actor: AuthUser, command: ListProcurementsCommand) {
  const query: Record<string, unknown> = {};
  if (procurementListScope(actor, command.enterpriseId) === 'all') {
    if (command.enterpriseId) query.enterpriseId = command.enterpriseId;
  } else {
    query.enterpriseId = actor.orgId;
  }
  const [items, total] = await Promise.all([
    ProcurementModel.find(query).sort({ purchasedAt: -1 }).skip(command.offset).limit(command.limit).lean(),
    ProcurementModel.countDocuments(query),
  ]);
  return { items: items.map(presentProcurement), total };
}
