import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { saveAudited } from '../../../platform/audit/outbox.ts';
import { conflict, isDuplicateKeyError } from '../../../platform/errors.ts';
import { text } from '../../../platform/http/schemas.ts';
import { BaseModel } from '../base.model.ts';
import { registeringAssociationId } from '../policies/baseAccess.ts';
import { presentBase } from '../presenters/base.ts';

export const RegisterBaseBody = z
  .object({ name: text(200) })
  .strict()
  .openapi('CreateBase');
export type RegisterBaseCommand = z.output<typeof RegisterBaseBody>;

/** Registers the actor's association's base; the (associationId, name) unique index answers a duplicate name. */
export async function registerBase(ctx: HubContext, actor: AuthUser, command: RegisterBaseCommand) {
  const associationId = registeringAssociationId(actor);
  try {
    const base = new BaseModel({ name: command.name, associationId, createdAt: new Date() });
    const dto = presentBase(base);
    await saveAudited(base, { actor, action: 'base.register', target: { type: 'base', id: dto.id }, after: dto }, ctx);
    return dto;
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`Your association already has a base named ${command.name}`, { fields: ['name'] });
    throw err;
  }
}
