/**
 * A scripted day for the openness suites, through the real API: an enterprise lists a ceramic and a
 * household farm product with batches, an association runs two live sessions, buyers order, the
 * bureau approves and pays claims. Every figure the big screen shows comes from these records.
 */
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, createCast, createHousehold, createOrg, createUser, unique } from '../support/factories.ts';
import { fileAndSubmit, filedBase, item, startTestWorkers } from '../claims/helpers.ts';
import { unsavedOrdersKey } from '../../server/commerce/orders/stockLedger.ts';

export async function expectOk<T = any>(res: { status: number; body: T }, status = 200): Promise<T> {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Orders are written behind (commerce's persister): wait until every accepted order is in the database. */
export async function ordersPersisted(): Promise<void> {
  const { ctx } = await getTestHub();
  await waitFor(
    'accepted orders to reach the database',
    async () => (await ctx.redis.hlen(unsavedOrdersKey(ctx.config.REDIS_PREFIX))) === 0,
  );
}

export async function placeOrder(token: string, productId: string, quantity: number, sessionId?: string) {
  return expectOk(
    await api('POST', '/api/v1/orders', {
      token,
      headers: { 'Idempotency-Key': unique('order-') },
      body: { productId, quantity, ...(sessionId ? { sessionId } : {}) },
    }),
    201,
  );
}

export async function scriptedWorld() {
  const cast = await createCast();
  const farmEnterprise = await createOrg('enterprise', { township: '赤水镇' });
  const farmUser = await createUser('enterprise', farmEnterprise.id);
  const household = await createHousehold({ name: '李小红', township: '赤水镇', village: '铭爱村' });
  const ceramic = await expectOk(
    await api('POST', '/api/v1/products', {
      token: cast.enterpriseUser.token,
      body: { name: unique('德化白瓷茶具'), category: 'ceramic', priceFen: 12_800, stock: 1000 },
    }),
    201,
  );
  const farm = await expectOk(
    await api('POST', '/api/v1/products', {
      token: farmUser.token,
      body: { name: unique('黑鸡'), category: 'farm', priceFen: 8_850, stock: 1000, householdRegistryNo: household.registryNo },
    }),
    201,
  );
  const ceramicBatch = await expectOk(
    await api('POST', `/api/v1/products/${ceramic.id}/batches`, {
      token: cast.enterpriseUser.token,
      body: {
        ceramic: {
          claySource: '三班镇高岭土矿',
          kiln: '龙窑一号',
          firingDate: '2020-05-01',
          workshop: '月记窑作坊',
          inspector: '王检',
          giMark: '德化白瓷',
        },
        steps: [
          { stage: 'firing', at: '2020-05-01T08:00:00+08:00', place: '龙窑一号' },
          { stage: 'inspection', at: '2020-05-03T09:00:00+08:00', note: '合格' },
        ],
        saleFrom: new Date(Date.now() - 3600_000).toISOString(),
      },
    }),
    201,
  );
  const farmBatch = await expectOk(
    await api('POST', `/api/v1/products/${farm.id}/batches`, {
      token: farmUser.token,
      body: {
        farm: {
          householdRegistryNo: household.registryNo,
          township: '赤水镇',
          village: '铭爱村',
          harvestDate: '2020-06-01',
          inspection: '县农产品检测站 合格',
          brand: '三黑三黄三红',
        },
        saleFrom: new Date(Date.now() - 3600_000).toISOString(),
      },
    }),
    201,
  );
  const base = await expectOk(
    await api('POST', '/api/v1/bases', { token: cast.associationUser.token, body: { name: unique('基地') } }),
    201,
  );
  const studio = await expectOk(
    await api('POST', '/api/v1/studios', { token: cast.associationUser.token, body: { baseId: base.id, name: unique('直播间') } }),
    201,
  );
  return { cast, farmEnterprise, farmUser, household, ceramic, farm, ceramicBatch, farmBatch, base, studio };
}

export async function bookAndStart(world: Awaited<ReturnType<typeof scriptedWorld>>, title: string, startOffsetMs: number) {
  const startsAt = new Date(Date.now() + startOffsetMs);
  const session = await expectOk(
    await api('POST', '/api/v1/sessions', {
      token: world.cast.associationUser.token,
      body: {
        studioId: world.studio.id,
        hostUserId: world.cast.host.id,
        title,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 1800_000).toISOString(),
        productIds: [world.ceramic.id, world.farm.id],
      },
    }),
    201,
  );
  await expectOk(await api('POST', `/api/v1/sessions/${session.id}/start`, { token: world.cast.host.token }));
  return session;
}

/** Approves (and optionally pays) a livestream-base claim and a poverty-procurement claim. */
export async function approvedClaims(world: Awaited<ReturnType<typeof scriptedWorld>>) {
  await startTestWorkers();
  const bureau = await bureauToken();
  const baseId = await filedBase(world.cast.associationUser.token);
  const baseClaim = await fileAndSubmit(world.cast.associationUser.token, {
    program: 'livestream_base',
    baseId,
    items: [item('equipment', 300_000), item('advertising', 120_000)],
  });
  const approvedBase = await expectOk(
    await api('POST', `/api/v1/claims/${baseClaim.id}/review`, { token: bureau, body: { decision: 'approve', note: '同意' } }),
  );
  await expectOk(
    await api('POST', `/api/v1/claims/${baseClaim.id}/payments`, {
      token: bureau,
      body: { voucherNo: unique('PV-'), paidAt: new Date().toISOString() },
    }),
  );
  const procurement = await expectOk(
    await api('POST', '/api/v1/procurements', {
      token: world.cast.enterpriseUser.token,
      body: {
        householdRegistryNo: world.household.registryNo,
        description: '收购黑鸡',
        amountFen: 250_000,
        purchasedAt: '2020-06-05T10:00:00+08:00',
        invoiceNo: unique('INV'),
      },
    }),
    201,
  );
  const povertyClaim = await fileAndSubmit(
    world.cast.enterpriseUser.token,
    { program: 'poverty_procurement', procurementIds: [procurement.id] },
    { evidence: false },
  );
  const approvedPoverty = await expectOk(
    await api('POST', `/api/v1/claims/${povertyClaim.id}/review`, { token: bureau, body: { decision: 'approve', note: '同意' } }),
  );
  return { approvedBase, approvedPoverty, procurement, paidFen: approvedBase.approvedFen as number };
}

export { getTestHub };
