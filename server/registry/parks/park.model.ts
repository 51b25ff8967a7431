import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';

/** An e-commerce park whose warehouse rent may be subsidised when it is a national demonstration base. */
const parkSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, unique: true },
    nationalDemoBase: { type: Boolean, required: true },
  },
  { collection: 'parks', timestamps: true },
);

export type Park = InferSchemaType<typeof parkSchema>;
export type ParkDocument = HydratedDocument<Park>;
export const ParkModel = mongoose.model('Park', parkSchema);

export function parkDto(p: ParkDocument | (Park & { _id: unknown })) {
  return { id: String(p._id), name: p.name, nationalDemoBase: p.nationalDemoBase };
}
