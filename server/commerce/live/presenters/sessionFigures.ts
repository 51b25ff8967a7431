import { z } from 'zod';
import '../../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it

/** The OpenAPI shape of sessionFigures (GET /sessions/:id/analytics, and each session of a report). */
export const SessionFiguresResponse = z
  .object({
    sessionId: z.string(),
    title: z.string(),
    viewers: z.number().int(),
    peakViewers: z.number().int(),
    chatMessages: z.number().int(),
    plusOnes: z.number().int(),
    orders: z.number().int(),
    buyers: z.number().int(),
    paidGmvFen: z.number().int(),
    conversionBp: z.number().int().openapi({ description: 'Buyers ÷ viewers in basis points' }),
    products: z.array(
      z.object({
        productId: z.string(),
        name: z.string().nullable(),
        orders: z.number().int(),
        quantity: z.number().int(),
        paidGmvFen: z.number().int(),
      }),
    ),
  })
  .openapi('SessionAnalytics');
