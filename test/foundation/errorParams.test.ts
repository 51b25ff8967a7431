import { expect } from 'chai';
import { api } from '../support/testHub.ts';
import { bureauToken, createOrg, makeCreditCode } from '../support/factories.ts';

/** Every error carries a stable code and params the client renders in its language (issue 12). */
describe('errors carry code + params', () => {
  it('a validation error names the field and the rule in params', async () => {
    const res = await api('POST', '/api/v1/orgs', {
      token: await bureauToken(),
      body: { type: 'enterprise', name: '德化测试单位', creditCode: '123' },
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('validation_failed');
    expect(res.body.error.params).to.include({ field: 'creditCode', where: 'body' });
    expect(res.body.error.params.rule).to.be.a('string');
    expect(res.body.error.message).to.contain('creditCode');
  });

  it('an unknown field is named itself; a duplicate names the field and value', async () => {
    const token = await bureauToken();
    const extra = await api('POST', '/api/v1/orgs', { token, body: { type: 'enterprise', name: '德化测试单位乙', bogus: 1 } });
    expect(extra.body.error.params).to.include({ field: 'bogus', rule: 'unrecognized_keys' });
    const creditCode = makeCreditCode();
    await createOrg('enterprise', { creditCode });
    const dup = await api('POST', '/api/v1/orgs', { token, body: { type: 'enterprise', name: '德化测试单位丙', creditCode } });
    expect(dup.status).to.equal(409);
    expect(dup.body.error.params).to.include({ field: 'creditCode' });
  });

  it('errors without explicit params still carry an (empty or derived) params object', async () => {
    const res = await api('GET', '/api/v1/claims/000000000000000000000000', { token: await bureauToken() });
    expect(res.status).to.equal(404);
    expect(res.body.error).to.have.property('params').that.is.an('object');
  });
});
