/**
 * A product's stock counter in Redis. Its own module so order states (checkout/orderState.ts) can name it
 * without importing the stock ledger, which imports the order model, which imports the order states.
 */
export const stockKey = (prefix: string, productId: string) => `${prefix}:stock:${productId}`;
