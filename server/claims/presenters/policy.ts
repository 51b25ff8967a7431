import { z } from 'zod';
import { ITEM_CATEGORIES, PROGRAMS } from '../../../config/policies/types.ts';

/** The OpenAPI shapes of a policy document and of a listed version (policyService.listPolicies). */

const words = z.object({ zh: z.string(), en: z.string() });
const int = z.number().int();

export const PolicyDocumentResponse = z
  .object({
    version: z.string(),
    titleZh: z.string(),
    titleEn: z.string(),
    documentNo: z.string(),
    effectiveFrom: z.string(),
    effectiveTo: z.string().nullable(),
    programs: z.array(
      z.object({
        code: z.enum(PROGRAMS),
        nameZh: z.string(),
        nameEn: z.string(),
        section: z.string(),
        claimantOrgTypes: z.array(z.string()),
        basisCategories: z.array(z.enum(ITEM_CATEGORIES)),
        rateBasisPoints: int.nullable(),
        capFen: int.nullable(),
        fixedAwardsFen: z.object({ township: int, village: int }).optional(),
        preconditions: z.array(words),
        budgetCategory: z.string(),
      }),
    ),
    itemCategories: z.array(z.enum(ITEM_CATEGORIES)),
    categoryLabels: z.array(z.object({ code: z.enum(ITEM_CATEGORIES), zh: z.string(), en: z.string() })),
    negativeList: z.array(z.object({ category: z.enum(ITEM_CATEGORIES), zh: z.string(), en: z.string() })),
    budgetCategories: z.array(
      z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), section: z.string(), shareBasisPoints: int }),
    ),
    phases: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), from: z.string(), to: z.string() })),
    procedure: z.array(words),
  })
  .openapi('PolicyDocument');

export const PolicyChangeResponse = z
  .object({
    kind: z.enum([
      'effective_from',
      'rate',
      'cap',
      'fixed_award',
      'basis_added',
      'basis_removed',
      'category_added',
      'category_removed',
      'category_renamed',
      'negative_added',
      'negative_removed',
    ]),
    program: z.enum(PROGRAMS).optional(),
    category: z.enum(ITEM_CATEGORIES).optional(),
    level: z.enum(['township', 'village']).optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    fromBasisPoints: int.nullable().optional(),
    toBasisPoints: int.nullable().optional(),
    fromFen: int.nullable().optional(),
    toFen: int.nullable().optional(),
    zh: z.string().optional(),
    en: z.string().optional(),
    fromZh: z.string().optional(),
    toZh: z.string().optional(),
    fromEn: z.string().optional(),
    toEn: z.string().optional(),
  })
  .openapi('PolicyChange');

export const PolicyVersionResponse = z
  .object({
    version: z.string(),
    sequence: int,
    basedOn: z.string().nullable(),
    effectiveFrom: z.string(),
    effectiveTo: z.string().nullable(),
    publishedBy: z.string(),
    publishedAt: z.string().nullable(),
    inForce: z.boolean(),
    document: PolicyDocumentResponse,
    changes: z.array(PolicyChangeResponse),
  })
  .openapi('PolicyVersion');
