import type { AuthUser } from '../../../platform/auth/roles.ts';
import { notFound } from '../../../platform/errors.ts';
import { BaseModel } from '../base.model.ts';
import { assertCanReadBase } from '../policies/baseAccess.ts';
import { presentBase } from '../presenters/base.ts';

export type GetBaseCommand = { baseId: string };

export async function getBase(actor: AuthUser, command: GetBaseCommand) {
  const base = await BaseModel.findById(command.baseId).lean();
  if (!base) throw notFound('Base');
  assertCanReadBase(actor, base);
  return presentBase(base);
}
