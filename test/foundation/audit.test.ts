import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { api } from '../support/testHub.ts';
import { bureauToken, unique } from '../support/factories.ts';
import { AuditEventModel } from '../../server/platform/audit/auditEvent.model.ts';
import { appendAudit, verifyAuditChain } from '../../server/platform/audit/auditLog.ts';
import { ROOT } from '../../scripts/services.ts';

const run = promisify(execFile);

async function auditVerifyCli(): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/audit-verify.ts')], { env: process.env });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

describe('audit log', () => {
  it('every write appends an event with actor, action, target and after-state', async () => {
    const token = await bureauToken();
    const name = unique('审计测试企业');
    const res = await api('POST', '/api/v1/orgs', { token, body: { type: 'enterprise', name } });
    const event = await AuditEventModel.findOne({ action: 'org.create', 'target.id': res.body.id }).lean();
    expect(event).to.exist;
    expect(event!.actor).to.include({ username: 'admin', role: 'bureau' });
    expect((event!.after as { name: string }).name).to.equal(name);
    expect(event!.hash).to.match(/^[0-9a-f]{64}$/);
  });

  it('concurrent writes keep one unbroken chain', async () => {
    const token = await bureauToken();
    const before = await AuditEventModel.countDocuments();
    const results = await Promise.all(
      Array.from({ length: 25 }, () => api('POST', '/api/v1/parks', { token, body: { name: unique('并发园区'), nationalDemoBase: false } })),
    );
    expect(results.every((r) => r.status === 201)).to.equal(true);
    expect(await AuditEventModel.countDocuments()).to.equal(before + 25);
    const verdict = await verifyAuditChain();
    expect(verdict.firstBreak).to.equal(null);
    expect(verdict.ok).to.equal(true);
  });

  for (const mode of ['lock', 'no-lock']) {
    it(`two processes appending at once still build one chain (${mode === 'lock' ? 'batched under the Redis chain lock' : 'one by one, unique seq index only'})`, async () => {
      const before = await AuditEventModel.countDocuments();
      const child = () =>
        run(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'test/support/appendAuditChild.ts'), '150', mode], { env: process.env });
      await Promise.all([child(), child(), appendAudit({ actor: null, action: 'test.append', target: { type: 'process', id: 'parent' } })]);
      expect(await AuditEventModel.countDocuments()).to.equal(before + 301);
      expect(await verifyAuditChain()).to.deep.include({ ok: true, firstBreak: null });
    });
  }

  it('npm run audit:verify reports an intact chain, then the first tampered event, and exit codes say which', async () => {
    const intact = await auditVerifyCli();
    expect(intact.code, intact.stdout).to.equal(0);
    expect(intact.stdout).to.match(/audit chain OK: \d+ events verified/);

    // Tamper with one event in the middle of the chain, as someone with database access might.
    const count = await AuditEventModel.countDocuments();
    const victim = await AuditEventModel.findOne({ seq: Math.max(1, Math.floor(count / 2)) }).lean();
    const original = victim!.after;
    await AuditEventModel.updateOne({ _id: victim!._id }, { $set: { after: { forged: true } } });
    try {
      const verdict = await verifyAuditChain();
      expect(verdict.ok).to.equal(false);
      expect(verdict.firstBreak!.seq).to.equal(victim!.seq);
      expect(verdict.firstBreak!.reason).to.match(/altered/);
      const broken = await auditVerifyCli();
      expect(broken.code).to.equal(1);
      expect(broken.stdout).to.include(`BROKEN at event #${victim!.seq}`);
    } finally {
      await AuditEventModel.updateOne({ _id: victim!._id }, { $set: { after: original } });
    }
    expect((await verifyAuditChain()).ok).to.equal(true);
  });

  it('a deleted event is detected at the next one', async () => {
    const last = await AuditEventModel.findOne().sort({ seq: -1 }).lean();
    const victim = await AuditEventModel.findOne({ seq: last!.seq - 1 }).lean();
    await AuditEventModel.deleteOne({ _id: victim!._id });
    try {
      const verdict = await verifyAuditChain();
      expect(verdict.firstBreak!.seq).to.equal(last!.seq);
    } finally {
      await AuditEventModel.create(victim);
    }
    expect((await verifyAuditChain()).ok).to.equal(true);
  });
});
