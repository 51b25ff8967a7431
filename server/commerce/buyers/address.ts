import { z } from 'zod';
import { TOWNSHIPS } from '../../../config/places.ts';
import { villageProblem } from '../../../config/villages.ts';
import { MOBILE_PHONE } from '../../auth/commands/signup.ts';

/** A delivery address inside Dehua county (province, city and county are fixed; township and village from the place list). */
export const DeliveryAddress = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(32, 'must be at most 32 characters'),
    phone: z.string().regex(MOBILE_PHONE, 'must be an 11-digit mainland mobile number (1xxxxxxxxxx)'),
    township: z.enum(TOWNSHIPS, { errorMap: () => ({ message: `must be one of Dehua's 18 townships (${TOWNSHIPS.join('、')})` }) }),
    village: z.string().trim().min(1, 'must not be empty').max(16).optional(),
    detail: z.string().trim().min(2, 'must be at least 2 characters').max(120, 'must be at most 120 characters'),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.village === undefined) return;
    const problem = villageProblem(a.township, a.village);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['village'], message: problem });
  })
  .openapi('DeliveryAddress');
export type DeliveryAddress = z.infer<typeof DeliveryAddress>;
