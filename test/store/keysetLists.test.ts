/**
 * The registry lists are keyset-paged (docs/store.md): following nextCursor from the first page
 * visits every record once, in the list's order, and a malformed cursor is a 400 naming `cursor`.
 */
import { expect } from 'chai';
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, createHousehold, createOrg, createUser } from '../support/factories.ts';

async function walk(
  token: string,
  path: string,
  limit: number,
): Promise<{ ids: string[]; pages: number; rows: Record<string, unknown>[] }> {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: { status: number; body: { items: Record<string, unknown>[]; nextCursor: string | null } } = await api(
      'GET',
      `/api/v1${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.items.length).to.be.at.most(limit);
    rows.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages += 1;
    expect(pages, `${path} ends`).to.be.below(1000);
  } while (cursor);
  return { ids: rows.map((r) => String(r.id)), pages, rows };
}

describe('store: keyset-paged lists', function () {
  this.timeout(120_000);
  let bureau = '';

  before(async () => {
    await getTestHub();
    bureau = await bureauToken();
    for (let i = 0; i < 5; i += 1) {
      const org = await createOrg('enterprise');
      await createUser('enterprise', org.id);
      await createHousehold();
    }
  });

  // Paid claims change no more (other claims' updatedAt, their sort key, moves while assessments run).
  for (const path of [
    '/orgs',
    '/orgs?type=enterprise',
    '/users',
    '/users?role=enterprise',
    '/households',
    '/bases',
    '/studios',
    '/claims?status=paid',
  ]) {
    it(`${path}: pages of 2 visit what one page of 500 holds, once each and in its order`, async () => {
      const all = await walk(bureau, path, 500);
      const paged = await walk(bureau, path, 2);
      expect(paged.ids).to.deep.equal(all.ids);
      expect(new Set(paged.ids).size).to.equal(paged.ids.length);
      if (all.ids.length > 2) expect(paged.pages).to.be.greaterThan(1);
    });
  }

  it('orders the registry lists: orgs and users by creation (_id), households by registry number', async () => {
    const orgs = await walk(bureau, '/orgs', 3);
    expect(orgs.ids).to.deep.equal([...orgs.ids].sort());
    expect(orgs.ids.length).to.be.at.least(5);
    const households = await walk(bureau, '/households', 3);
    const numbers = households.rows.map((h) => String(h.registryNo));
    expect(numbers).to.deep.equal([...numbers].sort());
  });

  it('answers a malformed cursor with a 400 naming cursor, and changes nothing', async () => {
    for (const path of ['/orgs', '/users', '/households', '/bases', '/studios', '/claims']) {
      for (const cursor of ['nonsense!', 'zz', 'x'.repeat(301)]) {
        const res: { status: number; body: { items: Record<string, unknown>[]; nextCursor: string | null } } = await api(
          'GET',
          `/api/v1${path}?cursor=${encodeURIComponent(cursor)}`,
          { token: bureau },
        );
        expect(res.status, `${path} ${cursor.slice(0, 10)}`).to.equal(400);
        expect(JSON.stringify(res.body)).to.include('cursor');
      }
    }
  });
});
