import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import type { HubContext } from '../../platform/context.ts';
import { idParams } from '../../platform/http/schemas.ts';
import { notFound } from '../../platform/errors.ts';
import { OrderResponse } from '../orders/presenters/order.ts';
import { confirmArrival } from '../orders/commands/confirmArrival.ts';
import { confirmDelivery } from '../orders/commands/confirmDelivery.ts';
import { confirmPickup, PickupBody } from '../orders/commands/confirmPickup.ts';
import { ShipBody, shipOrder } from '../orders/commands/shipOrder.ts';
import { listStations, stationThroughput } from './fulfilmentQueries.ts';
import { packingList } from '../orders/commands/packingList.ts';

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

const PackingQuery = z
  .object({
    ids: z.string().regex(/^[0-9a-f]{24}(,[0-9a-f]{24}){0,199}$/, 'must be 1–200 comma-separated order ids'),
  })
  .strict();

export function registerFulfilmentRoutes(routes: RouteTable): void {
  routes.route({
    method: 'get',
    path: '/fulfilment/packing-list.pdf',
    summary: "The seller's packing list (PDF, a QR per order) for the given orders",
    tags: ['fulfilment'],
    access: ['enterprise'],
    query: PackingQuery,
    produces: ['application/pdf'],
    responseDescription: 'The packing list',
    handler: async ({ req, res, user, query }) => {
      const pdf = await packingList(ctxOf(req), user, { orderIds: query.ids.split(',') });
      res.type('application/pdf').set('Content-Disposition', 'inline; filename="packing-list.pdf"').send(pdf);
    },
  });
  routes.route({
    method: 'post',
    path: '/orders/:id/ship',
    summary: 'The seller ships: {carrier, waybillNo} or {viaStation: true} (共同配送 to the station)',
    tags: ['fulfilment'],
    access: ['enterprise'],
    params: idParams,
    body: ShipBody,
    response: OrderResponse,
    handler: ({ req, user, params, body }) => shipOrder(ctxOf(req), user, { ...body, orderId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/orders/:id/arrive',
    summary: 'The destination station confirms the parcel arrived',
    tags: ['fulfilment'],
    access: ['enterprise'],
    params: idParams,
    response: OrderResponse,
    handler: ({ req, user, params }) => confirmArrival(ctxOf(req), user, { orderId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/orders/:id/pickup',
    summary: "The station hands over against the buyer's pick-up code (collects cash on delivery)",
    tags: ['fulfilment'],
    access: ['enterprise'],
    params: idParams,
    body: PickupBody,
    response: OrderResponse,
    handler: ({ req, user, params, body }) => confirmPickup(ctxOf(req), user, { ...body, orderId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/orders/:id/deliver',
    summary: 'The seller records a courier delivery at the door (collects cash on delivery)',
    tags: ['fulfilment'],
    access: ['enterprise'],
    params: idParams,
    response: OrderResponse,
    handler: ({ req, user, params }) => confirmDelivery(ctxOf(req), user, { orderId: params.id }),
  });
  routes.route({
    method: 'get',
    path: '/stations',
    summary: 'Stations a buyer can pick up at (name and township)',
    tags: ['fulfilment'],
    access: 'public',
    response: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), township: z.string().nullable() })) }),
    handler: () => listStations(),
  });
  routes.route({
    method: 'get',
    path: '/stations/:id/throughput',
    summary: 'Parcels that arrived at a station per Beijing-time month (public)',
    tags: ['fulfilment'],
    access: 'public',
    params: idParams,
    response: z.object({
      stationOrgId: z.string(),
      name: z.string(),
      township: z.string().nullable(),
      totalParcels: z.number().int(),
      months: z.array(z.object({ month: z.string(), parcels: z.number().int(), pickedUp: z.number().int() })),
    }),
    handler: async ({ req, params }) => (await stationThroughput(ctxOf(req), params.id)) ?? Promise.reject(notFound('Station')),
  });
}
