import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams, isoDate, paging, text } from '../../platform/http/schemas.ts';
import { TOWNSHIPS } from '../../../config/places.ts';
import { keysetPaging } from '../../platform/http/keyset.ts';
import { getHousehold, listHouseholds, registerHousehold } from './householdService.ts';

const township = z.enum(TOWNSHIPS, { errorMap: () => ({ message: `must be one of the county's 18 townships: ${TOWNSHIPS.join(' ')}` }) });

const RegisterHouseholdBody = z
  .object({
    registryNo: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(64)
      .regex(/^[A-Za-z0-9-]+$/, 'letters, digits and - only'),
    name: text(64),
    township,
    village: text(64),
    registeredFrom: isoDate,
    registeredUntil: isoDate.optional(),
  })
  .strict()
  .refine((b) => !b.registeredUntil || b.registeredUntil >= b.registeredFrom, {
    message: 'must not be before registeredFrom',
    path: ['registeredUntil'],
  })
  .openapi('RegisterHousehold');

export const HouseholdResponse = z
  .object({
    id: z.string(),
    registryNo: z.string(),
    name: z.string(),
    township: z.string(),
    village: z.string(),
    registeredFrom: z.string(),
    registeredUntil: z.string().nullable(),
  })
  .openapi('Household');

export function registerHouseholdRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/households',
    summary: 'Register a poverty household (建档立卡贫困户)',
    tags: ['registry'],
    access: ['bureau'],
    body: RegisterHouseholdBody,
    status: 201,
    response: HouseholdResponse,
    handler: ({ user, body }) => registerHousehold(user, body),
  });
  routes.route({
    method: 'get',
    path: '/households',
    summary: 'The household registry (personal data: bureau and auditor only)',
    tags: ['registry'],
    access: ['bureau', 'auditor'],
    query: z.object({ township: township.optional(), ...paging, cursor: keysetPaging.cursor }).strict(),
    response: z.object({ items: z.array(HouseholdResponse), total: z.number().int(), nextCursor: z.string().nullable() }),
    handler: ({ query }) => listHouseholds(query),
  });
  routes.route({
    method: 'get',
    path: '/households/:id',
    summary: 'One household',
    tags: ['registry'],
    access: ['bureau', 'auditor'],
    params: idParams,
    response: HouseholdResponse,
    handler: ({ params }) => getHousehold(params.id),
  });
}
