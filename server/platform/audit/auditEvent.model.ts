import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/** One link of the tamper-evident audit chain: its hash covers the previous event's hash. */
const auditEventSchema = new Schema(
  {
    /** Hash scheme (auditChain.ts); absent on version-1 events. */
    v: { type: Number },
    seq: { type: Number, required: true, unique: true },
    at: { type: Date, required: true },
    actor: {
      id: { type: String, default: null },
      username: { type: String, default: null },
      role: { type: String, default: null },
    },
    action: { type: String, required: true },
    target: {
      type: { type: String, required: true },
      id: { type: String, required: true },
    },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
    /** The outbox entry this event drained from; its ObjectId `_id` is derived from it, so it is appended once. */
    source: { type: String },
  },
  { collection: 'audit_events', versionKey: false, minimize: false },
);
auditEventSchema.index({ 'target.type': 1, 'target.id': 1, seq: 1 });

export type AuditEventDoc = InferSchemaType<typeof auditEventSchema>;
export const AuditEventModel = mongoose.model('AuditEvent', auditEventSchema);
