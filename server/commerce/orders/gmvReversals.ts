/**
 * Orders leaving GMV (cancelled, expired, refunded), announced by the transition persister before it writes
 * the new status to the order document and awaited by it: whoever keeps GMV counters (the big screen's, in
 * server/openness) learns of a reversal before any database read can see it, which the overview rebuild
 * relies on to tell whether its snapshot already left the order out.
 */
export interface GmvReversal {
  orderId: string;
  productId: string;
  sessionId: string | null;
  amountFen: number;
  /** When the order was placed: the day and minute buckets it was counted in. */
  placedAt: Date;
  status: string;
}

type Listener = (reversal: GmvReversal) => Promise<void>;
const listeners = new Set<Listener>();

/** Subscribes; returns the unsubscribe. A listener must not throw (it logs its own failures). */
export function onGmvReversal(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function announceGmvReversal(reversal: GmvReversal): Promise<void> {
  await Promise.all([...listeners].map((listener) => listener(reversal)));
}
