/** When a claim's award was approved and paid, read from the claim (pure: the writer and the report share them). */

export type Dated = { history?: { status: string; at: Date }[] | null; reviewedAt?: Date | null; updatedAt?: Date };

/** When the bureau approved a claim: its (last) approval history entry, else the review time. */
export function approvedAt(claim: Dated): Date {
  const entry = [...(claim.history ?? [])].reverse().find((h) => h.status === 'approved');
  return entry?.at ?? claim.reviewedAt ?? claim.updatedAt ?? new Date(0);
}

/** When a paid claim was paid: the payment's date, else its payment history entry. */
export function paidAt(claim: Dated & { status: string; payment?: { paidAt?: Date | null } | null }): Date | null {
  if (claim.status !== 'paid') return null;
  return claim.payment?.paidAt ?? [...(claim.history ?? [])].reverse().find((h) => h.status === 'paid')?.at ?? null;
}
