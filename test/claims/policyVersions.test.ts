/**
 * Policy versions published by the bureau (POST /policies): validation and access, every process picking a
 * publication up at once (a second process, over Redis), claims assessed under the version in force on their
 * submission date with the trace naming it, and the public page's diff from the version before.
 * The versions published here are removed again afterwards, so the rest of the suite sees dehua-2020 alone.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, createCast } from '../support/factories.ts';
import { ROOT } from '../../scripts/services.ts';
import { fileAndSubmit, item, startTestWorkers } from './helpers.ts';
import { BudgetCategoryModel, PolicyModel } from '../../server/claims/policy/policy.model.ts';
import { announcePolicy } from '../../server/claims/policy/policyService.ts';

type Cast = Awaited<ReturnType<typeof createCast>>;

const stamp = Date.now().toString(36);
const v2 = `test-${stamp}-a`;
const v3 = `test-${stamp}-b`;
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/** A publication body that starts from a listed version and changes what `change` says. */
function bodyFrom(latest: any, version: string, effectiveFrom: string, change: (b: any) => void = () => undefined) {
  const d = structuredClone(latest.document);
  const body = {
    version,
    basedOn: latest.version,
    effectiveFrom,
    programs: d.programs.map((p: any) => ({
      code: p.code,
      rateBasisPoints: p.rateBasisPoints,
      capFen: p.capFen,
      basisCategories: p.basisCategories,
      ...(p.fixedAwardsFen ? { fixedAwardsFen: p.fixedAwardsFen } : {}),
    })),
    categoryLabels: d.categoryLabels,
    negativeList: d.negativeList,
  };
  change(body);
  return body;
}
const brand = (b: any) => b.programs.find((p: any) => p.code === 'brand_building');

async function latestPolicy() {
  const { body } = await api('GET', '/api/v1/policies', { token: await bureauToken() });
  return body.items[body.items.length - 1];
}

describe('policy versions published by the bureau', function () {
  this.timeout(120_000);
  let cast: Cast;

  before(async () => {
    await startTestWorkers();
    cast = await createCast();
  });

  after(async () => {
    // Leave the shared database as the rest of the suite expects it: dehua-2020 alone.
    await PolicyModel.deleteMany({ version: { $in: [v2, v3] } });
    await BudgetCategoryModel.deleteMany({ policyVersion: { $in: [v2, v3] } });
    await announcePolicy((await getTestHub()).ctx, 'removed-after-test');
  });

  it('refuses non-bureau publishers (403, 401) and bad input (400 naming the field), publishing nothing', async () => {
    const latest = await latestPolicy();
    expect(latest.version).to.equal('dehua-2020');
    const good = bodyFrom(latest, v2, today());
    for (const user of [cast.enterpriseUser, cast.associationUser, cast.auditor]) {
      expect((await api('POST', '/api/v1/policies', { token: user.token, body: good })).status).to.equal(403);
    }
    expect((await api('POST', '/api/v1/policies', { body: good })).status).to.equal(401);
    const bad: [string, (b: any) => void][] = [
      [
        'programs.2.rateBasisPoints',
        (b) => {
          b.programs[2].rateBasisPoints = 10001;
        },
      ],
      [
        'programs.2.capFen',
        (b) => {
          b.programs[2].capFen = '5000000';
        },
      ],
      [
        'programs.2.capFen',
        (b) => {
          b.programs[2].capFen = 0;
        },
      ],
      [
        'effectiveFrom',
        (b) => {
          b.effectiveFrom = '2020-01-01';
        },
      ],
      [
        'effectiveFrom',
        (b) => {
          b.effectiveFrom = '2030-02-30';
        },
      ],
      [
        'categoryLabels.0.code',
        (b) => {
          b.categoryLabels[0].code = 'yachts';
        },
      ],
      [
        'negativeList.0.category',
        (b) => {
          b.negativeList[0].category = 'rockets';
        },
      ],
      [
        'programs.2.basisCategories.0',
        (b) => {
          brand(b).basisCategories = ['salary'];
        },
      ],
      [
        'programs.3.rateBasisPoints',
        (b) => {
          b.programs[3].rateBasisPoints = 5000;
        },
      ],
      [
        'version',
        (b) => {
          b.version = 'Bad Version!';
        },
      ],
      [
        'programs',
        (b) => {
          b.programs = b.programs.slice(1);
        },
      ],
    ];
    for (const [field, change] of bad) {
      const r = await api('POST', '/api/v1/policies', { token: await bureauToken(), body: bodyFrom(latest, v2, today(), change) });
      expect(r.status, `${field}: ${JSON.stringify(r.body)}`).to.equal(400);
      expect(r.body.error.message).to.contain(field);
    }
    const duplicate = await api('POST', '/api/v1/policies', { token: await bureauToken(), body: bodyFrom(latest, 'dehua-2020', today()) });
    expect(duplicate.status).to.equal(409);
    expect((await latestPolicy()).version).to.equal('dehua-2020');
  });

  it('a publication reaches another process at once, without a restart (Redis invalidation)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/claims/policyProcess.ts'], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Every line the child prints, in order, whether or not the test is waiting for it yet.
    const received: string[] = [];
    let wake: (() => void) | null = null;
    let exitCode: number | null | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      received.push(line);
      wake?.();
    });
    child.once('exit', (code) => {
      exitCode = code;
      wake?.();
    });
    const next = async () => {
      while (!received.length) {
        if (exitCode !== undefined) throw new Error(`the other process exited (${exitCode})`);
        await new Promise<void>((resolve) => (wake = resolve));
      }
      return received.shift()!;
    };
    try {
      expect(await next()).to.equal('ready dehua-2020');
      const latest = await latestPolicy();
      const r = await api('POST', '/api/v1/policies', {
        token: await bureauToken(),
        body: bodyFrom(latest, v2, today(), (b) => {
          brand(b).rateBasisPoints = 4000;
          brand(b).capFen = 6_000_000;
        }),
      });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body).to.include({ version: v2, basedOn: 'dehua-2020', inForce: true, sequence: latest.sequence + 1 });
      expect(await next()).to.equal(`heard ${v2} in-force ${v2}`);
    } finally {
      child.kill();
    }
    // Publishing again from the old version is refused: someone else published meanwhile.
    const stale = await api('POST', '/api/v1/policies', {
      token: await bureauToken(),
      body: bodyFrom({ version: 'dehua-2020', document: (await latestPolicy()).document }, v3, today()),
    });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal('stale_policy');
  });

  it('a claim submitted on or after the effective date is assessed under the new rates, and its trace names the version', async () => {
    const claim = await fileAndSubmit(cast.enterpriseUser.token, {
      program: 'brand_building',
      items: [item('online_shop', 10_001, '网店装修')],
    });
    expect(claim.policyVersion).to.equal(v2);
    expect(claim.proposedFen).to.equal(4000); // 40% × ¥100.01 = ¥40.004 → ¥40.00
    expect(claim.trace[0]).to.contain(`适用政策 ${v2}`);
    expect(claim.trace.join('\n')).to.contain('补助比例：40% × ¥100.01 = ¥40.00');
    expect(claim.trace.join('\n')).to.contain('累计上限 ¥60,000.00');
    const e = await api('GET', `/api/v1/entitlements?program=brand_building`, { token: cast.enterpriseUser.token });
    expect(e.body.capFen).to.equal(6_000_000);
  });

  it('a claim submitted before a version takes effect keeps the version in force on its submission date', async () => {
    const latest = await latestPolicy();
    const r = await api('POST', '/api/v1/policies', {
      token: await bureauToken(),
      body: bodyFrom(latest, v3, '2099-01-01', (b) => {
        brand(b).rateBasisPoints = 5000;
        b.negativeList = b.negativeList.filter((n: any) => n.category !== 'work_funds');
      }),
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.body.inForce).to.equal(false);
    const claim = await fileAndSubmit(cast.enterpriseUser.token, {
      program: 'brand_building',
      items: [item('brand_design', 10_000, '品牌设计')],
    });
    expect(claim.policyVersion).to.equal(v2);
    expect(claim.proposedFen).to.equal(4000);
    expect(claim.trace[0]).to.contain(`适用政策 ${v2}`);
  });

  it('the public policy page lists every version with what changed from the one before', async () => {
    const { status, body } = await api('GET', '/api/v1/public/policies');
    expect(status).to.equal(200);
    const byVersion = new Map(body.items.map((p: any) => [p.version, p]));
    expect((byVersion.get('dehua-2020') as any).changes).to.deep.equal([]);
    expect((byVersion.get('dehua-2020') as any).inForce).to.equal(false);
    expect((byVersion.get(v2) as any).inForce).to.equal(true);
    expect((byVersion.get(v2) as any).changes).to.have.deep.members([
      { kind: 'effective_from', from: '2020-01-01', to: today() },
      { kind: 'rate', program: 'brand_building', fromBasisPoints: 3000, toBasisPoints: 4000 },
      { kind: 'cap', program: 'brand_building', fromFen: 5_000_000, toFen: 6_000_000 },
    ]);
    expect((byVersion.get(v3) as any).changes).to.have.deep.members([
      { kind: 'effective_from', from: today(), to: '2099-01-01' },
      { kind: 'rate', program: 'brand_building', fromBasisPoints: 4000, toBasisPoints: 5000 },
      { kind: 'negative_removed', category: 'work_funds', zh: '提取工作经费', en: 'work funds skimmed by administrators' },
    ]);
  });
});
