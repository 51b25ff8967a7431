import { expect } from 'chai';
import { api } from '../support/testHub.ts';
import { bureauToken, createOrg, createUser, unique } from '../support/factories.ts';
import { ProductModel } from '../../server/commerce/products/product.model.ts';

// Raw JSON, so the lone surrogate reaches the hub exactly as an attacker would send it.
const rawProduct = (nameJson: string) => `{"name":${nameJson},"category":"ceramic","priceFen":100,"stock":1}`;

describe('security: text fields refuse NUL, lone surrogates and bidi overrides (issue 11 item 2)', () => {
  it('a product named "a\\ud800" (a lone surrogate) is refused with 400 naming the field, and nothing is stored', async () => {
    const org = await createOrg('enterprise');
    const user = await createUser('enterprise', org.id);
    const marker = unique('lone');
    const res = await api('POST', '/api/v1/products', { token: user.token, rawBody: rawProduct(`"${marker}\\ud800"`) });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('unsafe_text');
    expect(res.body.error.message).to.include('"name"');
    expect(res.body.error.details).to.include({ field: 'name', character: 'U+D800' });
    expect(await ProductModel.countDocuments({ name: new RegExp(`^${marker}`) })).to.equal(0);
  });

  for (const [label, escaped, character] of [
    ['NUL', '\\u0000', 'U+0000'],
    ['a lone low surrogate', '\\udc00', 'U+DC00'],
    ['RIGHT-TO-LEFT OVERRIDE', '\\u202e', 'U+202E'],
    ['LEFT-TO-RIGHT EMBEDDING', '\\u202a', 'U+202A'],
    ['FIRST STRONG ISOLATE', '\\u2068', 'U+2068'],
    ['POP DIRECTIONAL ISOLATE', '\\u2069', 'U+2069'],
  ] as const) {
    it(`refuses ${label} (${character}) in a text field, also nested and in the query`, async () => {
      const token = await bureauToken();
      const org = await api('POST', '/api/v1/orgs', {
        token,
        rawBody: `{"type":"association","name":"协会${escaped}x","township":"龙浔镇"}`,
      });
      expect(org.status).to.equal(400);
      expect(org.body.error).to.include({ code: 'unsafe_text' });
      expect(org.body.error.details.character).to.equal(character);
      const nested = await api('POST', '/api/v1/orgs', {
        token,
        rawBody: `{"type":"association","name":"ok","township":"龙浔${escaped}镇"}`,
      });
      expect(nested.status).to.equal(400);
      expect(nested.body.error.details.field).to.equal('township');
      if (!character.startsWith('U+D')) {
        // (A lone surrogate cannot be percent-encoded: a URL can only carry it as invalid UTF-8, which decodes to U+FFFD.)
        const query = await api('GET', `/api/v1/public/disclosures?q=${encodeURIComponent(JSON.parse(`"a${escaped}"`))}`);
        expect(query.status).to.equal(400);
        expect(query.body.error.code).to.equal('unsafe_text');
      }
    });
  }

  it('still accepts ordinary Chinese text, emoji (proper surrogate pairs) and right-to-left letters', async () => {
    const org = await createOrg('enterprise');
    const user = await createUser('enterprise', org.id);
    const name = unique('德化白瓷杯🍵שלום');
    const res = await api('POST', '/api/v1/products', { token: user.token, body: { name, category: 'ceramic', priceFen: 100, stock: 1 } });
    expect(res.status).to.equal(201);
    expect(res.body.name).to.equal(name);
  });
});
