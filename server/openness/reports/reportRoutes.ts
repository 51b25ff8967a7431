import { z } from 'zod';
import type { Queue } from 'bullmq';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import type { HubContext } from '../../platform/context.ts';
import { isoDate } from '../../platform/http/schemas.ts';
import { HttpError, conflict, notFound } from '../../platform/errors.ts';
import { appendAudit } from '../../platform/audit/auditLog.ts';
import type { ReportResult } from './reportService.ts';
import { reportCsv, reportXlsx } from './reportFiles.ts';
import { SessionFiguresResponse } from '../../commerce/live/presenters/sessionFigures.ts';

const MAX_DAYS = 4 * 366;

const ReportBody = z
  .object({ from: isoDate, to: isoDate })
  .strict()
  .refine((b) => b.to >= b.from, { message: 'must not be before from', path: ['to'] })
  .refine((b) => b.to.getTime() - b.from.getTime() <= MAX_DAYS * 86_400_000, {
    message: `the period may span at most ${MAX_DAYS} days`,
    path: ['to'],
  })
  .openapi('ReportRequest');

const JobParams = z.object({ jobId: z.string().regex(/^\d{1,20}$/, 'must be a report job id') }).strict();
/** Files are in Chinese (headers, programme names) unless `lang=en` asks for English. */
const FileQuery = z.object({ lang: z.enum(['zh', 'en']).default('zh') }).strict();

function queueOf(req: { app: { locals: Record<string, unknown> } }): Queue {
  const queue = (req.app.locals.ctx as HubContext).services.reportsQueue;
  if (!queue) throw new HttpError(503, 'service_unavailable', 'The reports queue is not running in this process');
  return queue;
}

async function finishedReport(queue: Queue, jobId: string): Promise<ReportResult> {
  const state = await queue.getJobState(jobId);
  const job = await queue.getJob(jobId);
  if (!job || state === 'unknown') throw notFound('Report');
  if (state !== 'completed')
    throw conflict(`Report ${jobId} is ${state}, not finished yet`, { state, progress: job.progress }, 'wrong_state');
  return job.returnvalue as ReportResult;
}

const int = z.number().int();
const figures = { sessionsHeld: int, orders: int, gmvFen: int, povertyHouseholds: int, approvedFen: int, paidFen: int };
/** The OpenAPI shape of ReportResult (reportService.ts). */
const ReportResultResponse = z
  .object({
    from: z.string(),
    to: z.string(),
    policyVersion: z.string(),
    generatedAt: z.string(),
    totals: z.object({ ...figures, procurementFen: int, claimsApproved: int }),
    byMonth: z.array(z.object({ ...figures, month: z.string() })),
    byProgram: z.array(
      z.object({
        program: z.string(),
        nameZh: z.string(),
        nameEn: z.string().optional(),
        claimsApproved: int,
        approvedFen: int,
        paidFen: int,
        capFen: int.nullable(),
      }),
    ),
    byTownship: z.array(z.object({ ...figures, township: z.string() })),
    budget: z.array(
      z.object({
        category: z.string(),
        nameZh: z.string(),
        nameEn: z.string().optional(),
        allocatedFen: int,
        approvedFen: int,
        paidFen: int,
        approvedToDateFen: int,
        paidToDateFen: int,
        usedBasisPoints: int,
      }),
    ),
    disclosures: z.array(z.object({ org: z.string(), program: z.string(), approvedFen: int, approvedAt: z.string() })),
    sessions: z.array(SessionFiguresResponse.extend({ startedAt: z.string() })),
  })
  .openapi('Report');

const day = (d: Date) => d.toISOString().slice(0, 10);

export function registerReportRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/reports',
    summary: 'Request a performance-evaluation report for a period (built by a BullMQ job)',
    tags: ['reports'],
    access: ['bureau', 'auditor'],
    body: ReportBody,
    status: 202,
    response: z.object({ jobId: z.string() }),
    handler: async ({ user, body, req }) => {
      const job = await queueOf(req).add('report', { from: day(body.from), to: day(body.to), requestedBy: user.id });
      await appendAudit({
        actor: user,
        action: 'report.request',
        target: { type: 'report', id: String(job.id) },
        after: { from: day(body.from), to: day(body.to) },
      });
      return { jobId: String(job.id) };
    },
  });
  // The file routes come first: `/reports/:jobId` would otherwise also match `7.csv`.
  for (const format of ['csv', 'xlsx'] as const) {
    routes.route({
      method: 'get',
      path: `/reports/:jobId.${format}`,
      summary: `A finished report as ${format.toUpperCase()}`,
      tags: ['reports'],
      access: ['bureau', 'auditor'],
      params: JobParams,
      query: FileQuery,
      produces: [format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      responseDescription: 'An attachment',
      handler: async ({ params, query, req, res }) => {
        const report = await finishedReport(queueOf(req), params.jobId);
        const name = `dehua-report-${report.from}-${report.to}${query.lang === 'en' ? '-en' : ''}.${format}`;
        res.set('Content-Disposition', `attachment; filename="${name}"`);
        if (format === 'csv') res.type('text/csv; charset=utf-8').send(reportCsv(report, query.lang));
        else res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await reportXlsx(report, query.lang));
      },
    });
  }
  routes.route({
    method: 'get',
    path: '/reports/:jobId',
    summary: "A report job's state and progress, with the report once finished",
    tags: ['reports'],
    access: ['bureau', 'auditor'],
    params: JobParams,
    response: z.object({
      jobId: z.string(),
      state: z.string(),
      progress: z.number(),
      failedReason: z.string().nullable(),
      request: z.object({ from: z.string(), to: z.string() }),
      result: ReportResultResponse.nullable().openapi({ description: 'The report once the job has completed' }),
    }),
    handler: async ({ params, req }) => {
      const queue = queueOf(req);
      // State first, then the job: read the other way round, a job finishing in between would show
      // 'completed' with the progress and (missing) result of a moment before.
      const state = await queue.getJobState(params.jobId);
      const job = await queue.getJob(params.jobId);
      if (!job || state === 'unknown') throw notFound('Report');
      return {
        jobId: String(job.id),
        state,
        progress: typeof job.progress === 'number' ? job.progress : 0,
        failedReason: job.failedReason ?? null,
        request: { from: job.data.from as string, to: job.data.to as string },
        result: state === 'completed' ? (job.returnvalue as ReportResult) : null,
      };
    },
  });
}
