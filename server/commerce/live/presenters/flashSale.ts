import { z } from 'zod';
import '../../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it
import type { FlashSaleState } from '../../../live/bus.ts';

const int = z.number().int();

/** A session's flash sale as every flash-sale route answers it (OpenAPI `FlashSale`). */
export const FlashSaleResponse = z
  .object({
    sale: z
      .object({
        id: z.string(),
        status: z.enum(['running', 'ended']),
        productId: z.string(),
        priceFen: int,
        quantity: int,
        remaining: int,
        perBuyerLimit: int,
        endsAt: z.string(),
      })
      .nullable()
      .openapi({ description: 'null when the session has had no flash sale' }),
  })
  .openapi('FlashSale');

/** The sale's Redis hash (flashSaleStore.ts) as the routes and the `flash:sale` push show it. */
export function presentFlashSale(h: Record<string, string>): { sale: FlashSaleState | null } {
  if (!h.id) return { sale: null };
  return {
    sale: {
      id: h.id,
      status: h.status!,
      productId: h.productId!,
      priceFen: Number(h.priceFen),
      quantity: Number(h.quantity),
      remaining: Number(h.remaining),
      perBuyerLimit: Number(h.limit),
      endsAt: new Date(Number(h.endsAt)).toISOString(),
    },
  };
}
