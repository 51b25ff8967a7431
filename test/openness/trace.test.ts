import { expect } from 'chai';
import { PNG } from 'pngjs';
import jsqrModule from 'jsqr';
import { api, getTestHub } from '../support/testHub.ts';
import { createOrg, createUser, unique } from '../support/factories.ts';
import { launchBrowser, screenshot } from '../support/browser.ts';
import { newTraceCode, TRACE_CODE_PATTERN } from '../../server/commerce/batches/traceCode.ts';
import { bookAndStart, expectOk, ordersPersisted, placeOrder, scriptedWorld, waitFor } from './scriptedDay.ts';

// jsqr is CommonJS with a `default` export; under NodeNext the default import is the module object.
const jsQR = ((jsqrModule as unknown as { default?: typeof jsqrModule.default }).default ?? jsqrModule) as typeof jsqrModule.default;

describe('openness: traceability', function () {
  this.timeout(60_000);
  let world: Awaited<ReturnType<typeof scriptedWorld>>;
  let sessionId: string;

  before(async () => {
    world = await scriptedWorld();
    sessionId = (await bookAndStart(world, '溯源专场', 60_000)).id;
    await placeOrder(world.cast.stationUser.token, world.farm.id, 4, sessionId);
    await ordersPersisted();
  });

  it('issues unguessable codes: 120 random bits in Crockford base32', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => newTraceCode()));
    expect(codes.size).to.equal(2000);
    for (const code of codes) expect(code).to.match(TRACE_CODE_PATTERN);
    expect(world.ceramicBatch.code).to.match(TRACE_CODE_PATTERN);
    expect(world.ceramicBatch.code).to.not.equal(world.farmBatch.code);
  });

  it('QR codes (PNG and SVG) encode the public trace URL', async () => {
    const { baseUrl } = await getTestHub();
    const res = await fetch(`${baseUrl}/api/v1/batches/${world.farmBatch.code}/qr.png`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('image/png');
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).to.equal(`${baseUrl}/trace/${world.farmBatch.code}`);
    expect(world.farmBatch.traceUrl).to.equal(decoded?.data);
    const svg = await fetch(`${baseUrl}/api/v1/batches/${world.farmBatch.code}/qr.svg`);
    expect(svg.headers.get('content-type')).to.match(/^image\/svg\+xml/);
    expect(await svg.text()).to.match(/^<svg[\s\S]*<\/svg>\s*$/);
    expect((await api('GET', `/api/v1/batches/${newTraceCode()}/qr.png`)).status).to.equal(404);
  });

  it('shows the chain from origin to sale with the household masked', async () => {
    const trace = await expectOk(await api('GET', `/api/v1/public/trace/${world.farmBatch.code}`));
    expect(trace.product).to.include({ name: world.farm.name, category: 'farm' });
    expect(trace.origin).to.include({ kind: 'farm', township: '赤水镇', brand: '三黑三黄三红', harvestDate: '2020-06-01' });
    expect(trace.origin.household).to.deep.equal({ name: '李**', township: '赤水镇', village: '铭爱村' });
    expect(JSON.stringify(trace)).to.not.include(world.household.registryNo).and.not.include('李小红');
    expect(trace.sessions).to.have.length(1);
    expect(trace.sessions[0]).to.include({ id: sessionId, title: '溯源专场', quantity: 4 });
    const ceramic = await expectOk(await api('GET', `/api/v1/public/trace/${world.ceramicBatch.code.toLowerCase()}`));
    expect(ceramic.origin).to.include({ kind: 'ceramic', kiln: '龙窑一号', giMark: '德化白瓷', firingDate: '2020-05-01' });
    expect(ceramic.steps.map((s: any) => s.stage)).to.deep.equal(['firing', 'inspection']);
    expect(ceramic.sessions).to.deep.equal([]);
  });

  it('ends with the township stations the goods went through', async () => {
    const before = await expectOk(await api('GET', `/api/v1/public/trace/${world.farmBatch.code}`));
    expect(before.stations).to.deep.equal([]);
    const placed = await expectOk(
      await api('POST', '/api/v1/orders', {
        token: world.cast.stationUser.token,
        headers: { 'Idempotency-Key': unique('order-') },
        body: { productId: world.farm.id, quantity: 2, delivery: { mode: 'station', stationOrgId: world.cast.station.id }, payment: 'cod' },
      }),
      201,
    );
    await expectOk(await api('POST', `/api/v1/orders/${placed.id}/ship`, { token: world.farmUser.token, body: { viaStation: true } }));
    await expectOk(await api('POST', `/api/v1/orders/${placed.id}/arrive`, { token: world.cast.stationUser.token }));
    const trace = await waitFor('the station to join the trace', async () => {
      const t = await expectOk(await api('GET', `/api/v1/public/trace/${world.farmBatch.code}`));
      return t.stations.length ? t : null;
    });
    expect(trace.stations).to.deep.equal([{ name: world.cast.station.name, township: '龙浔镇', parcels: 1 }]);
    // Another product's batch did not pass that station.
    expect((await expectOk(await api('GET', `/api/v1/public/trace/${world.ceramicBatch.code}`))).stations).to.deep.equal([]);
  });

  it('counts only sales inside the batch sale window', async () => {
    const closed = await expectOk(
      await api('POST', `/api/v1/products/${world.farm.id}/batches`, {
        token: world.farmUser.token,
        body: {
          farm: { cooperative: '赤水镇黑鸡合作社', township: '赤水镇', harvestDate: '2019-10-01', inspection: '合格' },
          saleFrom: '2019-10-02T00:00:00+08:00',
          saleTo: '2019-12-31T00:00:00+08:00',
        },
      }),
      201,
    );
    const closedTrace = await expectOk(await api('GET', `/api/v1/public/trace/${closed.code}`));
    expect(closedTrace.sessions).to.deep.equal([]);
    expect(closedTrace.stations).to.deep.equal([]);
  });

  it('answers 404 for unknown or malformed codes', async () => {
    for (const code of [newTraceCode(), 'not-a-code', 'A'.repeat(24)]) {
      const res = await api('GET', `/api/v1/public/trace/${code}`);
      expect(res.status, code).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
    }
  });

  it('checks input and ownership when recording a batch', async () => {
    const bad = [
      {
        ceramic: { claySource: 'x', kiln: 'y', firingDate: '2020-01-01', workshop: 'w', inspector: 'i' },
        farm: { cooperative: 'c', township: '赤水镇', harvestDate: '2020-01-01', inspection: 'ok' },
      },
      {},
      { ceramic: { claySource: 'x', kiln: 'y', firingDate: '2020-13-01', workshop: 'w', inspector: 'i' } },
      { ceramic: { claySource: 'x', kiln: 'y', firingDate: '2020-01-01', workshop: 'w', inspector: 'i', giMark: '景德镇' } },
      { ceramic: { claySource: 'x', kiln: 'y', firingDate: '2020-01-01', workshop: 'w', inspector: 'i', extra: 1 } },
    ];
    for (const body of bad) {
      const res = await api('POST', `/api/v1/products/${world.ceramic.id}/batches`, { token: world.cast.enterpriseUser.token, body });
      expect(res.status, JSON.stringify(body)).to.equal(400);
    }
    // A farm product needs farm origin data; an unknown household is refused.
    const wrongKind = await api('POST', `/api/v1/products/${world.farm.id}/batches`, {
      token: world.farmUser.token,
      body: { ceramic: { claySource: 'x', kiln: 'y', firingDate: '2020-01-01', workshop: 'w', inspector: 'i' } },
    });
    expect(wrongKind.status).to.equal(400);
    expect(wrongKind.body.error.message).to.match(/farm/);
    const unknownHousehold = await api('POST', `/api/v1/products/${world.farm.id}/batches`, {
      token: world.farmUser.token,
      body: { farm: { householdRegistryNo: unique('NOPE-'), township: '赤水镇', harvestDate: '2020-01-01', inspection: 'ok' } },
    });
    expect(unknownHousehold.status).to.equal(400);
    const other = await createUser('enterprise', (await createOrg('enterprise')).id);
    expect(
      (
        await api('POST', `/api/v1/products/${world.ceramic.id}/batches`, {
          token: other.token,
          body: { ceramic: { claySource: 'x', kiln: 'y', firingDate: '2020-01-01', workshop: 'w', inspector: 'i' } },
        })
      ).status,
    ).to.equal(403);
    expect((await api('GET', `/api/v1/products/${world.ceramic.id}/batches`, { token: other.token })).status).to.equal(403);
    const listed = await expectOk(await api('GET', `/api/v1/products/${world.ceramic.id}/batches`, { token: world.cast.bureau.token }));
    expect(listed.items.map((b: any) => b.code)).to.include(world.ceramicBatch.code);
  });

  it('opens the trace page from the QR URL, and a plain not-found page for a wrong code', async () => {
    const { baseUrl } = await getTestHub();
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 414, height: 896 } });
      await page.goto(world.farmBatch.traceUrl);
      await page.getByTestId('trace-page').waitFor();
      expect(await page.locator('h1').textContent()).to.equal(world.farm.name);
      expect(await page.getByTestId('trace-sessions').textContent()).to.include('溯源专场');
      const stations = await page.getByTestId('trace-stations').textContent();
      expect(stations).to.include(world.cast.station.name).and.include('龙浔镇').and.include('1 件包裹');
      await screenshot(page, 'trace-page');
      await page.goto(`${baseUrl}/trace/${newTraceCode()}`);
      await page.getByTestId('trace-not-found').waitFor();
      expect(await page.getByTestId('trace-not-found').textContent()).to.include('未找到');
    } finally {
      await browser.close();
    }
  });
});
