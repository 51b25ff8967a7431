import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { PROGRAMS } from '../../../config/policies/types.ts';

/**
 * A beneficiary's running totals for one programme over the policy period. Written only by the
 * approval/payment ledger (a single-writer queue), so concurrent approvals cannot exceed the cap.
 */
const entitlementSchema = new Schema(
  {
    orgId: { type: Schema.Types.ObjectId, ref: 'Org', required: true },
    program: { type: String, enum: PROGRAMS, required: true },
    policyVersion: { type: String, required: true },
    /** null = no cap stated. */
    capFen: { type: Number, default: null },
    approvedFen: { type: Number, default: 0 },
    paidFen: { type: Number, default: 0 },
  },
  { collection: 'entitlements', timestamps: true },
);
entitlementSchema.index({ orgId: 1, program: 1 }, { unique: true });

export type Entitlement = InferSchemaType<typeof entitlementSchema>;
export type EntitlementDocument = HydratedDocument<Entitlement>;
export const EntitlementModel = mongoose.model('Entitlement', entitlementSchema);

/** A payment made against an approved claim. */
const disbursementSchema = new Schema(
  {
    claimId: { type: Schema.Types.ObjectId, ref: 'Claim', required: true, unique: true },
    orgId: { type: Schema.Types.ObjectId, ref: 'Org', required: true },
    program: { type: String, enum: PROGRAMS, required: true },
    amountFen: { type: Number, required: true, min: 1 },
    voucherNo: { type: String, required: true, unique: true },
    paidAt: { type: Date, required: true },
    recordedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  },
  { collection: 'disbursements', timestamps: true },
);
disbursementSchema.index({ orgId: 1, program: 1 });

export type Disbursement = InferSchemaType<typeof disbursementSchema>;
export const DisbursementModel = mongoose.model('Disbursement', disbursementSchema);
