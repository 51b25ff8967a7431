import { pendingAuditField } from '../../platform/audit/outbox.ts';
import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';

export const PRODUCT_CATEGORIES = ['ceramic', 'farm', 'forest', 'other'] as const;

const productSchema = new Schema(
  {
    enterpriseId: { type: Schema.Types.ObjectId, ref: 'Org', required: true },
    name: { type: String, required: true, trim: true },
    category: { type: String, enum: PRODUCT_CATEGORIES, required: true },
    priceFen: { type: Number, required: true, min: 1 },
    /** Stock as last persisted; the live counter is held by a single writer (see commerce/orders). */
    stock: { type: Number, required: true, min: 0 },
    /** Units ever put on sale: the base a lost stock counter is rebuilt from (stockLedger.ts, stockFromTruth). */
    stockListed: { type: Number, min: 0 },
    householdRegistryNo: { type: String, default: null },
    brand: { type: String, default: null },
    township: { type: String, default: null },
    active: { type: Boolean, default: true },
    /** Audit events of this product's changes not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  { collection: 'products', timestamps: true },
);
productSchema.index({ enterpriseId: 1, createdAt: -1 });
productSchema.index({ createdAt: -1 });

export type Product = InferSchemaType<typeof productSchema>;
export type ProductDocument = HydratedDocument<Product>;
export const ProductModel = mongoose.model('Product', productSchema);
