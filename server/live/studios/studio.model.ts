import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { pendingAuditField } from '../../platform/audit/outbox.ts';

const studioSchema = new Schema(
  {
    baseId: { type: Schema.Types.ObjectId, ref: 'Base', required: true },
    associationId: { type: Schema.Types.ObjectId, ref: 'Org', required: true },
    name: { type: String, required: true, trim: true },
    /** Audit events of this record's changes not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  { collection: 'studios', timestamps: true },
);
studioSchema.index({ baseId: 1, name: 1 }, { unique: true });
// GET /studios pages in _id order (keyset) under each combination of its filters.
studioSchema.index({ baseId: 1, _id: 1 });
studioSchema.index({ associationId: 1, _id: 1 });
studioSchema.index({ associationId: 1, baseId: 1, _id: 1 });

export type Studio = InferSchemaType<typeof studioSchema>;
export type StudioDocument = HydratedDocument<Studio>;
export const StudioModel = mongoose.model('Studio', studioSchema);
