import { publicScheduleSessions, studioNames } from '../live/sessions/sessionReads.ts';
import { orgNames } from '../registry/orgs/orgReads.ts';
import { productNames } from '../commerce/commerceReads.ts';

/**
 * The public schedule: sessions overlapping [from, to), with what a viewer needs (title, times,
 * status, studio, association, products) and nothing private (no host account, no creator).
 */
export async function publicSessions(from: Date, to: Date) {
  const sessions = await publicScheduleSessions(from, to);
  const ids = <T extends { toString(): string }>(list: T[]) => [...new Set(list.map(String))];
  const [studios, orgs, products] = await Promise.all([
    studioNames(ids(sessions.map((s) => s.studioId))),
    orgNames(ids(sessions.map((s) => s.associationId))),
    productNames(ids(sessions.flatMap((s) => s.productIds ?? []))),
  ]);
  const name = (list: { _id: unknown; name: string }[]) => new Map(list.map((x) => [String(x._id), x.name]));
  const studioName = name(studios);
  const orgName = name(orgs);
  const productName = name(products);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    items: sessions.map((s) => ({
      id: String(s._id),
      title: s.title,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      status: s.status,
      studio: studioName.get(String(s.studioId)) ?? null,
      association: orgName.get(String(s.associationId)) ?? null,
      products: (s.productIds ?? []).map((p) => productName.get(String(p))).filter((p): p is string => Boolean(p)),
    })),
  };
}
