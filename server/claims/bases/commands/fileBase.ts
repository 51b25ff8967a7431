import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { saveAudited } from '../../../platform/audit/outbox.ts';
import { conflict, notFound } from '../../../platform/errors.ts';
import { isoDateTime, text } from '../../../platform/http/schemas.ts';
import { BaseModel } from '../base.model.ts';
import { presentBase } from '../presenters/base.ts';

export const FileBaseBody = z
  .object({ filingNo: text(64), filedAt: isoDateTime })
  .strict()
  .openapi('FileBase');
export type FileBaseCommand = { baseId: string; filing: z.output<typeof FileBaseBody> };

/** The bureau records the filing (备案); a claim for the base needs it before submission. */
export async function fileBase(ctx: HubContext, actor: AuthUser, command: FileBaseCommand) {
  const id = command.baseId;
  const base = await BaseModel.findById(id);
  if (!base) throw notFound('Base');
  if (base.filed)
    throw conflict(`Base ${id} is already filed as ${base.filingNo}`, { status: 'filed', filingNo: base.filingNo }, 'wrong_state');
  const before = presentBase(base);
  base.set({ filed: true, filingNo: command.filing.filingNo, filedAt: command.filing.filedAt });
  const dto = presentBase(base);
  await saveAudited(base, { actor, action: 'base.file', target: { type: 'base', id }, before, after: dto }, ctx);
  return dto;
}
