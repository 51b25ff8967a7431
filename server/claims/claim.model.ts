import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { ITEM_CATEGORIES, PROGRAMS } from '../../config/policies/types.ts';
import { pendingAuditField } from '../platform/audit/outbox.ts';

export const CLAIM_STATUSES = ['draft', 'submitted', 'assessed', 'approved', 'returned', 'rejected', 'paid'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

const evidenceSchema = new Schema(
  {
    fileId: { type: String, required: true },
    sha256: { type: String, required: true },
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
  },
  { _id: false },
);

const claimItemSchema = new Schema({
  category: { type: String, enum: ITEM_CATEGORIES, required: true },
  description: { type: String, required: true },
  amountFen: { type: Number, required: true, min: 1 },
  invoiceCode: { type: String, required: true },
  invoiceNo: { type: String, required: true },
  evidence: { type: [evidenceSchema], default: [] },
  /** poverty_procurement: the procurement record this item stands for. */
  procurementId: { type: Schema.Types.ObjectId, ref: 'Procurement', default: null },
  /** Set by the assessment: null until assessed. */
  eligible: { type: Boolean, default: null },
  reason: { type: String, default: null },
  /** The reason as {key, params} (config/claimTexts.ts), rendered per language. */
  reasonKey: { type: Schema.Types.Mixed, default: null },
  /** The claim already holding this item's invoice, file or purchase (flagged for the reviewer). */
  duplicateOf: { type: String, default: null },
});

const historySchema = new Schema(
  {
    status: { type: String, enum: CLAIM_STATUSES, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    note: { type: String, default: null },
    amountFen: { type: Number, default: null },
  },
  { _id: false },
);

const claimSchema = new Schema(
  {
    program: { type: String, enum: PROGRAMS, required: true },
    policyVersion: { type: String, required: true },
    orgId: { type: Schema.Types.ObjectId, ref: 'Org', required: true },
    filerUserId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    status: { type: String, enum: CLAIM_STATUSES, default: 'draft', required: true },
    // Programme-specific references
    baseId: { type: Schema.Types.ObjectId, ref: 'Base', default: null },
    parkId: { type: Schema.Types.ObjectId, ref: 'Park', default: null },
    procurementIds: { type: [Schema.Types.ObjectId], ref: 'Procurement', default: [] },
    level: { type: String, enum: ['township', 'village', null], default: null },
    township: { type: String, default: null },
    village: { type: String, default: null },
    items: { type: [claimItemSchema], default: [] },
    // Money, all integer fen
    claimedFen: { type: Number, default: 0 },
    eligibleFen: { type: Number, default: null },
    proposedFen: { type: Number, default: null },
    approvedFen: { type: Number, default: null },
    paidFen: { type: Number, default: null },
    trace: { type: [String], default: [] },
    /** The trace lines as {key, params} beside the contract's bilingual strings. */
    traceKeys: { type: [Schema.Types.Mixed], default: [] },
    history: { type: [historySchema], default: [] },
    /** Bumped on every submission so an assessment job acts once per submission. */
    revision: { type: Number, default: 0 },
    submittedAt: { type: Date, default: null },
    assessedAt: { type: Date, default: null },
    reviewedAt: { type: Date, default: null },
    reviewerId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    reviewNote: { type: String, default: null },
    payment: {
      voucherNo: { type: String, default: null },
      paidAt: { type: Date, default: null },
      recordedBy: { type: String, default: null },
    },
    /** Audit events of this claim's changes not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  // No __v: every claim change runs under withClaimLock (the claim's single writer), so save() needs no
  // optimistic version in its filter and writes by _id alone, which every backend serves from its index.
  { collection: 'claims', timestamps: true, versionKey: false },
);
// GET /claims filters on any of org/programme/status and sorts newest change first: one index per
// combination (the equality fields, then updatedAt and _id: the keyset order of its pages). The cap and station queries use the org ones.
claimSchema.index({ updatedAt: -1, _id: -1 });
claimSchema.index({ status: 1, updatedAt: -1, _id: -1 });
claimSchema.index({ program: 1, updatedAt: -1, _id: -1 });
claimSchema.index({ program: 1, status: 1, updatedAt: -1, _id: -1 });
claimSchema.index({ orgId: 1, updatedAt: -1, _id: -1 });
claimSchema.index({ orgId: 1, status: 1, updatedAt: -1, _id: -1 });
claimSchema.index({ orgId: 1, program: 1, updatedAt: -1, _id: -1 });
claimSchema.index({ orgId: 1, program: 1, status: 1, updatedAt: -1, _id: -1 });
// The awards disclosure, newest approval first.
claimSchema.index({ status: 1, reviewedAt: -1 });
claimSchema.index({ program: 1, status: 1, reviewedAt: -1 });
// A household registered late re-assesses the pending procurement claims that bought from it (processors/maintenance.ts).
claimSchema.index({ procurementIds: 1, program: 1, status: 1 });

export type Claim = InferSchemaType<typeof claimSchema>;
export const ClaimModel = mongoose.model('Claim', claimSchema);
export type ClaimDocument = InstanceType<typeof ClaimModel>;
