import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { saveAudited } from '../../../platform/audit/outbox.ts';
import { conflict, isDuplicateKeyError } from '../../../platform/errors.ts';
import { text } from '../../../platform/http/schemas.ts';
import { ParkModel } from '../park.model.ts';
import { presentPark } from '../presenters/park.ts';

export const CreateParkBody = z
  .object({ name: text(200), nationalDemoBase: z.boolean() })
  .strict()
  .openapi('CreatePark');
export type CreateParkCommand = z.output<typeof CreateParkBody>;

/** Registers an e-commerce park (name unique). */
export async function createPark(ctx: HubContext, actor: AuthUser, command: CreateParkCommand) {
  try {
    const park = new ParkModel(command);
    const dto = presentPark(park);
    await saveAudited(park, { actor, action: 'park.create', target: { type: 'park', id: dto.id }, after: dto }, ctx);
    return dto;
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`A park named ${command.name} already exists`, { fields: ['name'] });
    throw err;
  }
}
