import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import type { HubContext } from '../../platform/context.ts';
import { idParams } from '../../platform/http/schemas.ts';
import { HttpError, notFound } from '../../platform/errors.ts';
import { TOWNSHIPS } from '../../../config/places.ts';
import { CITY, COUNTY, PROVINCE, VILLAGES } from '../../../config/villages.ts';
import { DeliveryAddress } from './address.ts';
import { BuyerAddressModel, addressDto } from './address.model.ts';
import { listOrders } from '../orders/commands/listOrders.ts';
import { loadOrder } from '../checkout/orderRecord.ts';
import { ORDER_STATUSES } from '../checkout/orderState.ts';
import { PAYMENT_METHODS } from '../checkout/paymentProviders.ts';
import { OrderResponse } from '../orders/presenters/order.ts';

const AddressResponse = z
  .object({
    id: z.string(),
    province: z.string(),
    city: z.string(),
    county: z.string(),
    township: z.string(),
    village: z.string().nullable(),
    name: z.string(),
    phone: z.string(),
    detail: z.string(),
  })
  .openapi('BuyerAddress');

const PlacesResponse = z
  .object({
    province: z.string(),
    city: z.string(),
    county: z.string(),
    townships: z.array(z.object({ name: z.enum(TOWNSHIPS), villages: z.array(z.string()) })),
  })
  .openapi('Places');

const TrackingResponse = z
  .object({
    id: z.string(),
    status: z.enum(ORDER_STATUSES),
    quantity: z.number().int(),
    amountFen: z.number().int(),
    delivery: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('station'), stationName: z.string(), stationTownship: z.string().nullable() }),
      z.object({ mode: z.literal('courier'), township: z.string().nullable() }),
    ]),
    payment: z.enum(PAYMENT_METHODS).nullable(),
    carrier: z.string().nullable(),
    waybillNo: z.string().nullable(),
    history: z.array(
      z.object({
        status: z.enum(ORDER_STATUSES),
        at: z.string(),
        note: z.string().optional().openapi({ description: "`checkout`, or the seller's reason for declining a refund" }),
        event: z.literal('refund_rejected').optional(),
      }),
    ),
  })
  .openapi('OrderTracking');

const MAX_ADDRESSES = 20;

export function registerBuyerRoutes(routes: RouteTable): void {
  routes.route({
    method: 'get',
    path: '/places',
    summary: "Dehua's townships and their villages, offered first in address forms",
    tags: ['buyers'],
    access: 'public',
    response: PlacesResponse,
    handler: () => ({
      province: PROVINCE,
      city: CITY,
      county: COUNTY,
      townships: TOWNSHIPS.map((name) => ({ name, villages: VILLAGES[name] ?? [] })),
    }),
  });
  routes.route({
    method: 'get',
    path: '/me/addresses',
    summary: "The buyer's saved delivery addresses",
    tags: ['buyers'],
    access: ['buyer'],
    response: z.object({ items: z.array(AddressResponse) }),
    handler: async ({ user }) => ({
      items: (await BuyerAddressModel.find({ userId: user.id }).sort({ createdAt: 1 }).lean()).map(addressDto),
    }),
  });
  routes.route({
    method: 'post',
    path: '/me/addresses',
    summary: 'Save a delivery address (township and village from the place list)',
    tags: ['buyers'],
    access: ['buyer'],
    body: DeliveryAddress,
    status: 201,
    response: AddressResponse,
    handler: async ({ user, body }) => {
      if ((await BuyerAddressModel.countDocuments({ userId: user.id })) >= MAX_ADDRESSES) {
        throw new HttpError(409, 'too_many_addresses', `At most ${MAX_ADDRESSES} addresses; delete one first`, { max: MAX_ADDRESSES });
      }
      const doc = await BuyerAddressModel.create({ userId: user.id, ...body, village: body.village ?? null });
      return addressDto(doc.toObject());
    },
  });
  routes.route({
    method: 'delete',
    path: '/me/addresses/:id',
    summary: 'Delete one of your addresses (404 for anyone else’s)',
    tags: ['buyers'],
    access: ['buyer'],
    params: idParams,
    status: 204,
    handler: async ({ user, params }) => {
      const { deletedCount } = await BuyerAddressModel.deleteOne({ _id: params.id, userId: user.id });
      if (!deletedCount) throw notFound('Address');
    },
  });
  routes.route({
    method: 'get',
    path: '/me/orders',
    summary: 'My orders (what I bought), newest first',
    tags: ['buyers'],
    access: 'signed-in',
    response: z.object({ items: z.array(OrderResponse), nextCursor: z.string().nullable() }),
    handler: ({ req, user }) => listOrders(req.app.locals.ctx as HubContext, user, { mine: true }),
  });
  routes.route({
    method: 'get',
    path: '/public/orders/:id/tracking',
    summary: "An order's status timeline for its tracking link (no personal data)",
    tags: ['buyers'],
    access: 'public',
    params: idParams,
    query: z.object({ code: z.string().min(6).max(32) }).strict(),
    response: TrackingResponse,
    handler: async ({ req, params, query }) => {
      const ctx = req.app.locals.ctx as HubContext;
      const order = await loadOrder(ctx, params.id);
      if (!order || !order.trackingCode || order.trackingCode !== query.code) throw notFound('Order');
      const f = order.state.facts;
      return {
        id: order.id,
        status: order.state.status,
        quantity: order.quantity,
        amountFen: order.amountFen,
        delivery:
          order.delivery?.mode === 'station'
            ? { mode: 'station', stationName: order.delivery.stationName, stationTownship: order.delivery.stationTownship }
            : { mode: 'courier', township: order.delivery?.mode === 'courier' ? order.delivery.address.township : null },
        payment: order.payment?.method ?? null,
        carrier: (f.carrier as string | undefined) ?? null,
        waybillNo: (f.waybillNo as string | undefined) ?? null,
        // The seller's reason for declining a refund is meant for the buyer; other notes stay private.
        history: order.state.history.map(({ status, at, note, event }) => ({
          status,
          at,
          ...(note === 'checkout' ? { note } : {}),
          ...(event === 'refund_rejected' ? { event, note } : {}),
        })),
      };
    },
  });
}
