import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';

const orderSchema = new Schema(
  {
    productId: { type: Schema.Types.ObjectId, ref: 'Product', required: true },
    enterpriseId: { type: Schema.Types.ObjectId, ref: 'Org', required: true },
    buyerUserId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    quantity: { type: Number, required: true, min: 1 },
    unitPriceFen: { type: Number, required: true },
    amountFen: { type: Number, required: true },
    sessionId: { type: Schema.Types.ObjectId, ref: 'LiveSession', default: null },
    idempotencyKey: { type: String, required: true },
    status: { type: String, enum: ['placed', 'cancelled'], default: 'placed' },
  },
  { collection: 'orders', timestamps: true },
);
// The same key from the same buyer is the same order.
orderSchema.index({ buyerUserId: 1, idempotencyKey: 1 }, { unique: true });
// Order lists newest first, keyset-paged on (createdAt, _id): everyone's, a session's, a seller's (also per
// session), a buyer's; sales per product (trace page) and per day (overview, reports).
orderSchema.index({ createdAt: -1, _id: -1 });
orderSchema.index({ sessionId: 1, createdAt: -1, _id: -1 });
orderSchema.index({ enterpriseId: 1, createdAt: -1, _id: -1 });
orderSchema.index({ enterpriseId: 1, sessionId: 1, createdAt: -1, _id: -1 });
orderSchema.index({ buyerUserId: 1, createdAt: -1, _id: -1 });
orderSchema.index({ buyerUserId: 1, sessionId: 1, createdAt: -1, _id: -1 });
orderSchema.index({ productId: 1, status: 1, createdAt: 1 });
orderSchema.index({ status: 1, createdAt: 1 });

export type Order = InferSchemaType<typeof orderSchema>;
export type OrderDocument = HydratedDocument<Order>;
export const OrderModel = mongoose.model('Order', orderSchema);
