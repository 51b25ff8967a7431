// Claims owns the claims; openness publishes them: this read module is what it calls instead of the claim models.
import type mongoose from 'mongoose';
import { ClaimModel } from './claim.model.ts';
import { ProcurementModel } from './procurements/procurement.model.ts';
import { orgIdsNamed, orgNames } from '../registry/orgs/orgReads.ts';
import { getPolicy } from './policy/policyService.ts';
import { APPROVED_STATUSES } from './ledgerService.ts';

export interface AwardFilter {
  q?: string;
  program?: string;
  from?: Date;
  to?: Date;
}

/**
 * An award as published (§六(五)): beneficiary organisation, programme, amount, approval date and
 * payment. Only organisations are named; nothing about households appears.
 */
export interface PublishedAward {
  org: string;
  program: string;
  programZh: string;
  programEn: string;
  approvedFen: number;
  approvedAt: string;
  /** Null until paid. */
  paidFen: number | null;
  paidAt: string | null;
}

type Dated = { history?: { status: string; at: Date }[] | null; reviewedAt?: Date | null; updatedAt?: Date };

/** When the bureau approved a claim: its (last) approval history entry, else the review time. */
export function approvedAt(claim: Dated): Date {
  const entry = [...(claim.history ?? [])].reverse().find((h) => h.status === 'approved');
  return entry?.at ?? claim.reviewedAt ?? claim.updatedAt ?? new Date(0);
}

/** When a paid claim was paid: the payment's date, else its payment history entry. */
export function paidAt(claim: Dated & { status: string; payment?: { paidAt?: Date | null } | null }): Date | null {
  if (claim.status !== 'paid') return null;
  return claim.payment?.paidAt ?? [...(claim.history ?? [])].reverse().find((h) => h.status === 'paid')?.at ?? null;
}

type AwardClaim = Dated & {
  program: string;
  status: string;
  approvedFen?: number | null;
  paidFen?: number | null;
  payment?: { paidAt?: Date | null } | null;
};

/** The fields an award is read from (a claims projection). */
export const AWARD_FIELDS = {
  orgId: 1,
  program: 1,
  approvedFen: 1,
  paidFen: 1,
  history: 1,
  reviewedAt: 1,
  updatedAt: 1,
  status: 1,
  payment: 1,
} as const;

type ProgramNames = Map<string, { nameZh: string; nameEn?: string | null }>;

async function programNames(policyVersion: string): Promise<ProgramNames> {
  return new Map((await getPolicy(policyVersion)).programs.map((p) => [p.code as string, p]));
}

/** One approved or paid claim as a published award. */
export function toAward(claim: AwardClaim, org: string | undefined, names: ProgramNames): PublishedAward {
  const paid = paidAt(claim);
  const name = names.get(claim.program);
  return {
    org: org ?? '—',
    program: claim.program,
    programZh: name?.nameZh ?? claim.program,
    programEn: name?.nameEn ?? claim.program,
    approvedFen: claim.approvedFen ?? 0,
    approvedAt: approvedAt(claim).toISOString(),
    paidFen: claim.status === 'paid' ? (claim.paidFen ?? claim.approvedFen ?? 0) : null,
    paidAt: paid ? paid.toISOString() : null,
  };
}

/**
 * The claims filter of awards, on indexed fields: status, programme, the review time (an approved or
 * paid claim's last review is its approval) and, for the text, the organisations whose name holds it
 * (a scan of the small orgs name index) or the programmes whose name does.
 */
async function awardQuery(policyVersion: string, filter: AwardFilter): Promise<Record<string, unknown>> {
  const query: Record<string, unknown> = { status: { $in: [...APPROVED_STATUSES] } };
  if (filter.program) query.program = filter.program;
  if (filter.from || filter.to)
    query.reviewedAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  const needle = filter.q?.trim().toLowerCase();
  if (needle) {
    const policy = await getPolicy(policyVersion);
    const programs = policy.programs.filter((p) => p.nameZh.includes(needle) || p.code.includes(needle)).map((p) => p.code);
    const pattern = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
    const orgs = await orgIdsNamed(pattern);
    query.$or = [{ orgId: { $in: orgs.map((o) => o._id) } }, { program: { $in: programs } }];
  }
  return query;
}

/**
 * Published awards, newest approval first: at most `limit` (0: all) after `offset`, read from the
 * {status, reviewedAt} indexes. `from`/`to` bound the approval date.
 */
export async function publishedAwards(
  policyVersion: string,
  filter: AwardFilter = {},
  page: { limit?: number; offset?: number } = {},
): Promise<PublishedAward[]> {
  const claims = await ClaimModel.find(await awardQuery(policyVersion, filter), AWARD_FIELDS)
    .sort({ reviewedAt: -1 })
    .skip(page.offset ?? 0)
    .limit(page.limit ?? 0)
    .lean();
  const orgs = await orgNames([...new Set(claims.map((c) => String(c.orgId)))]);
  const orgName = new Map(orgs.map((o) => [String(o._id), o.name]));
  const names = await programNames(policyVersion);
  return claims
    .map((c) => toAward(c, orgName.get(String(c.orgId)), names))
    .sort((a, b) => Date.parse(b.approvedAt) - Date.parse(a.approvedAt));
}

/** The count and approved total of every award a filter matches, summed by the database. */
export async function awardTotals(policyVersion: string, filter: AwardFilter = {}): Promise<{ count: number; totalApprovedFen: number }> {
  const query = await awardQuery(policyVersion, filter);
  const [sum] = await ClaimModel.aggregate<{ total: number }>([
    { $match: query },
    { $group: { _id: null, total: { $sum: '$approvedFen' } } },
  ]);
  const count = await ClaimModel.countDocuments(query);
  return { count, totalApprovedFen: sum?.total ?? 0 };
}

/** The contract's public list (`GET /public/disclosures`): a page of awards and how many there are. */
export async function publicDisclosures(policyVersion: string, page: { limit: number; offset: number }) {
  const [rows, total] = await Promise.all([
    publishedAwards(policyVersion, {}, page),
    ClaimModel.countDocuments(await awardQuery(policyVersion, {})),
  ]);
  return {
    items: rows.map((r) => ({
      org: r.org,
      program: r.program,
      programNameZh: r.programZh,
      programNameEn: r.programEn,
      approvedFen: r.approvedFen,
      approvedAt: r.approvedAt,
      paid: r.paidFen !== null,
    })),
    total,
  };
}

/** Rows shown by a search; the CSV has them all. */
export const DISCLOSURE_SEARCH_ROWS = 500;

/** A disclosure search: the newest matches and the count and approved total of all of them. */
export async function searchDisclosures(policyVersion: string, filter: AwardFilter) {
  const [rows, totals] = await Promise.all([
    publishedAwards(policyVersion, filter, { limit: DISCLOSURE_SEARCH_ROWS }),
    awardTotals(policyVersion, filter),
  ]);
  return { items: rows.map(({ programEn: _, ...row }) => row), ...totals };
}

/** Every approved or paid claim with the fields an award and a report need (the whole set: a report's job reads it once). */
export function approvedClaims() {
  return ClaimModel.find({ status: { $in: [...APPROVED_STATUSES] } }, { ...AWARD_FIELDS, procurementIds: 1 }).lean();
}

/** The procurements behind every approved poverty-procurement claim. */
export async function approvedProcurementIds(): Promise<mongoose.Types.ObjectId[]> {
  const claims = await ClaimModel.find(
    { program: 'poverty_procurement', status: { $in: [...APPROVED_STATUSES] } },
    { procurementIds: 1 },
  ).lean();
  return claims.flatMap((c) => c.procurementIds ?? []);
}

/** Procurements by id, 1000 a query so the $in stays bounded: what was bought from which household. */
export async function* procurementsByIds(
  ids: mongoose.Types.ObjectId[],
): AsyncGenerator<{ _id: mongoose.Types.ObjectId; amountFen: number; householdRegistryNo: string }> {
  for (let i = 0; i < ids.length; i += 1000)
    yield* await ProcurementModel.find({ _id: { $in: ids.slice(i, i + 1000) } }, { amountFen: 1, householdRegistryNo: 1 }).lean();
}
