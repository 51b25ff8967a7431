import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { pendingAuditField } from '../../platform/audit/outbox.ts';

/** An e-commerce park whose warehouse rent may be subsidised when it is a national demonstration base. */
const parkSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, unique: true },
    nationalDemoBase: { type: Boolean, required: true },
    /** Audit events of this record's changes not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  { collection: 'parks', timestamps: true },
);

export type Park = InferSchemaType<typeof parkSchema>;
export type ParkDocument = HydratedDocument<Park>;
export const ParkModel = mongoose.model('Park', parkSchema);
