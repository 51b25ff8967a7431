import { ClaimModel } from '../claims/claim.model.ts';
import { OrgModel } from '../registry/orgs/org.model.ts';
import { getPolicy } from '../claims/policy/policyService.ts';
import { APPROVED_STATUSES } from '../claims/ledgerService.ts';

export interface DisclosureFilter {
  q?: string;
  program?: string;
  from?: Date;
  to?: Date;
}

export interface DisclosureRow {
  org: string;
  program: string;
  programZh: string;
  approvedFen: number;
  approvedAt: string;
  paidFen: number | null;
  paidAt: string | null;
}

/** When the bureau approved a claim: its approval history entry, else the review time. */
function approvedAt(claim: { history?: { status: string; at: Date }[]; reviewedAt?: Date | null; updatedAt?: Date }): Date {
  const entry = [...(claim.history ?? [])].reverse().find((h) => h.status === 'approved');
  return entry?.at ?? claim.reviewedAt ?? claim.updatedAt ?? new Date(0);
}

/**
 * The claims filter of a disclosure search, on indexed fields: status, programme, the review time
 * (an approved or paid claim's last review is its approval) and, for the text, the organisations
 * whose name holds it (a scan of the small orgs name index) or the programmes whose name does.
 */
async function disclosureQuery(policyVersion: string, filter: DisclosureFilter): Promise<Record<string, unknown>> {
  const query: Record<string, unknown> = { status: { $in: [...APPROVED_STATUSES] } };
  if (filter.program) query.program = filter.program;
  if (filter.from || filter.to)
    query.reviewedAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  const needle = filter.q?.trim().toLowerCase();
  if (needle) {
    const policy = await getPolicy(policyVersion);
    const programs = policy.programs.filter((p) => p.nameZh.includes(needle) || p.code.includes(needle)).map((p) => p.code);
    const pattern = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
    const orgs = await OrgModel.find({ name: { $regex: pattern } }, { _id: 1 })
      .limit(1000)
      .lean();
    query.$or = [{ orgId: { $in: orgs.map((o) => o._id) } }, { program: { $in: programs } }];
  }
  return query;
}

/** Rows shown by a search; the CSV export has them all. */
export const DISCLOSURE_SEARCH_ROWS = 500;

/**
 * Approved awards as published (§六(五)): beneficiary organisation, programme, amount, date. Only
 * organisations are named; no household data appears. The approval date bounds `from`/`to`.
 * Newest approval first, at most `limit` rows, read from the {status, reviewedAt} indexes.
 */
export async function disclosureRows(policyVersion: string, filter: DisclosureFilter = {}, limit = 0): Promise<DisclosureRow[]> {
  const query = await disclosureQuery(policyVersion, filter);
  const claims = await ClaimModel.find(query, {
    orgId: 1,
    program: 1,
    approvedFen: 1,
    paidFen: 1,
    history: 1,
    reviewedAt: 1,
    updatedAt: 1,
    status: 1,
    payment: 1,
  })
    .sort({ reviewedAt: -1 })
    .limit(limit)
    .lean();
  const orgs = await OrgModel.find({ _id: { $in: [...new Set(claims.map((c) => String(c.orgId)))] } }, { name: 1 }).lean();
  const orgName = new Map(orgs.map((o) => [String(o._id), o.name]));
  const policy = await getPolicy(policyVersion);
  const programZh = new Map(policy.programs.map((p) => [p.code as string, p.nameZh]));
  return claims
    .map((c) => ({
      org: orgName.get(String(c.orgId)) ?? '—',
      program: c.program,
      programZh: programZh.get(c.program) ?? c.program,
      approvedFen: c.approvedFen ?? 0,
      at: approvedAt(c),
      paidFen: c.status === 'paid' ? (c.paidFen ?? c.approvedFen ?? 0) : null,
      paidAt: c.status === 'paid' && c.payment?.paidAt ? c.payment.paidAt.toISOString() : null,
    }))
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .map(({ at, ...rest }) => ({ ...rest, approvedAt: at.toISOString() }));
}

/** The approved total of every claim a search matches (not only the rows shown), summed by the database. */
export async function disclosureTotal(
  policyVersion: string,
  filter: DisclosureFilter = {},
): Promise<{ count: number; totalApprovedFen: number }> {
  const query = await disclosureQuery(policyVersion, filter);
  const [sum] = await ClaimModel.aggregate<{ total: number }>([
    { $match: query },
    { $group: { _id: null, total: { $sum: '$approvedFen' } } },
  ]);
  const count = await ClaimModel.countDocuments(query);
  return { count, totalApprovedFen: sum?.total ?? 0 };
}
