/**
 * Group commit: callers submit one write each and await its own outcome; while one flush is in flight,
 * later submissions wait and go together in the next flush (one round trip, one database transaction
 * for many writes). A lone write goes at once, so nothing waits for a batch to fill.
 */
export type ItemOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export class GroupCommit<T, R> {
  private pending: { item: T; resolve: (value: R) => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;

  /** `flush` returns one outcome per item, in order; a thrown error fails the whole batch. */
  constructor(
    private readonly flush: (items: T[]) => Promise<ItemOutcome<R>[]>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          const outcomes = await this.flush(batch.map((p) => p.item));
          batch.forEach((p, i) => {
            const o = outcomes[i];
            if (!o) p.reject(new Error('group commit: the flush returned no outcome for this write'));
            else if (o.ok) p.resolve(o.value);
            else p.reject(o.error);
          });
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

/** The per-index write errors of a driver bulk error (insertMany/bulkWrite with ordered: false). */
export function writeErrorsOf(err: unknown): { index: number; code?: number; errmsg?: string }[] | null {
  const raw = (err as { writeErrors?: unknown }).writeErrors;
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as {
    index?: number;
    code?: number;
    errmsg?: string;
    err?: { index?: number; code?: number; errmsg?: string };
  }[];
  if (!list.length) return null;
  const out = list.map((e) => ({ index: e.index ?? e.err?.index ?? -1, code: e.code ?? e.err?.code, errmsg: e.errmsg ?? e.err?.errmsg }));
  return out.every((e) => e.index >= 0) ? out : null;
}
