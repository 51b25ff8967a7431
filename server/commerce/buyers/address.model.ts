import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { PROVINCE, CITY, COUNTY } from '../../../config/villages.ts';

/** A buyer's saved delivery address (only its owner reads or deletes it). */
const addressSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    province: { type: String, default: PROVINCE },
    city: { type: String, default: CITY },
    county: { type: String, default: COUNTY },
    township: { type: String, required: true },
    village: { type: String, default: null },
    name: { type: String, required: true },
    phone: { type: String, required: true },
    detail: { type: String, required: true },
  },
  { collection: 'buyer_addresses', timestamps: true },
);
addressSchema.index({ userId: 1, createdAt: 1 });

export type BuyerAddress = InferSchemaType<typeof addressSchema>;
export const BuyerAddressModel = mongoose.model('BuyerAddress', addressSchema);

export function addressDto(a: BuyerAddress & { _id: unknown }) {
  return {
    id: String(a._id),
    province: a.province,
    city: a.city,
    county: a.county,
    township: a.township,
    village: a.village ?? null,
    name: a.name,
    phone: a.phone,
    detail: a.detail,
  };
}
