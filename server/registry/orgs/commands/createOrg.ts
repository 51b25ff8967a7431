import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { saveAudited } from '../../../platform/audit/outbox.ts';
import { conflict } from '../../../platform/errors.ts';
import { text } from '../../../platform/http/schemas.ts';
import { reserveUniqueKey } from '../../../platform/uniqueKeys.ts';
import { TOWNSHIPS } from '../../../../config/places.ts';
import { isValidCreditCode } from '../creditCode.ts';
import { ORG_TYPES, OrgModel } from '../org.model.ts';
import { presentOrg } from '../presenters/org.ts';

export const CreateOrgBody = z
  .object({
    type: z.enum(ORG_TYPES),
    name: text(200),
    creditCode: z
      .string()
      .trim()
      .toUpperCase()
      .refine(isValidCreditCode, 'must be a valid 18-character unified social credit code (GB 32100-2015 check character)')
      .optional(),
    township: z
      .enum(TOWNSHIPS, { errorMap: () => ({ message: `must be one of the county's 18 townships: ${TOWNSHIPS.join(' ')}` }) })
      .optional(),
  })
  .strict()
  .openapi('CreateOrg');
export type CreateOrgCommand = z.output<typeof CreateOrgBody>;

/** Registers an organisation; a credit code is held unique by its `unique_keys` reservation. */
export async function createOrg(ctx: HubContext, actor: AuthUser, command: CreateOrgCommand) {
  const org = new OrgModel({ ...command, creditCode: command.creditCode ?? null, township: command.township ?? null });
  if (command.creditCode && !(await reserveUniqueKey(`org.creditCode:${command.creditCode}`, String(org._id)))) {
    throw conflict(`An organisation with credit code ${command.creditCode} already exists`, { fields: ['creditCode'] });
  }
  // createdAt set now so the event (written with the record) names it as stored.
  org.set({ createdAt: new Date() });
  const dto = presentOrg(org);
  await saveAudited(org, { actor, action: 'org.create', target: { type: 'org', id: dto.id }, after: dto }, ctx);
  return dto;
}
