import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, createCast, createUser, makeCreditCode, unique } from '../support/factories.ts';
import { AuditEventModel } from '../../server/platform/audit/auditEvent.model.ts';
import { drainAuditOutbox } from '../../server/platform/audit/outbox.ts';
import { verifyAuditChain } from '../../server/platform/audit/auditLog.ts';
import { sendChat } from '../../server/live/chat/commands/sendChat.ts';
import { setMuted } from '../../server/live/chat/commands/setMuted.ts';
import { removeChatMessage } from '../../server/live/chat/commands/removeChatMessage.ts';
import type { AuthUser } from '../../server/platform/auth/roles.ts';
import { ROOT } from '../../scripts/services.ts';

/**
 * Every state change and its audit event survive a crash between the write and the chain append: the
 * change carries its event (the outbox), and a drainer appends it once the chain is writable again.
 * The crash is simulated by making every insert into the chain fail while the change is made; the change
 * must stand (answered 2xx), and the drainer must then append its event exactly once.
 */
describe('audit outbox: a change whose chain append fails keeps its event', function () {
  this.timeout(120_000);

  /**
   * appendAudit calls outside the outbox, each with why it need not go through it: an event that is
   * not a change of stored state (a request to run a job, a sign-in), or one whose queued batch is its
   * own outbox (the order persisters append under a source id derived from the batch).
   */
  const DIRECT_APPENDS: Record<string, string> = {
    'server/auth/commands/login.ts': 'auth.login: a sign-in changes no record',
    'server/auth/commands/logout.ts': 'auth.logout: the revocation lives in Redis with a TTL; the event records a request',
    'server/openness/reports/reportRoutes.ts': 'report.request: queues a job, changes no record',
    'server/openness/publicRoutes.ts': 'overview.rebuild.request: queues a job, changes no record',
    'server/claims/jobAdmin.ts': 'claim-job.retry: retries a job, changes no record',
    'server/commerce/orders/orderPersister.ts': 'order.place: the queued batch is the outbox (source id per batch)',
    'server/commerce/checkout/transitionPersister.ts': 'order transitions: the queued transition is the outbox (source id per version)',
  };

  it('no state-changing service appends to the chain beside its write (every audit-emitting path is listed)', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(full);
      }
    };
    walk(path.join(ROOT, 'server'));
    walk(path.join(ROOT, 'workers'));
    const direct = files
      .map((f) => path.relative(ROOT, f))
      .filter((f) => !f.startsWith('server/platform/audit/') && /\bappendAudit\(/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(
      direct.filter((f) => !(f in DIRECT_APPENDS)),
      'files that append audit events beside their write',
    ).to.deep.equal([]);
  });

  /** Runs `change` while every insert into the audit chain fails, as if the process died right after the write. */
  async function withChainDown<T>(change: () => Promise<T>): Promise<T> {
    const collection = AuditEventModel.collection;
    const insertMany = collection.insertMany;
    const insertOne = collection.insertOne;
    const down = async () => {
      throw new Error('simulated crash: the audit chain is not writable');
    };
    collection.insertMany = down as never;
    collection.insertOne = down as never;
    try {
      return await change();
    } finally {
      collection.insertMany = insertMany;
      collection.insertOne = insertOne;
    }
  }

  async function events(action: string, targetId: string) {
    return AuditEventModel.countDocuments({ action, 'target.id': targetId });
  }

  it('registry, live, commerce and claims changes: 2xx while the chain is down, each event appended once by the drainer', async () => {
    const { ctx } = await getTestHub();
    const bureau = await bureauToken();
    const cast = await createCast();
    const extraUser = await createUser('enterprise', cast.enterprise.id);
    const base = (await api('POST', '/api/v1/bases', { token: cast.associationUser.token, body: { name: unique('基地') } })).body;
    const unfiledBase = (await api('POST', '/api/v1/bases', { token: cast.associationUser.token, body: { name: unique('基地') } })).body;
    const studio = (
      await api('POST', '/api/v1/studios', { token: cast.associationUser.token, body: { baseId: base.id, name: unique('直播间') } })
    ).body;
    const product = (
      await api('POST', '/api/v1/products', {
        token: cast.enterpriseUser.token,
        body: { name: unique('白瓷杯'), category: 'ceramic', priceFen: 1000, stock: 5 },
      })
    ).body;
    const batchBody = { ceramic: { claySource: '德化', kiln: '一号窑', firingDate: '2026-01-01', workshop: '一车间', inspector: '李工' } };
    const batch = (await api('POST', `/api/v1/products/${product.id}/batches`, { token: cast.enterpriseUser.token, body: batchBody })).body;
    const startsAt = new Date(Date.now() + 48 * 3600_000);
    const sessionBody = (title: string, hoursLater: number) => ({
      studioId: studio.id,
      hostUserId: cast.host.id,
      title,
      startsAt: new Date(startsAt.getTime() + hoursLater * 3600_000).toISOString(),
      endsAt: new Date(startsAt.getTime() + (hoursLater + 1) * 3600_000).toISOString(),
      productIds: [product.id],
    });
    const toMove = (await api('POST', '/api/v1/sessions', { token: cast.associationUser.token, body: sessionBody(unique('专场'), 0) }))
      .body;
    const toCancel = (await api('POST', '/api/v1/sessions', { token: cast.associationUser.token, body: sessionBody(unique('专场'), 2) }))
      .body;
    const hostUser: AuthUser = { id: cast.host.id, username: cast.host.username, role: 'host', orgId: cast.association.id };
    const buyer: AuthUser = { id: cast.stationUser.id, username: cast.stationUser.username, role: 'enterprise', orgId: cast.station.id };
    const message = await sendChat(ctx, buyer, { sessionId: toMove.id, text: '你好' });

    // [action, target id (known before, or taken from the answer), the change]
    type Change = [string, string | null, () => Promise<{ status: number; body: any } | unknown>];
    const changes: Change[] = [
      [
        'org.create',
        null,
        () =>
          api('POST', '/api/v1/orgs', {
            token: bureau,
            body: { type: 'enterprise', name: unique('企业'), creditCode: makeCreditCode(), township: '龙浔镇' },
          }),
      ],
      [
        'user.create',
        null,
        () =>
          api('POST', '/api/v1/users', {
            token: bureau,
            body: { username: unique('u_'), password: 'password-123', role: 'enterprise', orgId: cast.enterprise.id },
          }),
      ],
      ['user.update', extraUser.id, () => api('PATCH', `/api/v1/users/${extraUser.id}`, { token: bureau, body: { active: false } })],
      ['park.create', null, () => api('POST', '/api/v1/parks', { token: bureau, body: { name: unique('园区'), nationalDemoBase: true } })],
      [
        'household.register',
        null,
        () =>
          api('POST', '/api/v1/households', {
            token: bureau,
            body: { registryNo: unique('HH-'), name: '张三', township: '赤水镇', village: '铭爱村', registeredFrom: '2019-01-01' },
          }),
      ],
      ['base.register', null, () => api('POST', '/api/v1/bases', { token: cast.associationUser.token, body: { name: unique('基地') } })],
      [
        'base.file',
        unfiledBase.id,
        () =>
          api('POST', `/api/v1/bases/${unfiledBase.id}/filing`, {
            token: bureau,
            body: { filingNo: unique('BA-'), filedAt: '2026-01-01T00:00:00.000Z' },
          }),
      ],
      [
        'studio.create',
        null,
        () => api('POST', '/api/v1/studios', { token: cast.associationUser.token, body: { baseId: base.id, name: unique('直播间') } }),
      ],
      [
        'procurement.record',
        null,
        () =>
          api('POST', '/api/v1/procurements', {
            token: cast.enterpriseUser.token,
            body: {
              householdRegistryNo: unique('HH-'),
              description: '茶叶',
              amountFen: 10000,
              purchasedAt: '2026-01-01T00:00:00.000Z',
              invoiceNo: unique('INV'),
            },
          }),
      ],
      [
        'product.create',
        null,
        () =>
          api('POST', '/api/v1/products', {
            token: cast.enterpriseUser.token,
            body: { name: unique('白瓷杯'), category: 'ceramic', priceFen: 1000, stock: 5 },
          }),
      ],
      [
        'batch.create',
        null,
        () => api('POST', `/api/v1/products/${product.id}/batches`, { token: cast.enterpriseUser.token, body: batchBody }),
      ],
      [
        'batch.step',
        batch.id,
        () =>
          api('POST', `/api/v1/batches/${batch.id}/steps`, {
            token: cast.enterpriseUser.token,
            body: { stage: 'packing', at: '2026-01-02T00:00:00.000Z', place: '德化', responsible: '王工' },
          }),
      ],
      [
        'session.schedule',
        null,
        () => api('POST', '/api/v1/sessions', { token: cast.associationUser.token, body: sessionBody(unique('专场'), 4) }),
      ],
      [
        'session.update',
        toMove.id,
        () => api('PATCH', `/api/v1/sessions/${toMove.id}`, { token: cast.associationUser.token, body: { title: unique('改名') } }),
      ],
      ['session.cancel', toCancel.id, () => api('DELETE', `/api/v1/sessions/${toCancel.id}`, { token: cast.associationUser.token })],
      [
        'session.pin',
        toMove.id,
        () => api('PUT', `/api/v1/sessions/${toMove.id}/pin`, { token: cast.host.token, body: { productId: product.id } }),
      ],
      ['chat.mute', toMove.id, () => setMuted(ctx, hostUser, { sessionId: toMove.id, userId: buyer.id, muted: true })],
      ['chat.remove', toMove.id, () => removeChatMessage(ctx, hostUser, { sessionId: toMove.id, messageId: message.id })],
      [
        'auth.password',
        cast.bureau.id,
        () =>
          api('POST', '/api/v1/auth/password', {
            token: cast.bureau.token,
            body: { currentPassword: cast.bureau.password, newPassword: 'password-456' },
          }),
      ],
    ];

    const made: { action: string; id: string; before: number }[] = [];
    for (const [action, knownId, change] of changes) {
      const before = knownId ? await events(action, knownId) : 0;
      const res = await withChainDown(change);
      const answer = res as { status?: number; body?: { id?: string } };
      if (answer.status !== undefined) expect(answer.status, `${action}: ${JSON.stringify(answer.body)}`).to.be.within(200, 299);
      const id = knownId ?? answer.body?.id;
      expect(id, `${action} answers the id of what it made`).to.be.a('string');
      // The chain was down: no event yet.
      expect(await events(action, id!), `${action} appended while the chain was down`).to.equal(before);
      made.push({ action, id: id!, before });
    }

    // The chain is back: a drainer (as after a restart) appends each event, once; a second drain adds nothing.
    await drainAuditOutbox(ctx, { graceMs: 0 });
    await drainAuditOutbox(ctx, { graceMs: 0 });
    for (const { action, id, before } of made)
      expect(await events(action, id), `${action} ${id} events after the drain`).to.equal(before + 1);
    expect(await verifyAuditChain()).to.deep.include({ ok: true, firstBreak: null });
  });
});
