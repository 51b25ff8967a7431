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
 * Approved awards as published (§六(五)): beneficiary organisation, programme, amount, date. Only
 * organisations are named; no household data appears. The approval date bounds `from`/`to`.
 */
export async function disclosureRows(policyVersion: string, filter: DisclosureFilter = {}): Promise<DisclosureRow[]> {
  const query: Record<string, unknown> = { status: { $in: [...APPROVED_STATUSES] } };
  if (filter.program) query.program = filter.program;
  const claims = await ClaimModel.find(query, { orgId: 1, program: 1, approvedFen: 1, paidFen: 1, history: 1, reviewedAt: 1, updatedAt: 1, status: 1, payment: 1 }).lean();
  const orgs = await OrgModel.find({ _id: { $in: [...new Set(claims.map((c) => String(c.orgId)))] } }, { name: 1 }).lean();
  const orgName = new Map(orgs.map((o) => [String(o._id), o.name]));
  const policy = await getPolicy(policyVersion);
  const programZh = new Map(policy.programs.map((p) => [p.code as string, p.nameZh]));
  const needle = filter.q?.trim().toLowerCase();
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
    .filter((r) => (!filter.from || r.at >= filter.from) && (!filter.to || r.at < filter.to))
    .filter((r) => !needle || r.org.toLowerCase().includes(needle) || r.programZh.includes(needle) || r.program.includes(needle))
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .map(({ at, ...rest }) => ({ ...rest, approvedAt: at.toISOString() }));
}
