import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { pendingAuditField } from '../../platform/audit/outbox.ts';

export const BATCH_STEP_STAGES = [
  'origin',
  'production',
  'firing',
  'harvest',
  'processing',
  'inspection',
  'packing',
  'warehousing',
  'shipping',
  'other',
  // Recorded as they happen: ceramics clay source → forming → firing → glazing; farm planting → harvest.
  'clay_source',
  'forming',
  'glazing',
  'planting',
] as const;

const stepSchema = new Schema(
  {
    stage: { type: String, enum: BATCH_STEP_STAGES, required: true },
    at: { type: Date, required: true },
    place: { type: String, default: null },
    note: { type: String, default: null },
    /** Steps recorded one by one carry an id, the person responsible and photos. */
    id: { type: String, default: null },
    responsible: { type: String, default: null },
    photos: { type: [new Schema({ fileId: String, filename: String, contentType: String, size: Number }, { _id: false })], default: [] },
  },
  { _id: false },
);

/**
 * A production batch of a product, with its origin and the steps it went through. The trace code is
 * what the QR label carries; it is random, so holding a code is what lets someone read its chain.
 */
const batchSchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    productId: { type: Schema.Types.ObjectId, ref: 'Product', required: true },
    enterpriseId: { type: Schema.Types.ObjectId, ref: 'Org', required: true },
    kind: { type: String, enum: ['ceramic', 'farm'], required: true },
    ceramic: {
      type: new Schema(
        {
          claySource: { type: String, required: true },
          kiln: { type: String, required: true },
          firingDate: { type: Date, required: true },
          workshop: { type: String, required: true },
          inspector: { type: String, required: true },
          giMark: { type: String, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    farm: {
      type: new Schema(
        {
          householdRegistryNo: { type: String, default: null },
          cooperative: { type: String, default: null },
          township: { type: String, required: true },
          village: { type: String, default: null },
          harvestDate: { type: Date, required: true },
          inspection: { type: String, required: true },
          brand: { type: String, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    steps: { type: [stepSchema], default: [] },
    quantity: { type: Number, default: null },
    /** The window in which sales of the product count as sales of this batch (see docs/openness.md). */
    saleFrom: { type: Date, required: true },
    saleTo: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** Audit events of this record's changes not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  { collection: 'batches', timestamps: true },
);
batchSchema.index({ productId: 1, createdAt: -1 });

export type Batch = InferSchemaType<typeof batchSchema>;
export type BatchDocument = HydratedDocument<Batch>;
export const BatchModel = mongoose.model('Batch', batchSchema);
