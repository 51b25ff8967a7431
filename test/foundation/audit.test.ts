import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, unique } from '../support/factories.ts';
import { AuditEventModel } from '../../server/platform/audit/auditEvent.model.ts';
import mongoose from 'mongoose';
import { appendAudit, sourceEventId, verifyAuditChain } from '../../server/platform/audit/auditLog.ts';
import { hashEvent, type ChainedEventBody } from '../../server/platform/audit/auditChain.ts';
import { ROOT } from '../../scripts/services.ts';

const run = promisify(execFile);

async function auditVerifyCli(): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/audit-verify.ts')], {
      env: process.env,
    });
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
      Array.from({ length: 25 }, () =>
        api('POST', '/api/v1/parks', { token, body: { name: unique('并发园区'), nationalDemoBase: false } }),
      ),
    );
    expect(results.every((r) => r.status === 201)).to.equal(true);
    expect(await AuditEventModel.countDocuments()).to.equal(before + 25);
    const verdict = await verifyAuditChain();
    expect(verdict.firstBreak).to.equal(null);
    expect(verdict.ok).to.equal(true);
  });

  for (const mode of ['lock', 'no-lock']) {
    it(`two processes appending at once still build one chain (${mode === 'lock' ? 'batched under the Redis chain lock' : 'one by one, unique seq index only'})`, async function () {
      this.timeout(120_000); // two child processes start (tsx) on a possibly busy machine
      const before = await AuditEventModel.countDocuments();
      const child = () =>
        run(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'test/support/appendAuditChild.ts'), '150', mode], {
          env: process.env,
        });
      await Promise.all([child(), child(), appendAudit({ actor: null, action: 'test.append', target: { type: 'process', id: 'parent' } })]);
      expect(await AuditEventModel.countDocuments()).to.equal(before + 301);
      expect(await verifyAuditChain()).to.deep.include({ ok: true, firstBreak: null });
    });
  }

  it('npm run audit:verify reports an intact chain, then the first tampered event, and exit codes say which', async function () {
    this.timeout(120_000); // runs the CLI (a tsx child process) twice
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

  it('a value the database stores differently (a lone surrogate) still verifies: the hash covers what is stored', async () => {
    // Input validation refuses such text at the edge; values from elsewhere (a worker, a script) must not break the chain.
    const seq = await appendAudit({
      actor: { id: 'u\udc00', username: 'x\ud800y', role: 'bureau' },
      action: 'test.surrogate',
      target: { type: 'product', id: 'p\ud800' },
      before: null,
      after: { name: 'a\ud800', ['k\udbff']: ['\udfff', 1.5, -0, true], at: new Date('2026-01-02T03:04:05.006Z') },
    });
    const stored = await AuditEventModel.findOne({ seq }).lean();
    expect((stored!.after as { name: string }).name).to.equal('a\ufffd');
    expect(stored!.target!.id).to.equal('p\ufffd');
    expect(stored!.v).to.equal(2);
    expect(await verifyAuditChain()).to.deep.include({ ok: true, firstBreak: null });
    expect((await auditVerifyCli()).code).to.equal(0);
  });

  it('events hashed by scheme v1 (before v2) still verify beside v2 events', async () => {
    const tailEvent = await AuditEventModel.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean();
    const body: ChainedEventBody = {
      seq: tailEvent!.seq + 1,
      at: new Date().toISOString(),
      actor: { id: null, username: 'system', role: null },
      action: 'test.v1',
      target: { type: 'test', id: 'v1' },
      before: null,
      after: { n: 1, s: '旧' },
      prevHash: tailEvent!.hash,
    };
    const { ctx } = await getTestHub();
    // Written as the old code wrote it; the chain's cached tail (Redis) is told, as the old writer would have left it.
    await AuditEventModel.create({ ...body, at: new Date(body.at), hash: hashEvent(body) });
    await ctx.redis.del(`${ctx.config.REDIS_PREFIX}:audit-chain-tail`);
    await appendAudit({ actor: null, action: 'test.after-v1', target: { type: 'test', id: 'v2' } });
    const verdict = await verifyAuditChain();
    expect(verdict).to.deep.include({ ok: true, firstBreak: null });
  });

  it('an append neither reads nor sorts the log: the tail comes from Redis under the chain lock', async () => {
    await appendAudit({ actor: null, action: 'test.warm', target: { type: 'test', id: 'warm' } }); // tail now cached
    const ops: string[] = [];
    const debug = (collection: string, method: string, query: unknown, doc: unknown, options: unknown) => {
      if (collection === 'audit_events') ops.push(`${method} ${JSON.stringify(query)} ${JSON.stringify(options ?? {})}`);
    };
    mongoose.set('debug', debug);
    try {
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => appendAudit({ actor: null, action: 'test.nosort', target: { type: 'test', id: String(i) } })),
      );
    } finally {
      mongoose.set('debug', false);
    }
    expect(
      ops.filter((o) => !o.startsWith('insertMany')),
      ops.join('\n'),
    ).to.deep.equal([]);
    expect(ops.length).to.be.greaterThan(0);
    expect(await verifyAuditChain()).to.deep.include({ ok: true });
  });

  it('with the cached tail gone (a Redis that lost it), the next append finds the tail by seq look-ups, never a sort, and continues the chain', async () => {
    await appendAudit({ actor: null, action: 'test.before-loss', target: { type: 'test', id: 'before' } });
    const last = await AuditEventModel.findOne({}, { seq: 1 }).sort({ seq: -1 }).lean<{ seq: number }>();
    const redis = (await getTestHub()).ctx.redis;
    await redis.del(`${process.env.REDIS_PREFIX}:audit-chain-tail`);
    const ops: { method: string; query: unknown; options: unknown }[] = [];
    mongoose.set('debug', (collection: string, method: string, query: unknown, _doc: unknown, options: unknown) => {
      if (collection === 'audit_events') ops.push({ method, query, options });
    });
    let seq: number;
    try {
      seq = await appendAudit({ actor: null, action: 'test.after-loss', target: { type: 'test', id: 'after' } });
    } finally {
      mongoose.set('debug', false);
    }
    expect(seq).to.equal(last!.seq + 1);
    const reads = ops.filter((o) => o.method !== 'insertMany');
    expect(reads.length, JSON.stringify(ops)).to.be.greaterThan(0);
    for (const read of reads) {
      expect(read.method).to.equal('findOne');
      expect(Object.keys(read.query as object)).to.deep.equal(['seq']);
      expect(typeof (read.query as { seq: unknown }).seq).to.equal('number');
      expect(JSON.stringify(read.options ?? {})).not.to.include('sort');
    }
    // About 2·log2(n) look-ups, not n.
    expect(reads.length).to.be.at.most(2 * Math.ceil(Math.log2(last!.seq + 2)) + 2);
    expect(await verifyAuditChain()).to.deep.include({ ok: true });
  });

  it('an event with a source id is appended once, however often and from however many callers', async () => {
    const source = unique('source');
    const entry = { actor: null, action: 'test.once', target: { type: 'test', id: source }, source, at: new Date().toISOString() };
    const seqs = await Promise.all([appendAudit(entry), appendAudit(entry), appendAudit(entry)]);
    const again = await appendAudit(entry);
    expect(new Set([...seqs, again]).size).to.equal(1);
    expect(await AuditEventModel.countDocuments({ _id: sourceEventId(source) })).to.equal(1);
    expect(await AuditEventModel.countDocuments({ action: 'test.once', 'target.id': source })).to.equal(1);
    expect(await verifyAuditChain()).to.deep.include({ ok: true });
  });
});
