import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { pendingAuditField } from '../../platform/audit/outbox.ts';
import { TOWNSHIPS } from '../../../config/places.ts';

export const ORG_TYPES = ['association', 'enterprise', 'station'] as const;
export type OrgType = (typeof ORG_TYPES)[number];

const orgSchema = new Schema(
  {
    type: { type: String, enum: ORG_TYPES, required: true },
    name: { type: String, required: true, trim: true },
    /** Unique when present; uniqueness is held by the `unique_keys` reservation (see uniqueKeys.ts). */
    creditCode: { type: String, default: null },
    township: { type: String, enum: [...TOWNSHIPS, null], default: null },
    /** Audit events of this record's changes not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  { collection: 'orgs', timestamps: true },
);
orgSchema.index({ type: 1, name: 1 });
// GET /orgs pages in _id order (keyset), filtered by type or not (the _id index).
orgSchema.index({ type: 1, _id: 1 });
// The disclosure search finds organisations by a part of their name (a scan of this index, not of the documents).
orgSchema.index({ name: 1 });

export type Org = InferSchemaType<typeof orgSchema>;
export type OrgDocument = HydratedDocument<Org>;
export const OrgModel = mongoose.model('Org', orgSchema);
