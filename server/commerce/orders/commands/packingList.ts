import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { notFound } from '../../../platform/errors.ts';
import { loadOrder } from '../../checkout/orderRecord.ts';
import { packingListPdf } from '../../fulfilment/packingList.ts';
import { ProductModel } from '../../products/product.model.ts';

export type PackingListCommand = { orderIds: string[] };

/** The seller's packing list (PDF) of its own orders; any order it does not sell is 404, naming it. */
export async function packingList(ctx: HubContext, actor: AuthUser, command: PackingListCommand): Promise<Buffer> {
  const records = [];
  for (const id of [...new Set(command.orderIds)]) {
    const o = await loadOrder(ctx, id);
    if (!o || o.enterpriseId !== actor.orgId) throw notFound(`Order ${id}`);
    records.push(o);
  }
  const products = await ProductModel.find({ _id: { $in: [...new Set(records.map((r) => r.productId))] } }, { name: 1 }).lean();
  return packingListPdf(
    records,
    new Map(products.map((p) => [String(p._id), p.name])),
    `装箱单 Packing list · ${new Date().toISOString().slice(0, 10)}`,
  );
}
