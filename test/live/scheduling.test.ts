import { expect } from 'chai';
import type { Worker } from 'bullmq';
import { api } from '../support/testHub.ts';
import { createUser } from '../support/factories.ts';
import { bookSession, connectLive, expectStatus, getLiveHub, liveWorld, nextEvent } from './liveSupport.ts';
import { startWorkers } from '../../workers/main.ts';
import { AuditEventModel } from '../../server/platform/audit/auditEvent.model.ts';

const HOUR = 3600_000;
const at = (base: number, hours: number) => new Date(base + hours * HOUR).toISOString();

describe('live scheduling (studios, sessions, double booking, host notifications)', function () {
  this.timeout(60_000);
  let world: Awaited<ReturnType<typeof liveWorld>>;
  // Whole hours from now, so every interval below is in the future.
  const t0 = Math.ceil(Date.now() / HOUR) * HOUR + 48 * HOUR;

  before(async () => {
    await getLiveHub();
    world = await liveWorld();
  });

  it('an association adds a studio to its own base only; others get 403', async () => {
    expect(world.studio).to.include({ baseId: world.base.id, associationId: world.cast.association.id });
    const other = await liveWorld();
    const foreign = await api('POST', '/api/v1/studios', {
      token: other.cast.associationUser.token,
      body: { baseId: world.base.id, name: '别人的' },
    });
    expect(foreign.status).to.equal(403);
    const asHost = await api('POST', '/api/v1/studios', { token: world.cast.host.token, body: { baseId: world.base.id, name: 'x' } });
    expect(asHost.status).to.equal(403);
    const bad = await api('POST', '/api/v1/studios', { token: world.cast.associationUser.token, body: { baseId: 'nope', name: 'x' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.include('baseId');
    const list = await api('GET', '/api/v1/studios', { token: world.cast.associationUser.token });
    expect(list.body.items.map((s: { id: string }) => s.id)).to.include(world.studio.id);
  });

  it('books a session (201 scheduled) and refuses an overlapping studio or host booking with 409; back-to-back is fine', async () => {
    const first = await expectStatus(await bookSession(world, { startsAt: at(t0, 0), endsAt: at(t0, 2) }), 201);
    expect(first).to.include({ status: 'scheduled', studioId: world.studio.id, hostUserId: world.cast.host.id });
    expect(first.productIds).to.deep.equal(world.products.map((p) => p.id));

    const sameStudio = await bookSession(world, { hostUserId: (await createUser('host')).id, startsAt: at(t0, 1), endsAt: at(t0, 3) });
    expect(sameStudio.status).to.equal(409);
    expect(sameStudio.body.error.details).to.include({ resource: 'studio', conflictingSessionId: first.id });

    const studio2 = await expectStatus(
      await api('POST', '/api/v1/studios', {
        token: world.cast.associationUser.token,
        body: { baseId: world.base.id, name: `二号${Date.now()}` },
      }),
      201,
    );
    const sameHost = await bookSession(world, { studioId: studio2.id, startsAt: at(t0, 1.5), endsAt: at(t0, 2.5) });
    expect(sameHost.status).to.equal(409);
    expect(sameHost.body.error.details).to.include({ resource: 'host' });

    const inside = await bookSession(world, { startsAt: at(t0, 0.5), endsAt: at(t0, 1) });
    expect(inside.status).to.equal(409);

    const backToBack = await bookSession(world, { startsAt: at(t0, 2), endsAt: at(t0, 3) });
    expect(backToBack.status).to.equal(201);
    const before = await bookSession(world, { startsAt: at(t0, -1), endsAt: at(t0, 0) });
    expect(before.status).to.equal(201);

    const inRange = await api(
      'GET',
      `/api/v1/sessions?from=${encodeURIComponent(at(t0, 0))}&to=${encodeURIComponent(at(t0, 3))}&studioId=${world.studio.id}`,
      {
        token: world.cast.associationUser.token,
      },
    );
    expect(inRange.status).to.equal(200);
    expect(inRange.body.items.map((s: { id: string }) => s.id)).to.include.members([first.id, backToBack.body.id]);
    expect(inRange.body.items.map((s: { id: string }) => s.id)).to.not.include(before.body.id);
  });

  it('under 12 concurrent requests for the same studio slot exactly one booking wins', async () => {
    const hosts = await Promise.all(Array.from({ length: 12 }, () => createUser('host')));
    const results = await Promise.all(hosts.map((h) => bookSession(world, { hostUserId: h.id, startsAt: at(t0, 10), endsAt: at(t0, 11) })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).to.have.length(1);
    expect(statuses.filter((s) => s === 409)).to.have.length(11);
  });

  it('under concurrent requests for one host in different studios exactly one booking wins', async () => {
    const studios = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api('POST', '/api/v1/studios', {
          token: world.cast.associationUser.token,
          body: { baseId: world.base.id, name: `并发${i}-${Date.now()}` },
        }),
      ),
    );
    const host = await createUser('host');
    const results = await Promise.all(
      studios.map((s, i) =>
        bookSession(world, { studioId: s.body.id, hostUserId: host.id, startsAt: at(t0, 20 + i * 0.1), endsAt: at(t0, 21) }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).to.have.length(1);
    expect(results.filter((r) => r.status === 409)).to.have.length(7);
  });

  it('refuses bad intervals and bookings by other roles or for non-hosts', async () => {
    const reversed = await bookSession(world, { startsAt: at(t0, 31), endsAt: at(t0, 30) });
    expect(reversed.status).to.equal(400);
    expect(reversed.body.error.message).to.include('endsAt');
    const notHost = await bookSession(world, { hostUserId: world.cast.enterpriseUser.id, startsAt: at(t0, 30), endsAt: at(t0, 31) });
    expect(notHost.status).to.equal(400);
    expect(notHost.body.error.message).to.include('hostUserId');
    const byEnterprise = await bookSession(world, { startsAt: at(t0, 30), endsAt: at(t0, 31) }, world.cast.enterpriseUser.token);
    expect(byEnterprise.status).to.equal(403);
    const extra = await bookSession(world, { startsAt: at(t0, 30), endsAt: at(t0, 31), color: 'red' });
    expect(extra.status).to.equal(400);
  });

  it('moving and cancelling a session notify its host in-app; a cancelled slot can be booked again', async () => {
    const session = await expectStatus(await bookSession(world, { startsAt: at(t0, 40), endsAt: at(t0, 41) }), 201);
    const hostSocket = await connectLive(world.cast.host.token);
    try {
      const moved = nextEvent(hostSocket, 'notification', (n: any) => n.sessionId === session.id && n.kind === 'session.moved');
      const patched = await api('PATCH', `/api/v1/sessions/${session.id}`, {
        token: world.cast.associationUser.token,
        body: { startsAt: at(t0, 42), endsAt: at(t0, 43) },
      });
      expect(patched.status).to.equal(200);
      expect(patched.body.startsAt).to.equal(at(t0, 42));
      expect((await moved).startsAt).to.equal(at(t0, 42));

      const cancelled = nextEvent(hostSocket, 'notification', (n: any) => n.sessionId === session.id && n.kind === 'session.cancelled');
      const del = await api('DELETE', `/api/v1/sessions/${session.id}?reason=${encodeURIComponent('窑炉检修')}`, {
        token: world.cast.associationUser.token,
      });
      expect(del.status).to.equal(200);
      expect(del.body.status).to.equal('cancelled');
      expect((await cancelled).message).to.include('窑炉检修');
      expect((await bookSession(world, { startsAt: at(t0, 42), endsAt: at(t0, 43) })).status).to.equal(201);
      const again = await api('PATCH', `/api/v1/sessions/${session.id}`, { token: world.cast.associationUser.token, body: { title: 'x' } });
      expect(again.status).to.equal(409);
      const audit = await AuditEventModel.find({ 'target.id': session.id }).lean();
      expect(audit.map((a) => a.action)).to.include.members(['session.schedule', 'session.update', 'session.cancel']);
    } finally {
      hostSocket.disconnect();
    }
  });

  it('a moved session cannot land on another booking', async () => {
    const a = await expectStatus(await bookSession(world, { startsAt: at(t0, 50), endsAt: at(t0, 51) }), 201);
    await expectStatus(await bookSession(world, { startsAt: at(t0, 52), endsAt: at(t0, 53) }), 201);
    const res = await api('PATCH', `/api/v1/sessions/${a.id}`, {
      token: world.cast.associationUser.token,
      body: { startsAt: at(t0, 52.5), endsAt: at(t0, 53.5) },
    });
    expect(res.status).to.equal(409);
  });

  it('only its host starts and ends a session: scheduled → live → ended', async () => {
    const session = await expectStatus(await bookSession(world, { startsAt: at(t0, 60), endsAt: at(t0, 61) }), 201);
    const other = await createUser('host');
    expect((await api('POST', `/api/v1/sessions/${session.id}/start`, { token: other.token })).status).to.equal(403);
    expect((await api('POST', `/api/v1/sessions/${session.id}/end`, { token: world.cast.host.token })).status).to.equal(409);
    const live = await api('POST', `/api/v1/sessions/${session.id}/start`, { token: world.cast.host.token });
    expect(live.status).to.equal(200);
    expect(live.body.status).to.equal('live');
    // Starting again (a host reconnecting) resumes the same live session.
    expect((await api('POST', `/api/v1/sessions/${session.id}/start`, { token: world.cast.host.token })).body.status).to.equal('live');
    const ended = await api('POST', `/api/v1/sessions/${session.id}/end`, { token: world.cast.host.token });
    expect(ended.body).to.include({ status: 'ended', orderCount: 0, gmvFen: 0 });
    expect((await api('POST', `/api/v1/sessions/${session.id}/start`, { token: world.cast.host.token })).status).to.equal(409);
    const sales = await api('GET', `/api/v1/sessions/${session.id}/sales`, { token: world.cast.auditor.token });
    expect(sales.body).to.include({ orders: 0, quantity: 0, amountFen: 0 });
  });

  it('a BullMQ delayed job reminds the host over Socket.IO 10 minutes before the start', async function () {
    const { ctx } = await getLiveHub();
    // Starts in 10 minutes and 1.5 seconds: the reminder is due 1.5 s from now.
    const startsAt = new Date(Date.now() + 10 * 60_000 + 1500);
    const session = await expectStatus(
      await bookSession(world, { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + HOUR).toISOString() }),
      201,
    );
    const hostSocket = await connectLive(world.cast.host.token);
    let workers: Worker[] = [];
    try {
      const reminded = nextEvent(
        hostSocket,
        'notification',
        (n: any) => n.sessionId === session.id && n.kind === 'session.reminder',
        20_000,
      );
      workers = await startWorkers(ctx);
      const notification = await reminded;
      expect(notification.message).to.include(session.title);
      expect(notification.startsAt).to.equal(startsAt.toISOString());
    } finally {
      hostSocket.disconnect();
      await Promise.all(workers.map((w) => w.close()));
    }
  });

  it('publishes the live and commerce routes in the OpenAPI document', async () => {
    const doc = await api('GET', '/api/v1/openapi.json');
    const paths = Object.keys(doc.body.paths);
    for (const path of [
      '/api/v1/studios',
      '/api/v1/sessions',
      '/api/v1/sessions/{id}',
      '/api/v1/sessions/{id}/start',
      '/api/v1/sessions/{id}/end',
      '/api/v1/sessions/{id}/sales',
      '/api/v1/sessions/{id}/pin',
      '/api/v1/products',
      '/api/v1/orders',
      '/api/v1/orders/{id}',
    ]) {
      expect(paths, path).to.include(path);
    }
    expect(Object.keys(doc.body.paths['/api/v1/sessions/{id}'])).to.include.members(['get', 'patch', 'delete']);
  });
});
