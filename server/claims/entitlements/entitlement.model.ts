import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { PROGRAMS } from '../../../config/policies/types.ts';

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
