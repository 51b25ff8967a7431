import { createReadStream } from 'node:fs';
import { access, unlink } from 'node:fs/promises';
import mongoose from 'mongoose';
import type { Response } from 'express';
import type { HubContext } from '../platform/context.ts';
import type { AuthUser } from '../platform/auth/roles.ts';
import { READ_ALL_ROLES } from '../platform/auth/roles.ts';
import { recordChange } from '../platform/audit/outbox.ts';
import { saveClaimAudited } from './claimAudit.ts';
import { hubEvents } from '../platform/events.ts';
import { badRequest, conflict, forbidden, HttpError, notFound, withParams } from '../platform/errors.ts';
import { releaseUniqueKeys } from '../platform/uniqueKeys.ts';
import { componentLogger } from '../platform/logger.ts';
import type { ItemCategory, ProgramCode } from '../../config/policies/types.ts';
import { CLAIM_STATUSES, ClaimModel, type ClaimDocument, type ClaimStatus } from './claim.model.ts';
import { BaseModel } from './bases/base.model.ts';
import { ParkModel } from '../registry/parks/park.model.ts';
import { OrgModel } from '../registry/orgs/org.model.ts';
import { ProcurementModel } from './procurements/procurement.model.ts';
import { DisbursementModel } from './entitlements/entitlement.model.ts';
import { getPolicy, programRule } from './policy/policyService.ts';
import { withClaimLock } from './claimLock.ts';
import { claimQueues, enqueueAssessment } from './processors/queues.ts';
import { capFor, ensureLedger } from './ledgerService.ts';
import { evidencePath, storeEvidence } from './evidence.ts';
import { formatYuan } from './money.ts';
import type { TextKey } from '../../config/claimTexts.ts';
import { beforeDateCursor, encodeDateCursor } from '../platform/http/keyset.ts';

const log = componentLogger('claims');

export interface SpendingItemInput {
  id?: string;
  category: ItemCategory;
  description: string;
  amountFen: number;
  invoiceCode: string;
  invoiceNo: string;
}

export type ClaimInput =
  | { program: 'livestream_base'; baseId: string; items: SpendingItemInput[] }
  | { program: 'poverty_procurement'; procurementIds: string[] }
  | { program: 'brand_building'; items: SpendingItemInput[] }
  | { program: 'warehouse_rent'; parkId: string; items: SpendingItemInput[] }
  | { program: 'service_station'; level: 'township' | 'village'; township: string; village?: string };

type LeanClaim = ClaimDocument | (Record<string, any> & { _id: unknown });

export function claimDto(c: LeanClaim, orgName?: string | null) {
  const items = (c.items ?? []).map((i: any) => ({
    id: String(i._id),
    category: i.category,
    description: i.description,
    amountFen: i.amountFen,
    invoiceCode: i.invoiceCode,
    invoiceNo: i.invoiceNo,
    procurementId: i.procurementId ? String(i.procurementId) : null,
    evidence: (i.evidence ?? []).map((e: any) => ({ fileId: e.fileId, sha256: e.sha256, filename: e.filename, contentType: e.contentType, size: e.size })),
    eligible: i.eligible ?? null,
    ...(i.reason ? { reason: i.reason } : {}),
    ...(i.reasonKey ? { reasonKey: i.reasonKey } : {}),
    duplicateOf: i.duplicateOf ?? null,
  }));
  const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
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
    history: (c.history ?? []).map((h: any) => ({ status: h.status, at: iso(h.at), by: h.by, note: h.note ?? null, amountFen: h.amountFen ?? null })),
    revision: c.revision ?? 0,
    submittedAt: iso(c.submittedAt),
    assessedAt: iso(c.assessedAt),
    reviewedAt: iso(c.reviewedAt),
    reviewNote: c.reviewNote ?? null,
    payment: c.payment?.voucherNo ? { voucherNo: c.payment.voucherNo, paidAt: iso(c.payment.paidAt), recordedBy: c.payment.recordedBy } : null,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}
export type ClaimDto = ReturnType<typeof claimDto>;

const EDITABLE: ClaimStatus[] = ['draft', 'returned'];

function isFilerSide(actor: AuthUser, claim: LeanClaim): boolean {
  return Boolean(actor.orgId) && String(claim.orgId) === actor.orgId && (actor.role === 'association' || actor.role === 'enterprise');
}

function assertCanRead(actor: AuthUser, claim: LeanClaim): void {
  if (READ_ALL_ROLES.includes(actor.role)) return;
  if (!isFilerSide(actor, claim)) throw forbidden('This claim belongs to another organisation');
}

function assertFiler(actor: AuthUser, claim: LeanClaim): void {
  if (!isFilerSide(actor, claim)) throw forbidden("Only the filing organisation's users may change this claim");
}

function wrongState(claim: LeanClaim, action: string, allowed: string[]): HttpError {
  return withParams(conflict(`Claim ${String(claim._id)} is ${claim.status}; ${action} needs ${allowed.join(' or ')}`, { status: claim.status, allowed }, 'wrong_state'), {
    action, allowed: allowed.join(','),
  });
}

async function loadClaim(id: string): Promise<ClaimDocument> {
  const claim = await ClaimModel.findById(id);
  if (!claim) throw notFound('Claim');
  return claim;
}

/** Checks the claimant and the records the claim names; returns the fields to store. */
async function resolveClaimFields(actor: AuthUser, input: ClaimInput, policyVersion: string, existing?: ClaimDocument) {
  if (!actor.orgId) throw forbidden('Only a user of a registered organisation may file a claim');
  const org = await OrgModel.findById(actor.orgId).lean();
  if (!org) throw forbidden('Your organisation is not registered');
  const policy = await getPolicy(policyVersion);
  const rule = programRule(policy, input.program);
  if (!rule.claimantOrgTypes.includes(org.type)) {
    throw forbidden(`Programme ${input.program} is for ${rule.claimantOrgTypes.join('/')} organisations; yours is a ${org.type}`);
  }
  const previousItems = new Map((existing?.items ?? []).map((i) => [String(i._id), i]));
  const spending = (items: SpendingItemInput[]) =>
    items.map((item, index) => {
      const kept = item.id ? previousItems.get(item.id) : undefined;
      if (item.id && !kept) throw badRequest(`Invalid field "items.${index}.id": no item ${item.id} in this claim`);
      return {
        ...(kept ? { _id: kept._id } : {}),
        category: item.category, description: item.description, amountFen: item.amountFen,
        invoiceCode: item.invoiceCode, invoiceNo: item.invoiceNo,
        evidence: kept ? kept.evidence.map((e) => ({ ...e })) : [],
        eligible: null, reason: null, duplicateOf: null,
      };
    });
  const fields: Record<string, unknown> = { baseId: null, parkId: null, procurementIds: [], level: null, township: null, village: null };
  switch (input.program) {
    case 'livestream_base': {
      const base = await BaseModel.findById(input.baseId).lean();
      if (!base) throw notFound(`Base ${input.baseId}`);
      if (String(base.associationId) !== actor.orgId) throw forbidden('This base belongs to another association');
      Object.assign(fields, { baseId: base._id, items: spending(input.items) });
      break;
    }
    case 'brand_building':
      Object.assign(fields, { items: spending(input.items) });
      break;
    case 'warehouse_rent': {
      const park = await ParkModel.findById(input.parkId).lean();
      if (!park) throw notFound(`Park ${input.parkId}`);
      Object.assign(fields, { parkId: park._id, items: spending(input.items) });
      break;
    }
    case 'poverty_procurement': {
      const ids = input.procurementIds;
      if (new Set(ids).size !== ids.length) throw badRequest('Invalid field "procurementIds": lists the same procurement twice');
      const records = await ProcurementModel.find({ _id: { $in: ids } }).lean();
      if (records.length !== ids.length) {
        const found = new Set(records.map((r) => String(r._id)));
        throw notFound(`Procurement ${ids.find((id) => !found.has(id))}`);
      }
      if (records.some((r) => String(r.enterpriseId) !== actor.orgId)) throw forbidden('A procurement in the claim belongs to another enterprise');
      const byId = new Map(records.map((r) => [String(r._id), r]));
      const keptByProcurement = new Map((existing?.items ?? []).filter((i) => i.procurementId).map((i) => [String(i.procurementId), i]));
      Object.assign(fields, {
        procurementIds: ids.map((id) => new mongoose.Types.ObjectId(id)),
        items: ids.map((id) => {
          const r = byId.get(id)!;
          const kept = keptByProcurement.get(id);
          return {
            ...(kept ? { _id: kept._id } : {}),
            category: 'other', description: `${r.description}（户号 ${r.householdRegistryNo}，${r.purchasedAt.toISOString().slice(0, 10)}）`,
            amountFen: r.amountFen, invoiceCode: 'procurement', invoiceNo: r.invoiceNo, procurementId: r._id,
            evidence: kept ? kept.evidence.map((e) => ({ ...e })) : [], eligible: null, reason: null, duplicateOf: null,
          };
        }),
      });
      break;
    }
    case 'service_station': {
      if (input.level === 'village' && !input.village) throw badRequest('Invalid field "village": required for a village point');
      if (input.level === 'township' && input.village) throw badRequest('Invalid field "village": a township station names no village');
      const award = rule.fixedAwardsFen?.[input.level] ?? 0;
      Object.assign(fields, { level: input.level, township: input.township, village: input.village ?? null, items: [] });
      fields.claimedFen = award;
      break;
    }
  }
  const items = (fields.items as { amountFen: number }[]) ?? [];
  if (input.program !== 'service_station') fields.claimedFen = items.reduce((s, i) => s + i.amountFen, 0);
  return { org, fields };
}

export async function createClaim(ctx: HubContext, actor: AuthUser, input: ClaimInput) {
  const policyVersion = ctx.config.HUB_POLICY_VERSION;
  const { org, fields } = await resolveClaimFields(actor, input, policyVersion);
  const now = new Date();
  const _id = new mongoose.Types.ObjectId();
  const items = (fields.items as unknown[] | undefined)?.length ?? 0;
  const audit = { actor, action: 'claim.create', target: { type: 'claim', id: String(_id) }, after: { program: input.program, claimedFen: (fields.claimedFen as number | undefined) ?? 0, items } };
  const claim = await recordChange(ctx, { model: ClaimModel, id: String(_id), audit }, (entry) =>
    ClaimModel.create({
      ...fields, _id, program: input.program, policyVersion, orgId: org._id, filerUserId: actor.id, status: 'draft',
      history: [{ status: 'draft', at: now, by: actor.username, note: 'created', amountFen: fields.claimedFen as number }],
      pendingAudit: { [entry.id]: entry },
    }));
  return claimDto(claim);
}

export async function updateClaim(ctx: HubContext, actor: AuthUser, id: string, input: ClaimInput) {
  return withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, id, async () => {
    const claim = await loadClaim(id);
    assertFiler(actor, claim);
    if (!EDITABLE.includes(claim.status)) throw wrongState(claim, 'editing', EDITABLE);
    if (input.program !== claim.program) throw badRequest(`Invalid field "program": this claim is for ${claim.program}; file a new claim for ${input.program}`);
    const { fields } = await resolveClaimFields(actor, input, claim.policyVersion, claim);
    const before = { claimedFen: claim.claimedFen, items: claim.items.length };
    claim.set(fields);
    claim.history.push({ status: claim.status, at: new Date(), by: actor.username, note: 'edited', amountFen: claim.claimedFen });
    await saveClaimAudited(ctx, claim, { actor, action: 'claim.edit', before, after: { claimedFen: claim.claimedFen ?? 0, items: claim.items.length } });
    return claimDto(claim);
  });
}

export async function submitClaim(ctx: HubContext, actor: AuthUser, id: string) {
  const dto = await withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, id, async () => {
    const claim = await loadClaim(id);
    assertFiler(actor, claim);
    if (!EDITABLE.includes(claim.status)) throw wrongState(claim, 'submission', EDITABLE);
    if (claim.program !== 'service_station' && claim.items.length === 0) throw conflict('A claim needs at least one item before submission', undefined, 'wrong_state');
    const before = { status: claim.status, revision: claim.revision };
    const now = new Date();
    claim.set({ status: 'submitted', revision: claim.revision + 1, submittedAt: now, eligibleFen: null, proposedFen: null, trace: [], traceKeys: [] });
    claim.history.push({ status: 'submitted', at: now, by: actor.username, note: before.status === 'returned' ? 'resubmitted after correction' : null, amountFen: claim.claimedFen });
    await saveClaimAudited(ctx, claim, { actor, action: 'claim.submit', before, after: { status: 'submitted', revision: claim.revision } });
    return claimDto(claim);
  });
  // After the write: if enqueueing fails the claim stays submitted and the maintenance sweep enqueues it.
  await enqueueAssessment(ctx, dto.id, dto.revision, 'submit');
  hubEvents.emit('claim.submitted', { claimId: dto.id, orgId: dto.orgId, program: dto.program });
  return { id: dto.id, status: dto.status, revision: dto.revision };
}

export async function getClaim(actor: AuthUser, id: string) {
  const claim = await ClaimModel.findById(id).populate<{ orgId: { _id: unknown; name: string } }>('orgId', 'name').lean();
  if (!claim) throw notFound('Claim');
  const orgName = claim.orgId?.name ?? null;
  const flat = { ...claim, orgId: claim.orgId?._id ?? claim.orgId };
  assertCanRead(actor, flat);
  return claimDto(flat, orgName);
}

export interface ClaimFilter {
  status?: ClaimStatus;
  program?: ProgramCode;
  orgId?: string;
  limit: number;
  offset: number;
  /** nextCursor of the previous page: keyset paging on (updatedAt, _id), newest change first. */
  cursor?: string;
}

export async function listClaims(actor: AuthUser, filter: ClaimFilter) {
  const query: Record<string, unknown> = {};
  if (filter.status) query.status = filter.status;
  if (filter.program) query.program = filter.program;
  if (READ_ALL_ROLES.includes(actor.role)) {
    if (filter.orgId) query.orgId = filter.orgId;
  } else {
    if (!actor.orgId) throw forbidden('Only users of an organisation see its claims');
    if (filter.orgId && filter.orgId !== actor.orgId) throw forbidden("You may list only your organisation's claims");
    query.orgId = actor.orgId;
  }
  const page = filter.cursor === undefined ? {} : beforeDateCursor('updatedAt', filter.cursor);
  const [found, total] = await Promise.all([
    ClaimModel.find({ ...query, ...page }, { trace: 0, traceKeys: 0 }).sort({ updatedAt: -1, _id: -1 })
      .skip(filter.cursor === undefined ? filter.offset : 0).limit(filter.limit + 1)
      .populate<{ orgId: { _id: unknown; name: string } }>('orgId', 'name').lean(),
    // Unfiltered, the total is a sum of per-status counts (each served by the {status, updatedAt, _id}
    // index), never a count over the collection.
    Object.keys(query).length
      ? ClaimModel.countDocuments(query)
      : Promise.all(CLAIM_STATUSES.map((status) => ClaimModel.countDocuments({ status }))).then((counts) => counts.reduce((a, b) => a + b, 0)),
  ]);
  const rows = found.slice(0, filter.limit);
  const last = found.length > filter.limit ? rows.at(-1)! : null;
  return {
    nextCursor: last ? encodeDateCursor(last.updatedAt, last._id) : null,
    items: rows.map((r) => {
      const d = claimDto({ ...r, orgId: r.orgId?._id ?? r.orgId }, r.orgId?.name ?? null);
      return {
        id: d.id, program: d.program, status: d.status, orgId: d.orgId, orgName: d.orgName, claimedFen: d.claimedFen, eligibleFen: d.eligibleFen,
        proposedFen: d.proposedFen, approvedFen: d.approvedFen, paidFen: d.paidFen, items: d.items.length, hasDuplicates: d.hasDuplicates,
        revision: d.revision, submittedAt: d.submittedAt, assessedAt: d.assessedAt, updatedAt: d.updatedAt,
      };
    }),
    total,
  };
}

export interface ReviewCommand {
  decision: 'approve' | 'return' | 'reject';
  note?: string;
  approvedFen?: number;
}

/** Bureau review. Approval takes min(approvedFen ?? proposedFen, remaining cap) from the single-writer ledger. */
export async function reviewClaim(ctx: HubContext, actor: AuthUser, id: string, command: ReviewCommand) {
  const { ledger } = claimQueues(ctx);
  let approvedEvent: { amountFen: number; at: Date; orgId: string; program: string } | null = null;
  const dto = await withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, id, async () => {
    const claim = await loadClaim(id);
    if (String(claim.filerUserId) === actor.id || (actor.orgId && actor.orgId === String(claim.orgId))) {
      throw forbidden('The filer may not review their own claim');
    }
    if (claim.status !== 'assessed') throw wrongState(claim, 'review', ['assessed']);
    const orgId = String(claim.orgId);
    const before = { status: claim.status, proposedFen: claim.proposedFen, approvedFen: claim.approvedFen };
    const now = new Date();
    if (command.decision === 'approve') {
      const proposed = claim.proposedFen ?? 0;
      if (command.approvedFen !== undefined && command.approvedFen > proposed) {
        throw withParams(badRequest(`Invalid field "approvedFen": ${command.approvedFen} is above the proposed ${proposed}; a reviewer may approve less, never more`), {
          reason: 'above_proposed', approvedFen: command.approvedFen, proposedFen: proposed,
        });
      }
      const requested = command.approvedFen ?? proposed;
      if (requested <= 0) throw conflict('The proposal is ¥0.00: nothing to approve; return or reject the claim', undefined, 'nothing_to_approve');
      const capFen = await capFor(orgId, claim.program, ctx.config.HUB_POLICY_VERSION, claim.level as 'township' | 'village' | null);
      let result = await ledger.grant(orgId, claim.program, id, requested, capFen);
      if (result.outcome === 'uninitialised') {
        await ensureLedger(ctx, orgId, claim.program);
        result = await ledger.grant(orgId, claim.program, id, requested, capFen);
      }
      if (result.outcome !== 'granted') {
        throw conflict(`The ${claim.program} cap of ${formatYuan(capFen ?? 0)} for this organisation is used up; nothing remains to approve`, { capFen: capFen ?? 0 }, 'cap_exhausted');
      }
      const grant = result.grantFen;
      const line = grant < requested
        ? `核准：剩余上限不足，按 min(${formatYuan(requested)}, 剩余) 核准 ${formatYuan(grant)} — approved ${formatYuan(grant)}, limited by the remaining cap`
        : `核准 ${formatYuan(grant)}${grant < proposed ? `（低于建议 ${formatYuan(proposed)}）` : ''} — approved ${formatYuan(grant)}${grant < proposed ? ` (below the proposed ${formatYuan(proposed)})` : ''}`;
      const lineKey: TextKey = grant < requested
        ? { key: 'trace.approved_limited', params: { requestedFen: requested, grantFen: grant } }
        : grant < proposed ? { key: 'trace.approved_below', params: { grantFen: grant, proposedFen: proposed } } : { key: 'trace.approved', params: { grantFen: grant } };
      claim.set({
        status: 'approved', approvedFen: grant, reviewedAt: now, reviewerId: actor.id, reviewNote: command.note ?? null,
        trace: [...claim.trace, line], traceKeys: [...(claim.traceKeys ?? []), lineKey],
      });
      claim.history.push({ status: 'approved', at: now, by: actor.username, note: command.note ?? null, amountFen: grant });
      approvedEvent = { amountFen: grant, at: now, orgId, program: claim.program };
    } else {
      // A grant whose claim write never landed (a crash mid-approval) goes back to the cap.
      await ledger.release(orgId, claim.program, id);
      const status = command.decision === 'return' ? 'returned' : 'rejected';
      claim.set({ status, reviewedAt: now, reviewerId: actor.id, reviewNote: command.note ?? null });
      claim.history.push({ status, at: now, by: actor.username, note: command.note ?? null, amountFen: null });
      // A rejected claim no longer holds its invoices, files, purchases or station place.
      if (status === 'rejected') await releaseUniqueKeys(id);
    }
    await saveClaimAudited(ctx, claim, { actor, action: `claim.${command.decision}`, before, after: { status: claim.status, approvedFen: claim.approvedFen ?? null, note: command.note ?? null } });
    return claimDto(claim);
  });
  if (approvedEvent) {
    const e = approvedEvent as { amountFen: number; at: Date; orgId: string; program: string };
    hubEvents.emit('claim.approved', { claimId: id, orgId: e.orgId, program: e.program, amountFen: e.amountFen, at: e.at });
  }
  return dto;
}

export async function payClaim(ctx: HubContext, actor: AuthUser, id: string, payment: { voucherNo: string; paidAt: Date }) {
  let paidEvent: { orgId: string; program: string; amountFen: number } | null = null;
  const dto = await withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, id, async () => {
    const claim = await loadClaim(id);
    if (claim.status !== 'approved') throw wrongState(claim, 'payment', ['approved']);
    const amountFen = claim.approvedFen ?? 0;
    const existing = await DisbursementModel.findOne({ claimId: claim._id }).lean();
    if (existing && existing.voucherNo !== payment.voucherNo) throw conflict(`Claim ${id} already has payment voucher ${existing.voucherNo}`, undefined, 'wrong_state');
    if (!existing) {
      try {
        await DisbursementModel.create({ claimId: claim._id, orgId: claim.orgId, program: claim.program, amountFen, voucherNo: payment.voucherNo, paidAt: payment.paidAt, recordedBy: actor.id });
      } catch (err) {
        if ((err as { code?: number }).code === 11000) throw conflict(`Voucher ${payment.voucherNo} is already recorded for another payment`, { fields: ['voucherNo'] });
        throw err;
      }
    }
    const now = new Date();
    claim.set({ status: 'paid', paidFen: amountFen, payment: { voucherNo: payment.voucherNo, paidAt: payment.paidAt, recordedBy: actor.username } });
    claim.history.push({ status: 'paid', at: now, by: actor.username, note: `voucher ${payment.voucherNo}`, amountFen });
    await saveClaimAudited(ctx, claim, { actor, action: 'claim.pay', before: { status: 'approved' }, after: { status: 'paid', paidFen: amountFen, voucherNo: payment.voucherNo } });
    paidEvent = { orgId: String(claim.orgId), program: claim.program, amountFen };
    return claimDto(claim);
  });
  if (paidEvent) {
    const e = paidEvent as { orgId: string; program: string; amountFen: number };
    hubEvents.emit('claim.paid', { claimId: id, orgId: e.orgId, program: e.program, amountFen: e.amountFen, at: payment.paidAt });
  }
  return dto;
}

function findItem(claim: ClaimDocument, itemId: string) {
  const item = claim.items.find((i) => String(i._id) === itemId);
  if (!item) throw notFound(`Item ${itemId} in claim ${String(claim._id)}`);
  return item;
}

export async function addEvidence(ctx: HubContext, actor: AuthUser, id: string, itemId: string, file: Express.Multer.File | undefined) {
  // Check ownership and state before the file touches the disk.
  const peek = await loadClaim(id);
  assertFiler(actor, peek);
  if (!EDITABLE.includes(peek.status)) throw wrongState(peek, 'adding evidence', EDITABLE);
  if (findItem(peek, itemId).evidence.length >= MAX_EVIDENCE_PER_ITEM) throw tooManyFiles();
  const stored = await storeEvidence(ctx.config.HUB_UPLOAD_DIR, file);
  // Whatever refuses the upload from here on (state, count, a failed save) deletes the stored file again,
  // unless the claim does reference it (a save that landed before a later step failed).
  let kept = false;
  try {
    return await withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, id, async () => {
      const claim = await loadClaim(id);
      if (!EDITABLE.includes(claim.status)) throw wrongState(claim, 'adding evidence', EDITABLE);
      const item = findItem(claim, itemId);
      if (item.evidence.length >= MAX_EVIDENCE_PER_ITEM) throw tooManyFiles();
      item.evidence.push(stored);
      await saveClaimAudited(ctx, claim, { actor, action: 'claim.evidence.add', after: { itemId, fileId: stored.fileId, sha256: stored.sha256, size: stored.size } });
      kept = true;
      return claimDto(claim);
    });
  } finally {
    if (!kept) {
      const now = await ClaimModel.findById(id).lean().catch(() => null);
      const referenced = now?.items?.some((i: { evidence?: { fileId: string }[] }) => i.evidence?.some((e) => e.fileId === stored.fileId));
      if (!referenced) await unlink(evidencePath(ctx.config.HUB_UPLOAD_DIR, stored.fileId)).catch(() => undefined);
    }
  }
}

const MAX_EVIDENCE_PER_ITEM = 10;
const tooManyFiles = () => conflict(`An item holds at most ${MAX_EVIDENCE_PER_ITEM} evidence files`, { maximum: MAX_EVIDENCE_PER_ITEM }, 'too_many_files');

export async function removeEvidence(ctx: HubContext, actor: AuthUser, id: string, itemId: string, fileId: string) {
  return withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, id, async () => {
    const claim = await loadClaim(id);
    assertFiler(actor, claim);
    if (!EDITABLE.includes(claim.status)) throw wrongState(claim, 'removing evidence', EDITABLE);
    const item = findItem(claim, itemId);
    const index = item.evidence.findIndex((e) => e.fileId === fileId);
    if (index < 0) throw notFound(`Evidence file ${fileId}`);
    const [removed] = item.evidence.splice(index, 1);
    await saveClaimAudited(ctx, claim, { actor, action: 'claim.evidence.remove', before: { itemId, fileId, sha256: removed?.sha256 } });
    return claimDto(claim);
  });
}

export async function sendEvidence(ctx: HubContext, actor: AuthUser, id: string, itemId: string, fileId: string, res: Response) {
  const claim = await loadClaim(id);
  assertCanRead(actor, claim);
  const evidence = findItem(claim, itemId).evidence.find((e) => e.fileId === fileId);
  if (!evidence) throw notFound(`Evidence file ${fileId}`);
  const file = evidencePath(ctx.config.HUB_UPLOAD_DIR, fileId);
  try {
    await access(file);
  } catch {
    log.error({ claimId: id, fileId }, 'evidence file missing on disk');
    throw notFound(`Evidence file ${fileId} on disk`);
  }
  res.status(200).set({
    'Content-Type': evidence.contentType,
    'Content-Length': String(evidence.size),
    'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(evidence.filename)}`,
    'Cache-Control': 'private, max-age=300',
    'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
  });
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
  });
}
