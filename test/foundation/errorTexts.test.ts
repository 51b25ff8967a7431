import { expect } from 'chai';
import path from 'node:path';
import { ROOT } from '../../scripts/services.ts';
import { NOT_FOUND_RESOURCES, badRequest, notFound, unauthenticated } from '../../server/platform/errors.ts';
import { thrownErrorCodes } from '../support/thrownErrorCodes.ts';

/**
 * Every error code the server can throw (found by parsing server/**, not from a list) has a sentence in
 * the client's dictionary in both zh-CN and en, and the params those sentences need are sent.
 */
describe('error codes: each has zh-CN and en text in the client', () => {
  type Client = {
    hasMessage: (locale: 'zh-CN' | 'en', key: string) => boolean;
    RESOURCES: Record<string, [string, string]>;
    STATES: Record<string, [string, string]>;
  };
  let client: Client;
  const thrown = thrownErrorCodes(path.join(ROOT, 'server'));

  before(async () => {
    // The client's i18n reads the saved language at import; a browser-less stand-in is enough here.
    const store = new Map<string, string>();
    Object.assign(globalThis, {
      localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v) },
    });
    const i18n = await import('../../client/src/lib/i18n.ts');
    const errors = await import('../../client/src/lib/errors.ts');
    client = { hasMessage: i18n.hasMessage, RESOURCES: errors.RESOURCES, STATES: errors.STATES };
  });

  it('finds the codes the server throws (the scan itself works)', () => {
    const codes = new Set(thrown.map((c) => c.code));
    for (const code of ['validation_failed', 'not_found', 'double_booked', 'sold_out', 'too_many_steps', 'media_full', 'internal'])
      expect(codes, code).to.include(code);
    expect(thrown.find((c) => c.code === 'bad_request' && c.reason === 'above_proposed')).to.not.equal(undefined);
  });

  it('every thrown code and reason has a sentence in both languages', () => {
    const missing: string[] = [];
    for (const { code, reason, where } of thrown) {
      const key = reason ? `error.${code}.${reason}` : `error.${code}`;
      for (const locale of ['zh-CN', 'en'] as const) if (!client.hasMessage(locale, key)) missing.push(`${locale} ${key} (${where})`);
    }
    expect([...new Set(missing)]).to.deep.equal([]);
  });

  it('every record a 404 can name and every state a wrong_state can name has a label in both languages', () => {
    for (const r of NOT_FOUND_RESOURCES) expect(client.RESOURCES[r.replace(/ /g, '_')], r).to.have.length(2);
    const notFoundCalls = thrown.filter((c) => c.code === 'not_found' && c.what !== undefined);
    expect(notFoundCalls.length).to.be.greaterThan(30);
    for (const c of notFoundCalls) expect(notFound(c.what!).params?.resource, `${c.what} (${c.where})`).to.not.equal('record');
    for (const state of ['scheduled', 'live', 'ended', 'cancelled', 'placed', 'shipped', 'draft', 'returned', 'paid'])
      expect(client.STATES[state], state).to.have.length(2);
  });

  it('helpers put the params their sentences need on the error itself', () => {
    expect(badRequest('Invalid field "endsAt": must be after startsAt').params).to.deep.equal({ field: 'endsAt' });
    expect(notFound('Evidence file 1f2e on disk').params).to.deep.equal({ resource: 'evidence_file' });
    expect(unauthenticated('Wrong username or password', 'invalid_credentials').params).to.deep.equal({ reason: 'invalid_credentials' });
  });
});
