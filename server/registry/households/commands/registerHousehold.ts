import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { saveAudited } from '../../../platform/audit/outbox.ts';
import { hubEvents } from '../../../platform/events.ts';
import { conflict, isDuplicateKeyError } from '../../../platform/errors.ts';
import { isoDate, text } from '../../../platform/http/schemas.ts';
import { TOWNSHIPS } from '../../../../config/places.ts';
import { HouseholdModel } from '../household.model.ts';
import { presentHousehold } from '../presenters/household.ts';

export const township = z.enum(TOWNSHIPS, {
  errorMap: () => ({ message: `must be one of the county's 18 townships: ${TOWNSHIPS.join(' ')}` }),
});

export const RegisterHouseholdBody = z
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
export type RegisterHouseholdCommand = z.output<typeof RegisterHouseholdBody>;

/** Adds a household to the registry (registryNo unique). */
export async function registerHousehold(ctx: HubContext, actor: AuthUser, command: RegisterHouseholdCommand) {
  try {
    const household = new HouseholdModel(command);
    const dto = presentHousehold(household);
    await saveAudited(
      household,
      {
        actor,
        action: 'household.register',
        target: { type: 'household', id: dto.id },
        after: { registryNo: dto.registryNo, township: dto.township, village: dto.village },
      },
      ctx,
    );
    // Claims re-assess pending procurement claims that name this household.
    hubEvents.emit('household.registered', { registryNo: dto.registryNo });
    return dto;
  } catch (err) {
    if (isDuplicateKeyError(err))
      throw conflict(`Household registry number ${command.registryNo} is already registered`, { fields: ['registryNo'] });
    throw err;
  }
}
