import { pendingAuditField } from '../../platform/audit/outbox.ts';
import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';

export const SESSION_STATUSES = ['scheduled', 'live', 'ended', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A scheduled live sales session in one studio with one host. */
const liveSessionSchema = new Schema(
  {
    studioId: { type: Schema.Types.ObjectId, ref: 'Studio', required: true },
    baseId: { type: Schema.Types.ObjectId, ref: 'Base', required: true },
    associationId: { type: Schema.Types.ObjectId, ref: 'Org', required: true },
    hostUserId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    title: { type: String, required: true, trim: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    productIds: { type: [Schema.Types.ObjectId], ref: 'Product', default: [] },
    status: { type: String, enum: SESSION_STATUSES, default: 'scheduled' },
    startedAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    /** The product the host shows now (must be on the session's shelf), null when none is pinned. */
    pinnedProductId: { type: Schema.Types.ObjectId, ref: 'Product', default: null },
    cancelledAt: { type: Date, default: null },
    cancelReason: { type: String, default: null },
    peakViewers: { type: Number, default: 0 },
    orderCount: { type: Number, default: 0 },
    quantitySold: { type: Number, default: 0 },
    gmvFen: { type: Number, default: 0 },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** Audit events of this session's changes not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  { collection: 'live_sessions', timestamps: true },
);
liveSessionSchema.index({ studioId: 1, startsAt: 1 });
liveSessionSchema.index({ hostUserId: 1, startsAt: 1 });
liveSessionSchema.index({ status: 1 });
// The schedule lists: an association's own sessions, the public schedule by status, the bureau's whole period.
liveSessionSchema.index({ associationId: 1, startsAt: 1 });
liveSessionSchema.index({ status: 1, startsAt: 1 });
liveSessionSchema.index({ startsAt: 1 });

export type LiveSession = InferSchemaType<typeof liveSessionSchema>;
export type LiveSessionDocument = HydratedDocument<LiveSession>;
export const LiveSessionModel = mongoose.model('LiveSession', liveSessionSchema);
