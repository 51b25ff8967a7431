import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { pendingAuditField } from '../../platform/audit/outbox.ts';

/** An enterprise's purchase of farm products from a registered poverty household. */
const procurementSchema = new Schema(
  {
    enterpriseId: { type: Schema.Types.ObjectId, ref: 'Org', required: true },
    householdRegistryNo: { type: String, required: true },
    description: { type: String, required: true },
    amountFen: { type: Number, required: true, min: 1 },
    purchasedAt: { type: Date, required: true },
    invoiceNo: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** Audit events of this record's changes not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  { collection: 'procurements', timestamps: true },
);
procurementSchema.index({ enterpriseId: 1, purchasedAt: -1 });
procurementSchema.index({ householdRegistryNo: 1 });

export type Procurement = InferSchemaType<typeof procurementSchema>;
export type ProcurementDocument = HydratedDocument<Procurement>;
export const ProcurementModel = mongoose.model('Procurement', procurementSchema);
