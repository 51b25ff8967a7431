/**
 * Every query the hub issues on a request or job path is served by an index declared in the mongoose
 * schemas. Representative flows (a scripted day: products, batches, sessions, orders, claims through
 * filing → tally → return → correction → approval → payment, every list, search, overview and report)
 * run against the test hub while the driver's command monitor records each query's shape; each shape
 * is then checked against the declared indexes (test/store/queryShapes.ts). A new unindexed query
 * fails here. Also: hot-path writes of claims and orders carry no `__v` in their filter.
 */
import { expect } from 'chai';
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, createUser, login } from '../support/factories.ts';
import { bookAndStart, expectOk, ordersPersisted, placeOrder, scriptedWorld, approvedClaims, waitFor } from '../openness/scriptedDay.ts';
import { fileAndSubmit, item, waitForStatus } from '../claims/helpers.ts';
import { declaredIndexes, ShapeRecorder, shapeKey, unserved } from './queryShapes.ts';

/**
 * Collections small by nature (a handful of documents whatever the county's size), read whole on
 * purpose. Keep this list short and say why.
 */
const TINY_COLLECTIONS = new Set<string>([
  'policies', // one document per published policy version (a few per decade)
  'budget_categories', // four fund categories per policy version
]);

describe('store: every query is served by a declared index', function () {
  this.timeout(120_000);
  const recorder = new ShapeRecorder();

  before(async () => {
    await getTestHub();
    recorder.start();
  });
  after(() => recorder.stop());

  it('runs the everyday flows', async () => {
    const bureau = await bureauToken();
    const world = await scriptedWorld();
    const { cast } = world;
    await login(cast.enterpriseUser.username, cast.enterpriseUser.password);
    const session = await bookAndStart(world, '德化白瓷直播', -60_000);
    const buyer = await createUser('bureau');
    for (let i = 0; i < 3; i += 1) await placeOrder(buyer.token, world.ceramic.id, 1, session.id);
    await placeOrder(buyer.token, world.farm.id, 2);
    await ordersPersisted();
    await expectOk(await api('GET', `/api/v1/sessions/${session.id}/sales`, { token: cast.associationUser.token }));
    await expectOk(await api('POST', `/api/v1/sessions/${session.id}/end`, { token: cast.host.token }));
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    await expectOk(await api('GET', `/api/v1/sessions?from=${from}&to=${to}`, { token: cast.associationUser.token }));
    await expectOk(await api('GET', `/api/v1/public/sessions`, {}));
    await expectOk(await api('GET', '/api/v1/products', { token: cast.enterpriseUser.token }));
    await expectOk(await api('GET', `/api/v1/products/${world.ceramic.id}`, { token: buyer.token }));
    await expectOk(await api('GET', `/api/v1/products/${world.ceramic.id}/batches`, { token: cast.enterpriseUser.token }));
    const orders = await expectOk(await api('GET', '/api/v1/orders', { token: cast.enterpriseUser.token }));
    await expectOk(await api('GET', `/api/v1/orders?sessionId=${session.id}`, { token: bureau }));
    await expectOk(await api('GET', '/api/v1/orders', { token: buyer.token }));
    // Keyset pages: disjoint, newest first, the second continuing where the first stopped.
    const page1 = await expectOk(await api('GET', '/api/v1/orders?limit=2', { token: buyer.token }));
    expect(page1.items).to.have.length(2);
    expect(page1.nextCursor).to.be.a('string');
    const page2 = await expectOk(await api('GET', `/api/v1/orders?limit=2&cursor=${page1.nextCursor}`, { token: buyer.token }));
    expect(page2.items).to.have.length(2);
    const ids1 = page1.items.map((o: { id: string }) => o.id);
    expect(page2.items.filter((o: { id: string }) => ids1.includes(o.id))).to.deep.equal([]);
    expect(new Date(page2.items[0].createdAt).getTime()).to.be.at.most(new Date(page1.items[1].createdAt).getTime());
    const bad = await api('GET', '/api/v1/orders?cursor=nonsense', { token: buyer.token });
    expect(bad.status).to.equal(400);
    expect(JSON.stringify(bad.body)).to.include('cursor');
    if (orders.items?.[0]) await expectOk(await api('GET', `/api/v1/orders/${orders.items[0].id}`, { token: bureau }));
    await expectOk(await api('GET', `/api/v1/public/trace/${world.ceramicBatch.code}`, {}));

    // Claims: approve + pay (scripted day), then a return → correction → resubmission and a rejection.
    await approvedClaims(world);
    const claim = await fileAndSubmit(cast.enterpriseUser.token, {
      program: 'brand_building',
      items: [item('online_shop', 100_000), item('salary', 50_000)],
    });
    await expectOk(
      await api('POST', `/api/v1/claims/${claim.id}/review`, { token: bureau, body: { decision: 'return', note: '补充发票' } }),
    );
    const returned = await expectOk(await api('GET', `/api/v1/claims/${claim.id}`, { token: cast.enterpriseUser.token }));
    await expectOk(
      await api('PUT', `/api/v1/claims/${claim.id}`, {
        token: cast.enterpriseUser.token,
        body: { program: 'brand_building', items: [{ id: returned.items[0].id, ...item('online_shop', 90_000) }] },
      }),
    );
    await expectOk(await api('POST', `/api/v1/claims/${claim.id}/submit`, { token: cast.enterpriseUser.token }), 202);
    await waitForStatus(cast.enterpriseUser.token, claim.id);
    await expectOk(await api('POST', `/api/v1/claims/${claim.id}/review`, { token: bureau, body: { decision: 'reject', note: '不符合' } }));
    await expectOk(await api('GET', '/api/v1/claims', { token: cast.enterpriseUser.token }));
    await expectOk(await api('GET', '/api/v1/claims?status=assessed', { token: bureau }));
    await expectOk(await api('GET', `/api/v1/claims?orgId=${cast.enterprise.id}&program=brand_building`, { token: bureau }));
    await expectOk(await api('GET', `/api/v1/entitlements?orgId=${cast.enterprise.id}&program=brand_building`, { token: bureau }));
    await expectOk(await api('GET', '/api/v1/budget', { token: bureau }));
    await expectOk(await api('GET', '/api/v1/procurements', { token: cast.enterpriseUser.token }));
    await expectOk(await api('GET', '/api/v1/claim-jobs/failed', { token: bureau }));

    // Openness: disclosures, search, overview, a report.
    await expectOk(await api('GET', '/api/v1/public/disclosures', {}));
    await expectOk(await api('GET', `/api/v1/public/disclosures/search?program=poverty_procurement`, {}));
    await expectOk(await api('GET', '/api/v1/public/overview', {}));
    const report = await expectOk(
      await api('POST', '/api/v1/reports', { token: bureau, body: { from: from.slice(0, 10), to: to.slice(0, 10) } }),
      202,
    );
    await waitFor(
      'the report',
      async () => {
        const r = await api('GET', `/api/v1/reports/${report.jobId}`, { token: bureau });
        return r.body?.state === 'completed' || r.body?.state === 'failed';
      },
      60_000,
    );

    // Registry lists.
    for (const path of ['/orgs', '/users', '/households', '/bases', '/parks', '/policies'])
      await expectOk(await api('GET', `/api/v1${path}`, { token: bureau }));
    await expectOk(await api('GET', '/api/v1/public/disclosures/search?q=%E7%94%B5%E5%95%86&from=2020-01-01&to=2030-12-31', {}));
    await expectOk(await api('GET', '/api/v1/public/disclosures/search?q=brand&program=brand_building', {}));
    // Keyset pages of the lists: filtered and not, the second page by cursor, nothing twice.
    for (const path of [
      '/orgs',
      '/orgs?type=enterprise',
      '/users',
      '/users?role=host',
      `/users?orgId=${cast.enterprise.id}`,
      '/households',
      `/households?township=${encodeURIComponent('龙浔镇')}`,
      '/bases',
      '/studios',
      '/claims',
      '/claims?status=approved',
      `/claims?orgId=${cast.enterprise.id}`,
    ]) {
      const sep = path.includes('?') ? '&' : '?';
      const first = await expectOk(await api('GET', `/api/v1${path}${sep}limit=1`, { token: bureau }));
      expect(first.items.length, path).to.be.at.most(1);
      if (!first.nextCursor) continue;
      const second = await expectOk(
        await api('GET', `/api/v1${path}${sep}limit=1&cursor=${encodeURIComponent(first.nextCursor)}`, { token: bureau }),
      );
      expect(
        second.items.map((x: { id: string }) => x.id),
        path,
      ).to.not.include(first.items[0].id);
    }
  });

  it('finds an index for every query shape it recorded', () => {
    const indexes = declaredIndexes();
    const failures: string[] = [];
    for (const shape of recorder.shapes.values()) {
      if (TINY_COLLECTIONS.has(shape.collection)) continue;
      const why = unserved(shape, indexes);
      if (why) failures.push(`${shapeKey(shape)} ×${shape.count}: ${why}\n    e.g. ${shape.example}`);
    }
    expect(recorder.shapes.size, 'the flows issued queries').to.be.greaterThan(20);
    expect(failures, `unindexed queries:\n${failures.join('\n')}`).to.deep.equal([]);
  });

  it('writes claims and orders without __v in the filter', () => {
    const versioned = [...recorder.shapes.values()].filter(
      (s) =>
        (s.command === 'update' || s.command === 'findAndModify') &&
        ['claims', 'orders'].includes(s.collection) &&
        s.equality.includes('__v'),
    );
    expect(versioned.map(shapeKey)).to.deep.equal([]);
  });
});
