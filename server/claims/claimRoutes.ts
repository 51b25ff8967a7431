import { keysetPaging } from '../platform/http/keyset.ts';
import { z } from 'zod';
import type { RouteTable } from '../platform/http/routeTable.ts';
import type { HubContext } from '../platform/context.ts';
import { fen, idParams, isoDateTime, objectId, paging, text } from '../platform/http/schemas.ts';
import { forbidden } from '../platform/errors.ts';
import { READ_ALL_ROLES } from '../platform/auth/roles.ts';
import { ITEM_CATEGORIES, PROGRAMS } from '../../config/policies/types.ts';
import { TOWNSHIPS } from '../../config/places.ts';
import { CLAIM_STATUSES } from './claim.model.ts';
import {
  addEvidence, createClaim, getClaim, listClaims, payClaim, removeEvidence, reviewClaim, sendEvidence, submitClaim, updateClaim,
  type ClaimInput,
} from './claimService.ts';
import { listProcurements, recordProcurement } from './procurements/procurementService.ts';
import { entitlement } from './ledgerService.ts';
import { budgetUse, subsidyTotalsByProgram } from './budgetService.ts';
import { exportClaims, exportDisbursements, publicDisclosures } from './disclosureService.ts';
import { parseEvidenceUpload } from './evidence.ts';
import { claimQueues } from './processors/queues.ts';
import { failedJobs, retryFailedJob } from './jobAdmin.ts';

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

const category = z.enum(ITEM_CATEGORIES, { errorMap: () => ({ message: `must be one of the policy's item categories: ${ITEM_CATEGORIES.join(' ')}` }) });
const program = z.enum(PROGRAMS, { errorMap: () => ({ message: `must be one of the programmes: ${PROGRAMS.join(' ')}` }) });
const invoicePart = z.string().trim().regex(/^[0-9A-Za-z]{1,32}$/, 'must be 1 to 32 letters or digits');
const SpendingItem = z.object({ category, description: text(500), amountFen: fen, invoiceCode: invoicePart, invoiceNo: invoicePart }).strict();
const EditedItem = SpendingItem.extend({ id: objectId('id').optional() }).strict();
const township = z.enum(TOWNSHIPS, { errorMap: () => ({ message: `must be one of the county's 18 townships: ${TOWNSHIPS.join(' ')}` }) });

function claimBody<I extends typeof SpendingItem | typeof EditedItem>(item: I, name: string) {
  const items = z.array(item).min(1, 'must list at least one item').max(200, 'must list at most 200 items');
  return z
    .discriminatedUnion('program', [
      z.object({ program: z.literal('livestream_base'), baseId: objectId('baseId'), items }).strict(),
      z.object({ program: z.literal('poverty_procurement'), procurementIds: z.array(objectId('procurementIds')).min(1, 'must list at least one procurement').max(500) }).strict(),
      z.object({ program: z.literal('brand_building'), items }).strict(),
      z.object({ program: z.literal('warehouse_rent'), parkId: objectId('parkId'), items }).strict(),
      z.object({ program: z.literal('service_station'), level: z.enum(['township', 'village']), township, village: text(64).optional() }).strict(),
    ], { errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_union_discriminator' ? `must be one of the programmes: ${PROGRAMS.join(' ')}` : ctx.defaultError }) })
    .openapi(name);
}
const CreateClaimBody = claimBody(SpendingItem, 'CreateClaim');
const UpdateClaimBody = claimBody(EditedItem, 'UpdateClaim');

const ReviewBody = z
  .object({ decision: z.enum(['approve', 'return', 'reject']), note: z.string().trim().max(1000, 'must be at most 1000 characters').optional(), approvedFen: fen.optional() })
  .strict()
  .superRefine((b, ctx) => {
    if (b.decision !== 'approve' && !b.note) ctx.addIssue({ code: 'custom', path: ['note'], message: `is required to ${b.decision} a claim (tell the filer why)` });
    if (b.decision !== 'approve' && b.approvedFen !== undefined) ctx.addIssue({ code: 'custom', path: ['approvedFen'], message: 'only goes with decision "approve"' });
  })
  .openapi('ReviewClaim');

// Treasury voucher numbers are written like 德财拨〔2020〕0123 or PZ-2020-001.
const PaymentBody = z.object({ voucherNo: z.string().trim().regex(/^[\p{L}\p{N}〔〕［］【】()（）\[\]\-·]{1,64}$/u, 'must be 1 to 64 letters, digits, brackets 〔〕 or -'), paidAt: isoDateTime }).strict().openapi('RecordPayment');

const ProcurementBody = z
  .object({
    householdRegistryNo: z.string().trim().min(1, 'must not be empty').max(64).regex(/^[A-Za-z0-9-]+$/, 'letters, digits and - only'),
    description: text(500),
    amountFen: fen,
    purchasedAt: isoDateTime,
    invoiceNo: invoicePart,
  })
  .strict()
  .openapi('RecordProcurement');

const ItemParams = z.object({ id: objectId(), itemId: objectId('itemId') }).strict();
const FileParams = z.object({ id: objectId(), itemId: objectId('itemId'), fileId: z.string().regex(/^[0-9a-f-]{36}$/, 'must be an evidence file id') }).strict();
const ExportQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('csv'), lang: z.enum(['zh', 'en']).default('zh') }).strict();

const ClaimSummary = z.object({ id: z.string(), program: z.string(), status: z.enum(CLAIM_STATUSES), orgId: z.string() }).passthrough().openapi('ClaimSummary');
const ClaimResponse = z
  .object({
    id: z.string(), program: z.enum(PROGRAMS), status: z.enum(CLAIM_STATUSES), orgId: z.string(), claimedFen: z.number().int(),
    eligibleFen: z.number().int().nullable(), proposedFen: z.number().int().nullable(), approvedFen: z.number().int().nullable(),
    items: z.array(z.object({ id: z.string(), eligible: z.boolean().nullable(), reason: z.string().optional() }).passthrough()),
    trace: z.array(z.string()), history: z.array(z.object({ status: z.enum(CLAIM_STATUSES), at: z.string(), by: z.string() }).passthrough()),
  })
  .passthrough()
  .openapi('Claim');
const EntitlementResponse = z
  .object({ program: z.enum(PROGRAMS), orgId: z.string(), capFen: z.number().int().nullable(), approvedFen: z.number().int(), paidFen: z.number().int(), remainingFen: z.number().int().nullable() })
  .openapi('Entitlement');

const FILERS = ['association', 'enterprise'] as const;
const READERS = ['bureau', 'auditor', 'association', 'enterprise'] as const;

export function registerClaimRoutes(routes: RouteTable): void {
  // Procurements (enterprise)
  routes.route({
    method: 'post', path: '/procurements', summary: 'Record a purchase from a registered poverty household', tags: ['claims'],
    access: ['enterprise'], body: ProcurementBody, status: 201, handler: ({ user, body }) => recordProcurement(user, body),
  });
  routes.route({
    method: 'get', path: '/procurements', summary: "Procurement records (an enterprise sees its own)", tags: ['claims'], access: ['bureau', 'auditor', 'enterprise'],
    query: z.object({ enterpriseId: objectId('enterpriseId').optional(), ...paging }).strict(), handler: ({ user, query }) => listProcurements(user, query),
  });

  // Claims
  routes.route({
    method: 'post', path: '/claims', summary: 'File a claim (draft), discriminated on program', tags: ['claims'], access: [...FILERS],
    body: CreateClaimBody, status: 201, response: ClaimResponse, handler: ({ user, body, req }) => createClaim(ctxOf(req), user, body as ClaimInput),
  });
  routes.route({
    method: 'get', path: '/claims', summary: 'Claims (filers see their own; bureau and auditor all). status=assessed is the review queue', tags: ['claims'],
    access: [...READERS], response: z.object({ items: z.array(ClaimSummary), total: z.number().int(), nextCursor: z.string().nullable() }),
    query: z.object({ status: z.enum(CLAIM_STATUSES).optional(), program: program.optional(), orgId: objectId('orgId').optional(), ...paging, cursor: keysetPaging.cursor }).strict(),
    handler: ({ user, query }) => listClaims(user, query),
  });
  routes.route({
    method: 'post', path: '/claims/reassess', summary: 'Re-assess every pending claim (after a policy change)', tags: ['claims'], access: ['bureau'],
    status: 202, body: z.object({ version: z.string().regex(/^[a-z0-9-]{1,64}$/).optional() }).strict(),
    handler: async ({ req, body }) => {
      const ctx = ctxOf(req);
      const job = await claimQueues(ctx).maintenance.add('policy', { kind: 'policy', version: body.version ?? ctx.config.HUB_POLICY_VERSION });
      return { jobId: job.id, queued: true };
    },
  });
  routes.route({
    method: 'get', path: '/claims/:id', summary: 'One claim with items, trace and history', tags: ['claims'], access: [...READERS],
    params: idParams, response: ClaimResponse, handler: ({ user, params }) => getClaim(user, params.id),
  });
  routes.route({
    method: 'put', path: '/claims/:id', summary: 'Edit a draft or returned claim (items with an id keep their evidence)', tags: ['claims'],
    access: [...FILERS], params: idParams, body: UpdateClaimBody, response: ClaimResponse,
    handler: ({ user, params, body, req }) => updateClaim(ctxOf(req), user, params.id, body as ClaimInput),
  });
  routes.route({
    method: 'post', path: '/claims/:id/submit', summary: 'Submit (or resubmit) a claim; the tally worker assesses it', tags: ['claims'],
    access: [...FILERS], params: idParams, status: 202, handler: ({ user, params, req }) => submitClaim(ctxOf(req), user, params.id),
  });
  routes.route({
    method: 'post', path: '/claims/:id/review', summary: 'Bureau review: approve (≤ proposed, ≤ remaining cap), return or reject', tags: ['claims'],
    access: ['bureau'], params: idParams, body: ReviewBody, response: ClaimResponse,
    handler: ({ user, params, body, req }) => reviewClaim(ctxOf(req), user, params.id, body),
  });
  routes.route({
    method: 'post', path: '/claims/:id/payments', summary: 'Record the payment of an approved claim', tags: ['claims'],
    access: ['bureau'], params: idParams, body: PaymentBody, response: ClaimResponse,
    handler: ({ user, params, body, req }) => payClaim(ctxOf(req), user, params.id, body),
  });
  routes.route({
    method: 'post', path: '/claims/:id/items/:itemId/evidence', summary: 'Upload an evidence file (PDF, JPEG or PNG, ≤ 10 MB) for an item', tags: ['claims'],
    access: [...FILERS], params: ItemParams, status: 201, before: [parseEvidenceUpload], response: ClaimResponse,
    requestContent: { body: { content: { 'multipart/form-data': { schema: z.object({ file: z.string().openapi({ type: 'string', format: 'binary' }) }) } } } },
    handler: ({ user, params, req }) => addEvidence(ctxOf(req), user, params.id, params.itemId, req.file),
  });
  routes.route({
    method: 'get', path: '/claims/:id/items/:itemId/evidence/:fileId', summary: 'Download an evidence file (for preview)', tags: ['claims'],
    access: [...READERS], params: FileParams, handler: ({ user, params, req, res }) => sendEvidence(ctxOf(req), user, params.id, params.itemId, params.fileId, res),
  });
  routes.route({
    method: 'delete', path: '/claims/:id/items/:itemId/evidence/:fileId', summary: 'Remove an evidence file from a draft or returned claim', tags: ['claims'],
    access: [...FILERS], params: FileParams, response: ClaimResponse,
    handler: ({ user, params, req }) => removeEvidence(ctxOf(req), user, params.id, params.itemId, params.fileId),
  });

  // Entitlements and openness
  routes.route({
    method: 'get', path: '/entitlements', summary: 'Cap, approved, paid and remaining for one organisation and programme', tags: ['claims'],
    access: [...READERS], query: z.object({ orgId: objectId('orgId').optional(), program }).strict(), response: EntitlementResponse,
    handler: ({ user, query, req }) => {
      const orgId = query.orgId ?? user.orgId;
      if (!orgId) throw forbidden('Name the organisation: orgId');
      if (!READ_ALL_ROLES.includes(user.role) && orgId !== user.orgId) throw forbidden("You may see only your organisation's entitlements");
      return entitlement(ctxOf(req), orgId, query.program);
    },
  });
  routes.route({
    method: 'get', path: '/budget', summary: 'Budget use per fund category (70/15/13.5/1.5) and subsidies by programme', tags: ['claims'],
    access: 'signed-in', handler: async ({ req }) => {
      const version = ctxOf(req).config.HUB_POLICY_VERSION;
      const [use, programs] = await Promise.all([budgetUse(version), subsidyTotalsByProgram(version)]);
      return { ...use, programs: programs.items };
    },
  });
  routes.route({
    method: 'get', path: '/public/disclosures', summary: 'Published awards: organisation, programme, amount, date (no household data)', tags: ['public'],
    access: 'public', query: z.object(paging).strict(),
    response: z.object({ items: z.array(z.object({ org: z.string(), program: z.string(), approvedFen: z.number().int(), approvedAt: z.string().nullable() }).passthrough()), total: z.number().int() }),
    handler: ({ req, query }) => publicDisclosures(ctxOf(req).config.HUB_POLICY_VERSION, query),
  });
  routes.route({
    method: 'get', path: '/exports/claims', summary: 'Every claim as CSV or XLSX: amounts in yuan, Beijing time, Chinese headers (lang=en for English)', tags: ['claims'], access: ['bureau', 'auditor'],
    query: ExportQuery, handler: ({ query, res }) => exportClaims(res, query.format, query.lang),
  });
  routes.route({
    method: 'get', path: '/exports/disbursements', summary: 'Every disbursement as CSV or XLSX: amounts in yuan, Beijing time, Chinese headers (lang=en for English)', tags: ['claims'], access: ['bureau', 'auditor'],
    query: ExportQuery, handler: ({ query, res }) => exportDisbursements(res, query.format, query.lang),
  });

  // Jobs the bureau can see and retry (also on Bull Board at /admin/queues)
  routes.route({
    method: 'get', path: '/claim-jobs/failed', summary: 'Failed claims jobs (after their retries)', tags: ['claims'], access: ['bureau', 'auditor'],
    handler: ({ req }) => failedJobs(ctxOf(req)),
  });
  routes.route({
    method: 'post', path: '/claim-jobs/:queue/:jobId/retry', summary: 'Retry a failed claims job', tags: ['claims'], access: ['bureau'],
    params: z.object({ queue: z.enum(['claims-assess', 'claims-maintenance']), jobId: z.string().min(1).max(200) }).strict(),
    handler: ({ req, params, user }) => retryFailedJob(ctxOf(req), user, params.queue, params.jobId),
  });
}
