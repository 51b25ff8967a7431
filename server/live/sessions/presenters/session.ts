import { z } from 'zod';
import { SESSION_STATUSES, type LiveSession, type SessionStatus } from '../session.model.ts';

/** A session as stored (a document's `toObject()` or its lean form). */
export type StoredSession = LiveSession & { _id: unknown; createdAt?: Date; updatedAt?: Date };

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The session as the API answers it (REST and the session:start / session:end acknowledgements). */
export function presentSession(s: StoredSession) {
  return {
    id: String(s._id),
    studioId: String(s.studioId),
    baseId: String(s.baseId),
    associationId: String(s.associationId),
    hostUserId: String(s.hostUserId),
    title: s.title,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    productIds: (s.productIds ?? []).map(String),
    status: s.status as SessionStatus,
    pinnedProductId: s.pinnedProductId ? String(s.pinnedProductId) : null,
    startedAt: iso(s.startedAt),
    endedAt: iso(s.endedAt),
    cancelledAt: iso(s.cancelledAt),
    peakViewers: s.peakViewers ?? 0,
    orderCount: s.orderCount ?? 0,
    quantitySold: s.quantitySold ?? 0,
    gmvFen: s.gmvFen ?? 0,
    createdAt: s.createdAt?.toISOString?.() ?? null,
  };
}
export type PresentedSession = ReturnType<typeof presentSession>;

/** The session as a joining connection sees it (session:join). */
export function presentJoinedSession(s: PresentedSession) {
  return {
    id: s.id,
    title: s.title,
    status: s.status,
    hostUserId: s.hostUserId,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    productIds: s.productIds,
  };
}

/** The OpenAPI response schemas. */
export const SessionResponse = z
  .object({
    id: z.string(),
    studioId: z.string(),
    baseId: z.string(),
    associationId: z.string(),
    hostUserId: z.string(),
    title: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    productIds: z.array(z.string()),
    status: z.enum(SESSION_STATUSES),
    pinnedProductId: z.string().nullable(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    peakViewers: z.number().int(),
    orderCount: z.number().int(),
    quantitySold: z.number().int(),
    gmvFen: z.number().int(),
    createdAt: z.string().nullable(),
  })
  .openapi('LiveSession');

export const SessionListResponse = z.object({ items: z.array(SessionResponse) });

export const SessionSalesResponse = z
  .object({ sessionId: z.string(), orders: z.number().int(), quantity: z.number().int(), amountFen: z.number().int() })
  .openapi('SessionSales');

/** PUT /sessions/:id/pin and product:pin. */
export const PinResponse = z.object({ sessionId: z.string(), pinnedProductId: z.string().nullable(), product: z.any() });
