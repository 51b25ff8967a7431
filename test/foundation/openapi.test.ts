import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { api, type ApiResponse } from '../support/testHub.ts';
import { bureauToken, createCast, createHousehold } from '../support/factories.ts';
import { schemaProblems } from '../support/openapiSchema.ts';
import { apiDocument } from '../../server/apiRoutes.ts';
import { invoice, item, upload, uniquePng } from '../claims/helpers.ts';
import { signupBuyer, courierAddress } from '../commerce/commerceSupport.ts';

/**
 * The OpenAPI document cannot drift from the server: every route documents its success answer (a JSON schema,
 * a file type or an empty body), and real answers of representative routes hold exactly the documented fields.
 * The client's types are generated from this document (scripts/api-types.ts).
 */
type Doc = { paths: Record<string, Record<string, { responses: Record<string, any> }>>; components: { schemas: Record<string, any> } };

describe('OpenAPI document and real responses', function () {
  this.timeout(60_000);
  let doc: Doc;
  before(async () => {
    const res = await api('GET', '/api/v1/openapi.json');
    expect(res.status).to.equal(200);
    doc = res.body;
  });

  /** Fails when the answer holds a field, type or value the document does not describe for that route and status. */
  function expectDocumented(method: string, template: string, res: Pick<ApiResponse, 'status' | 'body'>) {
    const operation = doc.paths[`/api/v1${template}`]?.[method];
    expect(operation, `${method} ${template} in the document`).to.exist;
    const documented = operation!.responses[String(res.status)];
    expect(documented, `${method} ${template} documents status ${res.status} (body ${JSON.stringify(res.body).slice(0, 300)})`).to.exist;
    const schema = documented.content?.['application/json']?.schema;
    expect(schema, `${method} ${template} ${res.status} has a JSON schema`).to.exist;
    expect(schemaProblems(doc, schema, res.body), `${method} ${template}`).to.deep.equal([]);
  }

  it('is the document the build generates the client types from (one generator, no server needed)', () => {
    expect(JSON.parse(JSON.stringify(apiDocument()))).to.deep.equal(doc);
  });

  it('documents a success answer for every route: a JSON schema, a file type or an explicit empty body', () => {
    const undocumented: string[] = [];
    let routes = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        routes += 1;
        const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
        expect(success, `${method} ${path}: one success status`).to.have.length(1);
        const [status, response] = success[0]!;
        const content: Record<string, { schema?: unknown }> | undefined = response.content;
        const ok =
          (content && Object.keys(content).length > 0 && Object.values(content).every((c) => c.schema)) ||
          (!content && response['x-no-body'] === true && (status === '204' || /empty|never/i.test(response.description)));
        if (!ok) undocumented.push(`${method.toUpperCase()} ${path} ${status}`);
      }
    }
    expect(routes).to.be.greaterThan(100);
    expect(undocumented).to.deep.equal([]);
  });

  it('describes response objects completely: no open (passthrough) objects', () => {
    const open: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.additionalProperties === true) open.push(where);
      for (const [key, value] of Object.entries(n)) walk(value, `${where}.${key}`);
    };
    for (const [path, operations] of Object.entries(doc.paths))
      for (const [method, operation] of Object.entries(operations))
        for (const [status, response] of Object.entries(operation.responses))
          if (status.startsWith('2')) walk(response.content, `${method} ${path}`);
    for (const [name, schema] of Object.entries(doc.components.schemas)) walk(schema, name);
    expect(open).to.deep.equal([]);
  });

  it('real answers of claims, registry, commerce and public routes hold exactly their documented schema', async () => {
    const cast = await createCast();
    const bureau = await bureauToken();
    const enterprise = cast.enterpriseUser.token;
    expectDocumented('get', '/health', await api('GET', '/api/v1/health'));
    expectDocumented('get', '/auth/me', await api('GET', '/api/v1/auth/me', { token: enterprise }));
    expectDocumented('get', '/orgs', await api('GET', '/api/v1/orgs', { token: bureau }));
    expectDocumented('get', '/places', await api('GET', '/api/v1/places'));
    expectDocumented('get', '/claim-programs', await api('GET', '/api/v1/claim-programs', { token: enterprise }));

    // Claims: a procurement, a claim with an item and its evidence, the lists and the figures.
    const household = await createHousehold();
    const procurement = await api('POST', '/api/v1/procurements', {
      token: enterprise,
      body: {
        householdRegistryNo: household.registryNo,
        description: '茶叶',
        amountFen: 12000,
        purchasedAt: '2020-06-01T00:00:00+08:00',
        invoiceNo: invoice().invoiceNo,
      },
    });
    expect(procurement.status, JSON.stringify(procurement.body)).to.equal(201);
    expectDocumented('post', '/procurements', procurement);
    expectDocumented('get', '/procurements', await api('GET', '/api/v1/procurements', { token: enterprise }));
    const claim = await api('POST', '/api/v1/claims', {
      token: enterprise,
      body: { program: 'brand_building', items: [item('brand_design', 50000, '品牌设计')] },
    });
    expectDocumented('post', '/claims', claim);
    const evidence = await upload(enterprise, claim.body.id, claim.body.items[0].id, uniquePng());
    expectDocumented('post', '/claims/{id}/items/{itemId}/evidence', evidence);
    const read = await api('GET', `/api/v1/claims/${claim.body.id}`, { token: enterprise });
    expectDocumented('get', '/claims/{id}', read);
    // The check itself: a field the document does not name, or a wrong type, is drift.
    const claimSchema = doc.paths['/api/v1/claims/{id}']!.get!.responses['200'].content['application/json'].schema;
    expect(schemaProblems(doc, claimSchema, { ...read.body, undocumented: 1 })).to.deep.equal(['$.undocumented: not in the document']);
    expect(schemaProblems(doc, claimSchema, { ...read.body, claimedFen: '500' })).to.have.length(1);
    expectDocumented('get', '/claims', await api('GET', '/api/v1/claims', { token: bureau }));
    expectDocumented('get', '/entitlements', await api('GET', '/api/v1/entitlements?program=brand_building', { token: enterprise }));
    expectDocumented('get', '/budget', await api('GET', '/api/v1/budget', { token: bureau }));
    expectDocumented('get', '/claim-jobs/failed', await api('GET', '/api/v1/claim-jobs/failed', { token: bureau }));
    expectDocumented('get', '/public/disclosures', await api('GET', '/api/v1/public/disclosures'));
    expectDocumented('get', '/public/policies', await api('GET', '/api/v1/public/policies'));
    expectDocumented('get', '/public/overview', await api('GET', '/api/v1/public/overview'));

    // Commerce: a product and its batch, a buyer's courier order, its tracking link.
    const product = await api('POST', '/api/v1/products', {
      token: enterprise,
      body: { name: '白瓷杯', category: 'ceramic', priceFen: 8800, stock: 5 },
    });
    expectDocumented('post', '/products', product);
    const batch = await api('POST', `/api/v1/products/${product.body.id}/batches`, {
      token: enterprise,
      body: { ceramic: { claySource: '阳山高岭土', kiln: '龙窑', firingDate: '2020-05-20', workshop: '一号作坊', inspector: '郑检' } },
    });
    expectDocumented('post', '/products/{id}/batches', batch);
    expectDocumented('get', '/public/trace/{code}', await api('GET', `/api/v1/public/trace/${batch.body.code}`));
    const buyer = await signupBuyer();
    const order = await api('POST', '/api/v1/orders', {
      token: buyer.token,
      body: { productId: product.body.id, quantity: 1, delivery: { mode: 'courier', address: courierAddress }, payment: 'cod' },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expectDocumented('post', '/orders', order);
    expectDocumented('get', '/orders/{id}', await api('GET', `/api/v1/orders/${order.body.id}`, { token: buyer.token }));
    expectDocumented('get', '/me/orders', await api('GET', '/api/v1/me/orders', { token: buyer.token }));
    expectDocumented('get', '/orders', await api('GET', '/api/v1/orders', { token: enterprise }));
    expectDocumented(
      'post',
      '/orders/{id}/ship',
      await api('POST', `/api/v1/orders/${order.body.id}/ship`, {
        token: enterprise,
        body: { carrier: '顺丰', waybillNo: 'SF1234567890' },
      }),
    );
    expectDocumented(
      'get',
      '/public/orders/{id}/tracking',
      await api('GET', `/api/v1/public/orders/${order.body.id}/tracking?code=${order.body.trackingCode}`),
    );
    // A plain order (no checkout), as the contract's outside tools place it.
    const plain = await api('POST', '/api/v1/orders', {
      token: cast.associationUser.token,
      body: { productId: product.body.id, quantity: 1 },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expectDocumented('post', '/orders', plain);
  });

  it('a route answering a file documents its media type', async () => {
    const res = await api('GET', '/api/v1/exports/claims?format=csv', { token: await bureauToken() });
    expect(res.status).to.equal(200);
    const documented = doc.paths['/api/v1/exports/claims']!.get!.responses['200'];
    expect(Object.keys(documented.content)).to.include(res.headers.get('content-type')!.split(';')[0]);
  });
});
