import { z } from 'zod';
import { PROGRAMS, type ProgramCode } from '../../../config/policies/types.ts';
import type { TextKey } from '../../../config/claimTexts.ts';
import { CLAIM_STATUSES, type ClaimDocument, type ClaimStatus } from '../claim.model.ts';

/** A claim as stored (a document or its lean form). */
export type StoredClaim = ClaimDocument | (Record<string, any> & { _id: unknown });

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The claim as the API answers it (POST/PUT/GET /claims/:id, review, payment, evidence). */
export function presentClaim(c: StoredClaim, orgName?: string | null) {
  const items = (c.items ?? []).map((i: any) => ({
    id: String(i._id),
    category: i.category,
    description: i.description,
    amountFen: i.amountFen,
    invoiceCode: i.invoiceCode,
    invoiceNo: i.invoiceNo,
    procurementId: i.procurementId ? String(i.procurementId) : null,
    evidence: (i.evidence ?? []).map((e: any) => ({
      fileId: e.fileId,
      sha256: e.sha256,
      filename: e.filename,
      contentType: e.contentType,
      size: e.size,
    })),
    eligible: i.eligible ?? null,
    ...(i.reason ? { reason: i.reason } : {}),
    ...(i.reasonKey ? { reasonKey: i.reasonKey } : {}),
    duplicateOf: i.duplicateOf ?? null,
  }));
  return {
    id: String(c._id),
    program: c.program as ProgramCode,
    status: c.status as ClaimStatus,
    orgId: String(c.orgId),
    ...(orgName !== undefined ? { orgName } : {}),
    filerUserId: String(c.filerUserId),
    policyVersion: c.policyVersion,
    baseId: c.baseId ? String(c.baseId) : null,
    parkId: c.parkId ? String(c.parkId) : null,
    procurementIds: (c.procurementIds ?? []).map(String),
    level: c.level ?? null,
    township: c.township ?? null,
    village: c.village ?? null,
    claimedFen: c.claimedFen ?? 0,
    eligibleFen: c.eligibleFen ?? null,
    proposedFen: c.proposedFen ?? null,
    approvedFen: c.approvedFen ?? null,
    paidFen: c.paidFen ?? null,
    items,
    hasDuplicates: items.some((i: { duplicateOf: string | null }) => i.duplicateOf !== null),
    trace: [...(c.trace ?? [])],
    traceKeys: [...(c.traceKeys ?? [])] as TextKey[],
    history: (c.history ?? []).map((h: any) => ({
      status: h.status,
      at: iso(h.at),
      by: h.by,
      note: h.note ?? null,
      amountFen: h.amountFen ?? null,
    })),
    revision: c.revision ?? 0,
    submittedAt: iso(c.submittedAt),
    assessedAt: iso(c.assessedAt),
    reviewedAt: iso(c.reviewedAt),
    reviewNote: c.reviewNote ?? null,
    payment: c.payment?.voucherNo
      ? { voucherNo: c.payment.voucherNo, paidAt: iso(c.payment.paidAt), recordedBy: c.payment.recordedBy }
      : null,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}
export type PresentedClaim = ReturnType<typeof presentClaim>;

/** A row of GET /claims: the figures without items, trace or history. */
export function presentClaimSummary(c: StoredClaim, orgName: string | null) {
  const d = presentClaim(c, orgName);
  return {
    id: d.id,
    program: d.program,
    status: d.status,
    orgId: d.orgId,
    orgName: d.orgName ?? null,
    claimedFen: d.claimedFen,
    eligibleFen: d.eligibleFen,
    proposedFen: d.proposedFen,
    approvedFen: d.approvedFen,
    paidFen: d.paidFen,
    items: d.items.length,
    hasDuplicates: d.hasDuplicates,
    revision: d.revision,
    submittedAt: d.submittedAt,
    assessedAt: d.assessedAt,
    updatedAt: d.updatedAt,
  };
}

const int = z.number().int();
const isoOrNull = z.string().nullable();
// config/claimTexts.ts TextKey: a param may be a text key itself (one level deep, e.g. who holds a station award).
const scalar = z.union([z.string(), z.number(), z.boolean()]).nullable();
const textKey = z
  .object({
    key: z.string(),
    params: z.record(z.union([scalar, z.object({ key: z.string(), params: z.record(scalar).optional() })])).optional(),
  })
  .openapi('TextKey');

/** The OpenAPI response schemas of the two presenters. */
export const ClaimResponse = z
  .object({
    id: z.string(),
    program: z.enum(PROGRAMS),
    status: z.enum(CLAIM_STATUSES),
    orgId: z.string(),
    orgName: z.string().nullable().optional(),
    filerUserId: z.string(),
    policyVersion: z.string(),
    baseId: z.string().nullable(),
    parkId: z.string().nullable(),
    procurementIds: z.array(z.string()),
    level: z.enum(['township', 'village']).nullable(),
    township: z.string().nullable(),
    village: z.string().nullable(),
    claimedFen: int,
    eligibleFen: int.nullable(),
    proposedFen: int.nullable(),
    approvedFen: int.nullable(),
    paidFen: int.nullable(),
    items: z.array(
      z.object({
        id: z.string(),
        category: z.string(),
        description: z.string(),
        amountFen: int,
        invoiceCode: z.string(),
        invoiceNo: z.string(),
        procurementId: z.string().nullable(),
        evidence: z.array(z.object({ fileId: z.string(), sha256: z.string(), filename: z.string(), contentType: z.string(), size: int })),
        eligible: z.boolean().nullable(),
        reason: z.string().optional(),
        reasonKey: textKey.optional(),
        duplicateOf: z.string().nullable(),
      }),
    ),
    hasDuplicates: z.boolean(),
    trace: z.array(z.string()),
    traceKeys: z.array(textKey),
    history: z.array(
      z.object({ status: z.enum(CLAIM_STATUSES), at: z.string(), by: z.string(), note: z.string().nullable(), amountFen: int.nullable() }),
    ),
    revision: int,
    submittedAt: isoOrNull,
    assessedAt: isoOrNull,
    reviewedAt: isoOrNull,
    reviewNote: z.string().nullable(),
    payment: z.object({ voucherNo: z.string(), paidAt: isoOrNull, recordedBy: z.string().nullable() }).nullable(),
    createdAt: isoOrNull,
    updatedAt: isoOrNull,
  })
  .openapi('Claim');

export const ClaimSummaryResponse = z
  .object({
    id: z.string(),
    program: z.enum(PROGRAMS),
    status: z.enum(CLAIM_STATUSES),
    orgId: z.string(),
    orgName: z.string().nullable(),
    claimedFen: int,
    eligibleFen: int.nullable(),
    proposedFen: int.nullable(),
    approvedFen: int.nullable(),
    paidFen: int.nullable(),
    items: int,
    hasDuplicates: z.boolean(),
    revision: int,
    submittedAt: isoOrNull,
    assessedAt: isoOrNull,
    updatedAt: isoOrNull,
  })
  .openapi('ClaimSummary');

/** POST /claims/:id/submit */
export const SubmittedResponse = z.object({ id: z.string(), status: z.enum(CLAIM_STATUSES), revision: int }).openapi('SubmittedClaim');
