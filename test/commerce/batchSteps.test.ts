import { expect } from 'chai';
import { api, getTestHub } from '../support/testHub.ts';
import { createOrg, createUser, unique } from '../support/factories.ts';
import { uniquePng } from '../claims/helpers.ts';
import { expectStatus } from '../live/liveSupport.ts';

/**
 * Steps of a batch are recorded from several phones at once: none may be lost, the chain stays in date
 * order, and photos added meanwhile stay on their steps (batches/commands/batchRecord.ts serialises writers per batch).
 */
describe('batch steps: concurrent recording keeps every step, in order', function () {
  this.timeout(60_000);

  async function batchOf() {
    const enterprise = await createOrg('enterprise');
    const user = await createUser('enterprise', enterprise.id);
    const product = await expectStatus(
      await api('POST', '/api/v1/products', {
        token: user.token,
        body: { name: unique('白瓷杯'), category: 'ceramic', priceFen: 8800, stock: 10 },
      }),
      201,
    );
    const batch = await expectStatus(
      await api('POST', `/api/v1/products/${product.id}/batches`, {
        token: user.token,
        body: { ceramic: { claySource: '阳山高岭土', kiln: '龙窑', firingDate: '2020-05-20', workshop: '一号作坊', inspector: '郑检' } },
      }),
      201,
    );
    return { user, batch };
  }

  const step = (day: number, place: string) => ({
    stage: 'forming',
    at: `2020-05-${String(day).padStart(2, '0')}T08:00:00+08:00`,
    place,
    responsible: '林师傅',
  });

  async function photo(token: string, batchId: string, stepId: string) {
    const { baseUrl } = await getTestHub();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(uniquePng())], { type: 'image/png' }), '照片.png');
    const res = await fetch(`${baseUrl}/api/v1/batches/${batchId}/steps/${stepId}/photos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    return res.status;
  }

  it('twelve steps sent at once are all kept, sorted by date', async () => {
    const { user, batch } = await batchOf();
    // Days in a scrambled order, two on the same day, all sent together.
    const days = [9, 3, 12, 1, 7, 7, 5, 11, 2, 10, 4, 8];
    const replies = await Promise.all(
      days.map((day, i) => api('POST', `/api/v1/batches/${batch.id}/steps`, { token: user.token, body: step(day, `地点${i}`) })),
    );
    expect(replies.map((r) => r.status)).to.deep.equal(days.map(() => 201));

    const trace = await expectStatus(await api('GET', `/api/v1/public/trace/${batch.code}`), 200);
    const places = (trace.steps as { place: string; at: string }[]).map((s) => s.place);
    expect([...places].sort()).to.deep.equal(days.map((_, i) => `地点${i}`).sort());
    const times = (trace.steps as { at: string }[]).map((s) => Date.parse(s.at));
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    expect(new Set((trace.steps as { id: string }[]).map((s) => s.id)).size).to.equal(days.length);
  });

  it('photos added while other steps are recorded stay on their steps', async () => {
    const { user, batch } = await batchOf();
    const first = await expectStatus(
      await api('POST', `/api/v1/batches/${batch.id}/steps`, { token: user.token, body: step(1, '矿区') }),
      201,
    );
    const stepId = first.steps[0].id as string;
    const results = await Promise.all([
      ...[0, 1, 2].map(() => photo(user.token, batch.id, stepId)),
      ...[2, 3, 4].map((day) =>
        api('POST', `/api/v1/batches/${batch.id}/steps`, { token: user.token, body: step(day, `窑${day}`) }).then((r) => r.status),
      ),
    ]);
    expect(results).to.deep.equal([201, 201, 201, 201, 201, 201]);
    const trace = await expectStatus(await api('GET', `/api/v1/public/trace/${batch.code}`), 200);
    expect((trace.steps as { place: string }[]).map((s) => s.place)).to.deep.equal(['矿区', '窑2', '窑3', '窑4']);
    expect(trace.steps[0].photos).to.have.length(3);
  });
});
