import { z } from 'zod';
import type { RouteTable } from '../platform/http/routeTable.ts';
import type { HubContext } from '../platform/context.ts';
import { isoDate, isoDateTime, text } from '../platform/http/schemas.ts';
import { HttpError, badRequest } from '../platform/errors.ts';
import { appendAudit } from '../platform/audit/auditLog.ts';
import { PROGRAMS } from '../../config/policies/types.ts';
import { listPolicies } from '../claims/claimReads.ts';
import { PolicyVersionResponse } from '../claims/presenters/policy.ts';
import { OverviewResponse, readOverview } from './overviewService.ts';
import { publicSessions } from './publicSessions.ts';
import { DISCLOSURE_SEARCH_ROWS, publishedAwards, searchDisclosures } from '../claims/awards/awardReads.ts';
import { toCsv } from '../platform/csv.ts';
import { fenToYuanPlain } from '../../config/money.ts';
import { PROGRAM_NAMES } from '../../config/claimTexts.ts';
import { shanghaiDateTime, shanghaiDayEnd, shanghaiDayStart } from './shanghaiTime.ts';

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

const DisclosureQuery = z
  .object({
    q: text(100).optional(),
    program: z.enum(PROGRAMS).optional(),
    from: isoDate.optional().openapi({ description: 'First approval day (Asia/Shanghai), inclusive' }),
    to: isoDate.optional().openapi({ description: 'Last approval day (Asia/Shanghai), inclusive' }),
  })
  .strict();

type DisclosureQueryValue = z.infer<typeof DisclosureQuery>;
const disclosureFilter = (q: DisclosureQueryValue) => ({
  q: q.q,
  program: q.program,
  // isoDate gives UTC midnight; the county's days are Shanghai days.
  from: q.from ? shanghaiDayStart(q.from.toISOString().slice(0, 10)) : undefined,
  to: q.to ? shanghaiDayEnd(q.to.toISOString().slice(0, 10)) : undefined,
});

const DisclosureItem = z.object({
  org: z.string(),
  program: z.string(),
  programZh: z.string(),
  approvedFen: z.number().int(),
  approvedAt: z.string(),
  paidFen: z.number().int().nullable(),
  paidAt: z.string().nullable(),
});

const MAX_SCHEDULE_DAYS = 92;

export function registerPublicRoutes(routes: RouteTable): void {
  routes.route({
    method: 'get',
    path: '/public/overview',
    summary: 'Big-screen figures from incrementally maintained counters (no auth)',
    tags: ['public'],
    access: 'public',
    response: OverviewResponse,
    handler: ({ req, res }) => {
      res.set('Cache-Control', 'no-store');
      return readOverview(ctxOf(req));
    },
  });

  routes.route({
    method: 'get',
    path: '/public/policies',
    summary: 'The published policy versions with effective dates: programmes, rates, caps, negative list, procedure',
    tags: ['public'],
    access: 'public',
    response: z.object({ items: z.array(PolicyVersionResponse) }),
    // In force: the latest version whose effective date has come (the configured one before any has), even when
    // its stated period has passed and no successor is published. `changes`: what changed from the version before.
    handler: ({ req }) => listPolicies(ctxOf(req)),
  });

  routes.route({
    method: 'get',
    path: '/public/sessions',
    summary: 'The public schedule of live sessions (no private data)',
    tags: ['public'],
    access: 'public',
    query: z
      .object({
        from: isoDateTime.optional().openapi({ description: 'Default: now' }),
        to: isoDateTime.optional().openapi({ description: 'Default: 7 days after from' }),
      })
      .strict(),
    response: z.object({
      from: z.string(),
      to: z.string(),
      items: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          startsAt: z.string(),
          endsAt: z.string(),
          status: z.string(),
          studio: z.string().nullable(),
          association: z.string().nullable(),
          products: z.array(z.string()),
        }),
      ),
    }),
    handler: ({ query }) => {
      const from = query.from ?? new Date();
      const to = query.to ?? new Date(from.getTime() + 7 * 24 * 3600 * 1000);
      if (to <= from) throw badRequest('Invalid query "to": must be after from');
      if (to.getTime() - from.getTime() > MAX_SCHEDULE_DAYS * 24 * 3600 * 1000)
        throw badRequest(`Invalid query "to": the window may span at most ${MAX_SCHEDULE_DAYS} days`);
      return publicSessions(from, to);
    },
  });

  routes.route({
    method: 'get',
    path: '/public/disclosures/search',
    summary: 'Search the awards disclosure by organisation, programme and approval date',
    tags: ['public'],
    access: 'public',
    query: DisclosureQuery,
    response: z.object({
      items: z.array(DisclosureItem).openapi({ description: `The newest ${DISCLOSURE_SEARCH_ROWS} matches; the CSV has them all` }),
      count: z.number().int().openapi({ description: 'Claims matched' }),
      totalApprovedFen: z.number().int(),
    }),
    handler: ({ query, req }) => searchDisclosures(ctxOf(req), ctxOf(req).config.HUB_POLICY_VERSION, disclosureFilter(query)),
  });

  routes.route({
    method: 'get',
    path: '/public/disclosures.csv',
    summary: 'The awards disclosure as CSV (same filters as the search): yuan, Beijing time, Chinese headers (lang=en for English)',
    tags: ['public'],
    access: 'public',
    query: DisclosureQuery.extend({ lang: z.enum(['zh', 'en']).default('zh') }).strict(),
    produces: ['text/csv'],
    responseDescription: 'UTF-8 with BOM',
    handler: async ({ query, req, res }) => {
      const items = await publishedAwards(ctxOf(req).config.HUB_POLICY_VERSION, disclosureFilter(query));
      const zh = query.lang === 'zh';
      const h = (chinese: string, english: string) => (zh ? chinese : english);
      const when = (iso: string | null) => (iso ? shanghaiDateTime(new Date(iso)) : null);
      const csv = toCsv(
        [
          h('单位', 'Organisation'),
          h('项目', 'Programme'),
          h('批准金额（元）', 'Approved (yuan)'),
          h('批准时间（北京时间）', 'Approved at (Beijing time)'),
          h('已拨付（元）', 'Paid (yuan)'),
          h('拨付时间（北京时间）', 'Paid at (Beijing time)'),
        ],
        items.map((r) => [
          r.org,
          PROGRAM_NAMES[r.program]?.[zh ? 0 : 1] ?? r.programZh,
          fenToYuanPlain(r.approvedFen),
          when(r.approvedAt),
          r.paidFen === null ? null : fenToYuanPlain(r.paidFen),
          when(r.paidAt),
        ]),
      );
      res.set('Content-Disposition', `attachment; filename="disclosures${zh ? '' : '-en'}.csv"`);
      res.type('text/csv; charset=utf-8').send(csv);
    },
  });

  routes.route({
    method: 'post',
    path: '/overview/rebuild',
    summary: 'Rebuild the big-screen counters from the database (a BullMQ job)',
    tags: ['openness'],
    access: ['bureau'],
    status: 202,
    response: z.object({ jobId: z.string() }),
    handler: async ({ user, req }) => {
      const queue = ctxOf(req).services.overviewRebuildQueue;
      if (!queue) throw new HttpError(503, 'service_unavailable', 'The rebuild queue is not running in this process');
      const job = await queue.add('rebuild', { requestedBy: user.id });
      await appendAudit({ actor: user, action: 'overview.rebuild.request', target: { type: 'job', id: String(job.id) } });
      return { jobId: String(job.id) };
    },
  });
}
