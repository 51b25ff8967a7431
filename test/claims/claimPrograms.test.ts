import { expect } from 'chai';
import { api } from '../support/testHub.ts';
import { createCast } from '../support/factories.ts';
import { item } from './helpers.ts';

/** GET /claim-programs: the claim form's programme list comes from the rule POST /claims applies, not from the client. */
describe('claimable programmes (GET /claim-programs)', () => {
  let cast: Awaited<ReturnType<typeof createCast>>;
  before(async () => {
    cast = await createCast();
  });

  const programs = async (token: string) => {
    const res = await api('GET', '/api/v1/claim-programs', { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  };

  it("lists what the policy in force lets the user's organisation type file", async () => {
    const association = await programs(cast.associationUser.token);
    expect(association).to.include({ orgId: cast.association.id, orgType: 'association' });
    expect(association.policyVersion).to.be.a('string');
    expect(association.programs).to.deep.equal(['livestream_base']);
    expect((await programs(cast.enterpriseUser.token)).programs).to.deep.equal(['poverty_procurement', 'brand_building', 'warehouse_rent']);
    expect(await programs(cast.stationUser.token)).to.include({ orgId: cast.station.id, orgType: 'station' });
    expect((await programs(cast.stationUser.token)).programs).to.deep.equal(['service_station']);
  });

  it('agrees with filing: a programme not listed is refused by POST /claims, a listed one accepted', async () => {
    const listed = (await programs(cast.enterpriseUser.token)).programs as string[];
    expect(listed).not.to.include('livestream_base');
    const refused = await api('POST', '/api/v1/claims', {
      token: cast.enterpriseUser.token,
      body: { program: 'livestream_base', baseId: '0123456789abcdef01234567', items: [item('equipment', 1000)] },
    });
    expect(refused.status).to.equal(403);
    expect(listed).to.include('brand_building');
    const accepted = await api('POST', '/api/v1/claims', {
      token: cast.enterpriseUser.token,
      body: { program: 'brand_building', items: [item('brand_design', 1000)] },
    });
    expect(accepted.status).to.equal(201);
  });

  it('answers only filers (association and enterprise users)', async () => {
    expect((await api('GET', '/api/v1/claim-programs', { token: cast.bureau.token })).status).to.equal(403);
    expect((await api('GET', '/api/v1/claim-programs')).status).to.equal(401);
    expect((await api('GET', '/api/v1/claim-programs', { token: cast.host.token })).status).to.equal(403);
  });
});
