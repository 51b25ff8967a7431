import { expect } from 'chai';
import { api } from '../support/testHub.ts';
import { createOrg, createUser } from '../support/factories.ts';
import { ClaimModel } from '../../server/claims/claim.model.ts';
import { item, startTestWorkers, stopTestWorkers, upload, uniquePng, waitForStatus } from './helpers.ts';

/**
 * 50 approvals race through the HTTP API for one enterprise's brand-building cap (¥50,000):
 * each claim proposes ¥3,000 (30% of ¥10,000), so only 16⅔ of them fit. Together they must take
 * exactly the cap — never more — and the entitlement must equal the sum of the approvals.
 */
describe('racing approvals for one cap (HTTP)', function () {
  this.timeout(180_000);
  before(startTestWorkers);
  after(stopTestWorkers);

  it('50 concurrent approvals never exceed the cap together', async () => {
    const enterprise = await createOrg('enterprise');
    const filer = await createUser('enterprise', enterprise.id);
    const reviewers = await Promise.all([1, 2, 3, 4, 5].map(() => createUser('bureau')));
    const ids: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const created = await api('POST', '/api/v1/claims', {
        token: filer.token,
        body: { program: 'brand_building', items: [item('online_shop', 1_000_000, '网店')] },
      });
      await upload(filer.token, created.body.id, created.body.items[0].id, uniquePng());
      await api('POST', `/api/v1/claims/${created.body.id}/submit`, { token: filer.token });
      ids.push(created.body.id);
    }
    for (const id of ids) expect((await waitForStatus(filer.token, id, ['assessed'], 60_000)).proposedFen).to.equal(300_000);

    const results = await Promise.all(
      ids.map((id, i) =>
        api('POST', `/api/v1/claims/${id}/review`, {
          token: reviewers[i % reviewers.length]!.token,
          body: { decision: 'approve', note: '同意' },
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 409);
    expect(ok.length + refused.length).to.equal(50);
    expect(refused.every((r) => r.body.error.code === 'cap_exhausted')).to.equal(true);
    const approvedSum = ok.reduce((s, r) => s + r.body.approvedFen, 0);
    expect(approvedSum).to.equal(5_000_000);
    expect(ok.length).to.equal(17); // 16 × ¥3,000 and one ¥2,000 remainder
    expect(ok.map((r) => r.body.approvedFen).sort((a, b) => a - b)[0]).to.equal(200_000);

    const ent = await api('GET', `/api/v1/entitlements?orgId=${enterprise.id}&program=brand_building`, { token: reviewers[0]!.token });
    expect(ent.body).to.include({ capFen: 5_000_000, approvedFen: 5_000_000, remainingFen: 0 });
    const inDb = await ClaimModel.find({ orgId: enterprise.id, status: 'approved' }).lean();
    expect(inDb.reduce((s, c) => s + (c.approvedFen ?? 0), 0)).to.equal(5_000_000);
    expect(await ClaimModel.countDocuments({ orgId: enterprise.id, status: 'assessed' })).to.equal(33);
  });
});
