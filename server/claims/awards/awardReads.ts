// Claims owns the claims; openness publishes them: this read module is what it calls instead of the claim models.
import type mongoose from 'mongoose';
import { ClaimModel } from '../claim.model.ts';
import { ProcurementModel } from '../procurements/procurement.model.ts';
import { orgIdsNamed, orgNames } from '../../registry/orgs/orgReads.ts';
import { getPolicy } from '../policy/policyService.ts';
import { APPROVED_STATUSES } from '../ledgerService.ts';
import type { Redis } from 'ioredis';
import { PROGRAMS } from '../../../config/policies/types.ts';
import { AwardModel, awardIdBound, type Award } from './award.model.ts';
import { totalsFromDays } from './awardTotals.ts';

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

type ProgramNames = Map<string, { nameZh: string; nameEn?: string | null }>;

async function programNames(policyVersion: string): Promise<ProgramNames> {
  return new Map((await getPolicy(policyVersion)).programs.map((p) => [p.code as string, p]));
}

/** An award document as published. */
export function presentAward(award: Award, org: string | undefined, names: ProgramNames): PublishedAward {
  const name = names.get(award.program);
  return {
    org: org ?? '—',
    program: award.program,
    programZh: name?.nameZh ?? award.program,
    programEn: name?.nameEn ?? award.program,
    approvedFen: award.approvedFen,
    approvedAt: award.approvedAt.toISOString(),
    paidFen: award.paidFen ?? null,
    paidAt: award.paidAt ? award.paidAt.toISOString() : null,
  };
}

/**
 * The awards filter: the approval dates as an `_id` range (award.model.ts; always an ObjectId condition, so
 * the newest-first sort is the _id index's order), the programme, and, for the text, the organisations whose
 * name holds it (a scan of the small orgs name index) or the programmes whose name does.
 */
async function awardQuery(policyVersion: string, filter: AwardFilter): Promise<Record<string, unknown>> {
  const query: Record<string, unknown> = {
    _id:
      filter.from || filter.to
        ? { ...(filter.from ? { $gte: awardIdBound(filter.from) } : {}), ...(filter.to ? { $lt: awardIdBound(filter.to) } : {}) }
        : { $type: 'objectId' },
  };
  if (filter.program) query.program = filter.program;
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
 * Published awards, newest approval first (the awards read model in `_id` order): at most `limit` (0: all)
 * after `offset`. `from`/`to` bound the approval date.
 */
export async function publishedAwards(
  policyVersion: string,
  filter: AwardFilter = {},
  page: { limit?: number; offset?: number } = {},
): Promise<PublishedAward[]> {
  const awards = await AwardModel.find(await awardQuery(policyVersion, filter))
    .sort({ _id: -1 })
    .skip(page.offset ?? 0)
    .limit(page.limit ?? 0)
    .lean<Award[]>();
  const orgs = await orgNames([...new Set(awards.map((a) => String(a.orgId)))]);
  const orgName = new Map(orgs.map((o) => [String(o._id), o.name]));
  const names = await programNames(policyVersion);
  return awards.map((a) => presentAward(a, orgName.get(String(a.orgId)), names));
}

/** Where the award day totals live (awardTotals.ts). */
export interface AwardTotalsStore {
  redis: Redis;
  config: { REDIS_PREFIX: string };
}

/**
 * The count and approved total of every award a filter matches: from the day totals when the filter is programmes and
 * Beijing days, else summed by the database over the short award documents (a text filter names organisations).
 */
export async function awardTotals(
  store: AwardTotalsStore,
  policyVersion: string,
  filter: AwardFilter = {},
): Promise<{ count: number; totalApprovedFen: number }> {
  if (!filter.q?.trim()) {
    const programs = filter.program ? [filter.program] : PROGRAMS;
    const fromDays = await totalsFromDays(store.redis, store.config.REDIS_PREFIX, programs, filter.from, filter.to);
    if (fromDays) return fromDays;
  }
  const query = await awardQuery(policyVersion, filter);
  const [[sum], count] = await Promise.all([
    AwardModel.aggregate<{ total: number }>([{ $match: query }, { $group: { _id: null, total: { $sum: '$approvedFen' } } }]),
    AwardModel.countDocuments(query),
  ]);
  return { count, totalApprovedFen: sum?.total ?? 0 };
}

/** The contract's public list (`GET /public/disclosures`): a page of awards and how many there are. */
export async function publicDisclosures(store: AwardTotalsStore, policyVersion: string, page: { limit: number; offset: number }) {
  const [rows, { count: total }] = await Promise.all([publishedAwards(policyVersion, {}, page), awardTotals(store, policyVersion, {})]);
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
export async function searchDisclosures(store: AwardTotalsStore, policyVersion: string, filter: AwardFilter) {
  const [rows, totals] = await Promise.all([
    publishedAwards(policyVersion, filter, { limit: DISCLOSURE_SEARCH_ROWS }),
    awardTotals(store, policyVersion, filter),
  ]);
  return { items: rows.map(({ programEn: _, ...row }) => row), ...totals };
}

/** Every award approved before `end`, oldest first: what a report's cumulative figures and its period's rows are read from. */
export function awardsApprovedBefore(end: Date): Promise<Award[]> {
  return AwardModel.find({ _id: { $lt: awardIdBound(end) } })
    .sort({ _id: 1 })
    .lean<Award[]>()
    .exec();
}

/**
 * The awards a report's period shows: approved in [start, end), or approved before `end` and paid in [start, end).
 * Its to-date figures come from the day totals (awardTotals.ts) when they are built; else from awardsApprovedBefore.
 */
export async function awardsApprovedOrPaidIn(start: Date, end: Date): Promise<Award[]> {
  const [approved, paid] = await Promise.all([
    AwardModel.find({ _id: { $gte: awardIdBound(start), $lt: awardIdBound(end) } })
      .sort({ _id: 1 })
      .lean<Award[]>(),
    AwardModel.find({ paidAt: { $gte: start, $lt: end }, _id: { $lt: awardIdBound(start) } }).lean<Award[]>(),
  ]);
  return [...paid, ...approved].sort((a, b) => a.approvedAt.getTime() - b.approvedAt.getTime());
}

/** The procurements behind these claims (poverty-procurement awards), 1000 claims a query. */
export async function procurementIdsOfClaims(claimIds: mongoose.Types.ObjectId[]): Promise<Map<string, mongoose.Types.ObjectId[]>> {
  const byClaim = new Map<string, mongoose.Types.ObjectId[]>();
  for (let i = 0; i < claimIds.length; i += 1000) {
    const claims = await ClaimModel.find({ _id: { $in: claimIds.slice(i, i + 1000) } }, { procurementIds: 1 }).lean();
    for (const c of claims) byClaim.set(String(c._id), c.procurementIds ?? []);
  }
  return byClaim;
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
