import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { pendingAuditField } from '../../platform/audit/outbox.ts';

/** A published policy version; `document` is a PolicyDocument (config/policies/types.ts). Never changed once published. */
const policySchema = new Schema(
  {
    version: { type: String, required: true, unique: true },
    /** 1 for the first version, then one more per publication; unique, so two publications from the same version cannot both land. */
    sequence: { type: Number, required: true },
    /** The version this one was published from (null for a built-in one). */
    basedOn: { type: String, default: null },
    effectiveFrom: { type: Date, required: true },
    effectiveTo: { type: Date, default: null },
    document: { type: Schema.Types.Mixed, required: true },
    publishedBy: { type: String, default: 'system' },
    /** Audit event of the publication not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  { collection: 'policies', timestamps: true, minimize: false },
);

policySchema.index({ sequence: 1 }, { unique: true });

export type PolicyRecord = InferSchemaType<typeof policySchema>;
export const PolicyModel = mongoose.model('Policy', policySchema);

/** The demonstration fund's budget categories (70/15/13.5/1.5), with their share of the configured total. */
const budgetCategorySchema = new Schema(
  {
    code: { type: String, required: true },
    policyVersion: { type: String, required: true },
    nameZh: { type: String, required: true },
    nameEn: { type: String, required: true },
    section: { type: String, required: true },
    shareBasisPoints: { type: Number, required: true },
    allocatedFen: { type: Number, required: true },
  },
  { collection: 'budget_categories', timestamps: true },
);
budgetCategorySchema.index({ policyVersion: 1, code: 1 }, { unique: true });
export type BudgetCategory = InferSchemaType<typeof budgetCategorySchema>;
export const BudgetCategoryModel = mongoose.model('BudgetCategory', budgetCategorySchema);
