import { z } from 'zod';
import type { RouteTable } from '../platform/http/routeTable.ts';
import type { HubContext } from '../platform/context.ts';
import { idParams, objectId, paging } from '../platform/http/schemas.ts';
import { PROGRAMS } from '../../config/policies/types.ts';
import { createClaim } from './commands/createClaim.ts';
import { editClaim } from './commands/editClaim.ts';
import { submitClaim } from './commands/submitClaim.ts';
import { reviewClaim, ReviewBody } from './commands/reviewClaim.ts';
import { payClaim, PaymentBody } from './commands/payClaim.ts';
import { addEvidence } from './commands/addEvidence.ts';
import { removeEvidence } from './commands/removeEvidence.ts';
import { getClaim } from './commands/getClaim.ts';
import { listClaims, ListClaimsQuery } from './commands/listClaims.ts';
import { CreateClaimBody, program, UpdateClaimBody } from './commands/claimInput.ts';
import { ClaimResponse, ClaimSummaryResponse, SubmittedResponse } from './presenters/claim.ts';
import { EntitlementResponse } from './presenters/entitlement.ts';
import { ClaimableProgramsResponse } from './presenters/claimablePrograms.ts';
import { claimablePrograms } from './commands/claimablePrograms.ts';
import { entitlementScope } from './policies/claimAccess.ts';
import { sendEvidence } from './http/evidenceDownload.ts';
import { recordProcurement, RecordProcurementBody } from './procurements/commands/recordProcurement.ts';
import { listProcurements, ListProcurementsQuery } from './procurements/commands/listProcurements.ts';
import { ProcurementListResponse, RecordedProcurementResponse } from './procurements/presenters/procurement.ts';
import { entitlement } from './ledgerService.ts';
import { budgetUse, subsidyTotalsByProgram } from './budgetService.ts';
import { exportClaims, exportDisbursements } from './exports.ts';
import { publicDisclosures } from './awards/awardReads.ts';
import { parseEvidenceUpload } from './evidence.ts';
import { claimQueues } from './processors/queues.ts';
import { failedJobs, retryFailedJob } from './jobAdmin.ts';

/**
 * The claims routes: each parses (the RouteTable validates body, query and params with zod and checks the
 * role), calls one command and returns its presenter's shape. Record-level checks live in policies/, called
 * by the commands; streaming responses (evidence, exports) are the HTTP layer's.
 */

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

const ItemParams = z.object({ id: objectId(), itemId: objectId('itemId') }).strict();
const FileParams = z
  .object({ id: objectId(), itemId: objectId('itemId'), fileId: z.string().regex(/^[0-9a-f-]{36}$/, 'must be an evidence file id') })
  .strict();
const ExportQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('csv'), lang: z.enum(['zh', 'en']).default('zh') }).strict();

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const int = z.number().int();

const Amounts = { approvedFen: int, paidFen: int };
const BudgetResponse = z
  .object({
    policyVersion: z.string(),
    totalFundFen: int,
    categories: z.array(
      z.object({
        code: z.string(),
        nameZh: z.string(),
        nameEn: z.string(),
        section: z.string(),
        shareBasisPoints: int,
        allocatedFen: int,
        ...Amounts,
        remainingFen: int,
      }),
    ),
    programs: z.array(
      z.object({
        program: z.enum(PROGRAMS),
        nameZh: z.string(),
        nameEn: z.string(),
        budgetCategory: z.string(),
        ...Amounts,
        approvedClaims: int,
      }),
    ),
  })
  .openapi('BudgetUse');

const ClaimQueue = z.enum(['claims-assess', 'claims-maintenance']);
const FailedJobsResponse = z.object({
  items: z.array(
    z.object({
      queue: ClaimQueue,
      id: z.string(),
      name: z.string(),
      data: z.record(z.unknown()).openapi({ description: "The job's payload as queued" }),
      failedReason: z.string(),
      attemptsMade: int,
      finishedOn: z.string().nullable(),
    }),
  ),
});

const FILERS = ['association', 'enterprise'] as const;
const READERS = ['bureau', 'auditor', 'association', 'enterprise'] as const;

export function registerClaimRoutes(routes: RouteTable): void {
  // Procurements (enterprise)
  routes.route({
    method: 'post',
    path: '/procurements',
    summary: 'Record a purchase from a registered poverty household',
    tags: ['claims'],
    access: ['enterprise'],
    body: RecordProcurementBody,
    status: 201,
    response: RecordedProcurementResponse,
    handler: ({ req, user, body }) => recordProcurement(ctxOf(req), user, body),
  });
  routes.route({
    method: 'get',
    path: '/procurements',
    summary: 'Procurement records (an enterprise sees its own)',
    tags: ['claims'],
    access: ['bureau', 'auditor', 'enterprise'],
    query: ListProcurementsQuery,
    response: ProcurementListResponse,
    handler: ({ user, query }) => listProcurements(user, query),
  });

  // Claims
  routes.route({
    method: 'post',
    path: '/claims',
    summary: 'File a claim (draft), discriminated on program',
    tags: ['claims'],
    access: [...FILERS],
    body: CreateClaimBody,
    status: 201,
    response: ClaimResponse,
    handler: ({ user, body, req }) => createClaim(ctxOf(req), user, body),
  });
  routes.route({
    method: 'get',
    path: '/claims',
    summary: 'Claims (filers see their own; bureau and auditor all). status=assessed is the review queue',
    tags: ['claims'],
    access: [...READERS],
    response: z.object({ items: z.array(ClaimSummaryResponse), total: z.number().int(), nextCursor: z.string().nullable() }),
    query: ListClaimsQuery,
    handler: ({ user, query }) => listClaims(user, query),
  });
  routes.route({
    method: 'get',
    path: '/claim-programs',
    summary: "The programmes the signed-in user's organisation may file now (the policy in force decides by organisation type)",
    tags: ['claims'],
    access: [...FILERS],
    response: ClaimableProgramsResponse,
    handler: ({ user, req }) => claimablePrograms(ctxOf(req), user),
  });
  routes.route({
    method: 'post',
    path: '/claims/reassess',
    summary: 'Re-assess every pending claim (after a policy change)',
    tags: ['claims'],
    access: ['bureau'],
    status: 202,
    body: z
      .object({
        version: z
          .string()
          .regex(/^[a-z0-9-]{1,64}$/)
          .optional(),
      })
      .strict(),
    response: z.object({ jobId: z.string(), queued: z.literal(true) }),
    handler: async ({ req, body }) => {
      const ctx = ctxOf(req);
      const job = await claimQueues(ctx).maintenance.add('policy', {
        kind: 'policy',
        version: body.version ?? ctx.config.HUB_POLICY_VERSION,
      });
      return { jobId: job.id, queued: true };
    },
  });
  routes.route({
    method: 'get',
    path: '/claims/:id',
    summary: 'One claim with items, trace and history',
    tags: ['claims'],
    access: [...READERS],
    params: idParams,
    response: ClaimResponse,
    handler: ({ user, params }) => getClaim(user, { claimId: params.id }),
  });
  routes.route({
    method: 'put',
    path: '/claims/:id',
    summary: 'Edit a draft or returned claim (items with an id keep their evidence)',
    tags: ['claims'],
    access: [...FILERS],
    params: idParams,
    body: UpdateClaimBody,
    response: ClaimResponse,
    handler: ({ user, params, body, req }) => editClaim(ctxOf(req), user, { claimId: params.id, claim: body }),
  });
  routes.route({
    method: 'post',
    path: '/claims/:id/submit',
    summary: 'Submit (or resubmit) a claim; the tally worker assesses it',
    tags: ['claims'],
    access: [...FILERS],
    params: idParams,
    status: 202,
    response: SubmittedResponse,
    handler: ({ user, params, req }) => submitClaim(ctxOf(req), user, { claimId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/claims/:id/review',
    summary: 'Bureau review: approve (≤ proposed, ≤ remaining cap), return or reject',
    tags: ['claims'],
    access: ['bureau'],
    params: idParams,
    body: ReviewBody,
    response: ClaimResponse,
    handler: ({ user, params, body, req }) => reviewClaim(ctxOf(req), user, { ...body, claimId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/claims/:id/payments',
    summary: 'Record the payment of an approved claim',
    tags: ['claims'],
    access: ['bureau'],
    params: idParams,
    body: PaymentBody,
    response: ClaimResponse,
    handler: ({ user, params, body, req }) => payClaim(ctxOf(req), user, { ...body, claimId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/claims/:id/items/:itemId/evidence',
    summary: 'Upload an evidence file (PDF, JPEG or PNG, ≤ 10 MB) for an item',
    tags: ['claims'],
    access: [...FILERS],
    params: ItemParams,
    status: 201,
    before: [parseEvidenceUpload],
    response: ClaimResponse,
    requestContent: {
      body: {
        content: { 'multipart/form-data': { schema: z.object({ file: z.string().openapi({ type: 'string', format: 'binary' }) }) } },
      },
    },
    handler: ({ user, params, req }) => addEvidence(ctxOf(req), user, { claimId: params.id, itemId: params.itemId, file: req.file }),
  });
  routes.route({
    method: 'get',
    path: '/claims/:id/items/:itemId/evidence/:fileId',
    summary: 'Download an evidence file (for preview)',
    tags: ['claims'],
    access: [...READERS],
    params: FileParams,
    produces: ['application/pdf', 'image/jpeg', 'image/png'],
    responseDescription: 'The file as uploaded (inline)',
    handler: ({ user, params, req, res }) =>
      sendEvidence(ctxOf(req), user, { claimId: params.id, itemId: params.itemId, fileId: params.fileId }, res),
  });
  routes.route({
    method: 'delete',
    path: '/claims/:id/items/:itemId/evidence/:fileId',
    summary: 'Remove an evidence file from a draft or returned claim',
    tags: ['claims'],
    access: [...FILERS],
    params: FileParams,
    response: ClaimResponse,
    handler: ({ user, params, req }) =>
      removeEvidence(ctxOf(req), user, { claimId: params.id, itemId: params.itemId, fileId: params.fileId }),
  });

  // Entitlements and openness
  routes.route({
    method: 'get',
    path: '/entitlements',
    summary: 'Cap, approved, paid and remaining for one organisation and programme',
    tags: ['claims'],
    access: [...READERS],
    query: z.object({ orgId: objectId('orgId').optional(), program }).strict(),
    response: EntitlementResponse,
    handler: ({ user, query, req }) => entitlement(ctxOf(req), entitlementScope(user, query.orgId), query.program),
  });
  routes.route({
    method: 'get',
    path: '/budget',
    summary: 'Budget use per fund category (70/15/13.5/1.5) and subsidies by programme',
    tags: ['claims'],
    access: 'signed-in',
    response: BudgetResponse,
    handler: async ({ req }) => {
      const version = ctxOf(req).config.HUB_POLICY_VERSION;
      const [use, programs] = await Promise.all([budgetUse(ctxOf(req), version), subsidyTotalsByProgram(ctxOf(req), version)]);
      return { ...use, programs: programs.items };
    },
  });
  routes.route({
    method: 'get',
    path: '/public/disclosures',
    summary: 'Published awards: organisation, programme, amount, date (no household data)',
    tags: ['public'],
    access: 'public',
    query: z.object(paging).strict(),
    response: z.object({
      items: z.array(
        z.object({
          org: z.string(),
          program: z.enum(PROGRAMS),
          programNameZh: z.string(),
          programNameEn: z.string(),
          approvedFen: int,
          approvedAt: z.string().nullable(),
          paid: z.boolean(),
        }),
      ),
      total: z.number().int(),
    }),
    handler: ({ req, query }) => publicDisclosures(ctxOf(req), ctxOf(req).config.HUB_POLICY_VERSION, query),
  });
  routes.route({
    method: 'get',
    path: '/exports/claims',
    summary: 'Every claim as CSV or XLSX: amounts in yuan, Beijing time, Chinese headers (lang=en for English)',
    tags: ['claims'],
    access: ['bureau', 'auditor'],
    query: ExportQuery,
    produces: ['text/csv', XLSX],
    responseDescription: 'An attachment: CSV (UTF-8) or XLSX by `format`',
    handler: ({ query, res }) => exportClaims(res, query.format, query.lang),
  });
  routes.route({
    method: 'get',
    path: '/exports/disbursements',
    summary: 'Every disbursement as CSV or XLSX: amounts in yuan, Beijing time, Chinese headers (lang=en for English)',
    tags: ['claims'],
    access: ['bureau', 'auditor'],
    query: ExportQuery,
    produces: ['text/csv', XLSX],
    responseDescription: 'An attachment: CSV (UTF-8) or XLSX by `format`',
    handler: ({ query, res }) => exportDisbursements(res, query.format, query.lang),
  });

  // Jobs the bureau can see and retry (also on Bull Board at /admin/queues)
  routes.route({
    method: 'get',
    path: '/claim-jobs/failed',
    summary: 'Failed claims jobs (after their retries)',
    tags: ['claims'],
    access: ['bureau', 'auditor'],
    response: FailedJobsResponse,
    handler: ({ req }) => failedJobs(ctxOf(req)),
  });
  routes.route({
    method: 'post',
    path: '/claim-jobs/:queue/:jobId/retry',
    summary: 'Retry a failed claims job',
    tags: ['claims'],
    access: ['bureau'],
    params: z.object({ queue: ClaimQueue, jobId: z.string().min(1).max(200) }).strict(),
    response: z.object({ queue: ClaimQueue, id: z.string(), retried: z.literal(true) }),
    handler: ({ req, params, user }) => retryFailedJob(ctxOf(req), user, params.queue, params.jobId),
  });
}
