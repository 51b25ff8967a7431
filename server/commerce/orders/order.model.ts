import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { ORDER_STATUSES } from '../checkout/orderState.ts';

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
    status: { type: String, enum: ORDER_STATUSES, default: 'placed' },
    // Checkout (server/commerce/checkout): absent on orders placed without delivery and payment.
    delivery: { type: Schema.Types.Mixed, default: null },
    payment: { type: Schema.Types.Mixed, default: null },
    pickupCode: { type: String, default: null },
    trackingCode: { type: String, default: null },
    expiresAt: { type: Date, default: null },
    // Written behind from the Redis state machine (checkout/orderState.ts): its version, history and facts.
    stateVersion: { type: Number, default: 0 },
    history: { type: Schema.Types.Mixed, default: null },
    facts: { type: Schema.Types.Mixed, default: null },
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
// Parcels routed to a station, newest first (the station's parcel page, its monthly throughput).
orderSchema.index({ 'delivery.stationOrgId': 1, createdAt: -1, _id: -1 });

export type Order = InferSchemaType<typeof orderSchema>;
export type OrderDocument = HydratedDocument<Order>;
export const OrderModel = mongoose.model('Order', orderSchema);
