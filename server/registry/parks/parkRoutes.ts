import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { text } from '../../platform/http/schemas.ts';
import { ParkModel, parkDto } from './park.model.ts';
import { saveAudited } from '../../platform/audit/outbox.ts';
import { conflict, isDuplicateKeyError } from '../../platform/errors.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';

const ParkBody = z
  .object({ name: text(200), nationalDemoBase: z.boolean() })
  .strict()
  .openapi('CreatePark');
const ParkResponse = z.object({ id: z.string(), name: z.string(), nationalDemoBase: z.boolean() }).openapi('Park');

export async function createPark(actor: AuthUser, command: z.infer<typeof ParkBody>) {
  try {
    const park = new ParkModel(command);
    const dto = parkDto(park);
    await saveAudited(park, { actor, action: 'park.create', target: { type: 'park', id: dto.id }, after: dto });
    return dto;
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`A park named ${command.name} already exists`, { fields: ['name'] });
    throw err;
  }
}

export async function listParks() {
  return { items: (await ParkModel.find().sort({ name: 1 }).lean()).map(parkDto) };
}

export function registerParkRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/parks',
    summary: 'Register an e-commerce park (for warehouse rent claims)',
    tags: ['registry'],
    access: ['bureau'],
    body: ParkBody,
    status: 201,
    response: ParkResponse,
    handler: ({ user, body }) => createPark(user, body),
  });
  routes.route({
    method: 'get',
    path: '/parks',
    summary: 'E-commerce parks',
    tags: ['registry'],
    access: 'signed-in',
    response: z.object({ items: z.array(ParkResponse) }),
    handler: () => listParks(),
  });
}
