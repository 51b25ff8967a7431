import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { pendingAuditField } from '../../platform/audit/outbox.ts';

/** A livestream base (直播基地) run by an e-commerce industry association; filed (备案) by the bureau. */
const baseSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    associationId: { type: Schema.Types.ObjectId, ref: 'Org', required: true },
    filed: { type: Boolean, default: false },
    filingNo: { type: String, default: null },
    filedAt: { type: Date, default: null },
    /** Audit events of this record's changes not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  { collection: 'bases', timestamps: true },
);
baseSchema.index({ associationId: 1, name: 1 }, { unique: true });
// GET /bases pages in _id order (keyset).
baseSchema.index({ associationId: 1, _id: 1 });

export type Base = InferSchemaType<typeof baseSchema>;
export type BaseDocument = HydratedDocument<Base>;
export const BaseModel = mongoose.model('Base', baseSchema);
