import { expect } from 'chai';
import { api } from '../support/testHub.ts';

describe('health and OpenAPI', () => {
  it('reports MongoDB and Redis up', async () => {
    const res = await api('GET', '/api/v1/health');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ok', mongo: 'up', redis: 'up' });
  });

  it('publishes the OpenAPI document without auth', async () => {
    const res = await api('GET', '/api/v1/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.match(/^3\./);
    expect(res.body.paths).to.have.property('/api/v1/auth/login');
    expect(res.body.paths['/api/v1/orgs'].post.requestBody.content['application/json'].schema).to.exist;
  });
});
