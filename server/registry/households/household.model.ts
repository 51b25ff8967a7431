import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { pendingAuditField } from '../../platform/audit/outbox.ts';
import { TOWNSHIPS } from '../../../config/places.ts';

/** A registered poverty household (建档立卡贫困户). Personal data: never published unmasked. */
const householdSchema = new Schema(
  {
    registryNo: { type: String, required: true, unique: true, trim: true },
    name: { type: String, required: true, trim: true },
    township: { type: String, enum: TOWNSHIPS, required: true },
    village: { type: String, required: true, trim: true },
    registeredFrom: { type: Date, required: true },
    /** Set when the household leaves the registry (脱贫退出); purchases after it are not eligible. */
    registeredUntil: { type: Date, default: null },
    /** Audit events of this record's changes not yet in the chain (platform/audit/outbox.ts). */
    ...pendingAuditField,
  },
  { collection: 'households', timestamps: true },
);
householdSchema.index({ township: 1, village: 1 });
householdSchema.index({ township: 1, registryNo: 1 });

export type Household = InferSchemaType<typeof householdSchema>;
export type HouseholdDocument = HydratedDocument<Household>;
export const HouseholdModel = mongoose.model('Household', householdSchema);

/** 张三 -> 张*; 欧阳小明 -> 欧***. For anything shown to the public. */
export function maskPersonName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** Whether the household was in the registry on `date` (a purchase date). */
export function wasRegisteredOn(h: Pick<Household, 'registeredFrom' | 'registeredUntil'>, date: Date): boolean {
  return h.registeredFrom.getTime() <= date.getTime() && (!h.registeredUntil || date.getTime() <= h.registeredUntil.getTime());
}
