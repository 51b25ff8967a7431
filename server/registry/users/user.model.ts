import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { pendingAuditField } from '../../platform/audit/outbox.ts';
import { ROLES } from '../../platform/auth/roles.ts';

const userSchema = new Schema(
  {
    username: { type: String, required: true, unique: true, trim: true },
    passwordHash: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    orgId: { type: Schema.Types.ObjectId, ref: 'Org', default: null },
    displayName: { type: String, default: null },
    active: { type: Boolean, default: true },
    /** Raised by deactivation and password changes: tokens issued with an older version stop working. */
    tokenVersion: { type: Number, default: 0 },
    /** Audit events of this record's changes not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  { collection: 'users', timestamps: true },
);
// GET /users pages in _id order (keyset) under each combination of its filters.
userSchema.index({ orgId: 1, role: 1, _id: 1 });
userSchema.index({ orgId: 1, _id: 1 });
userSchema.index({ role: 1, _id: 1 });

export type User = InferSchemaType<typeof userSchema>;
export type UserDocument = HydratedDocument<User>;
export const UserModel = mongoose.model('User', userSchema);
