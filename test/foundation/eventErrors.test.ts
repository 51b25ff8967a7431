import { expect } from 'chai';
import { api } from '../support/testHub.ts';
import { hubEvents } from '../../server/platform/events.ts';

describe('event-handler errors in the running hub', () => {
  it('a failing subscriber is counted and shown by GET /api/v1/health (header), the body keeping its contract shape', async () => {
    const before = Number((await api('GET', '/api/v1/health')).headers.get('x-event-handler-errors'));
    let failed!: () => void;
    const handled = new Promise<void>((resolve) => (failed = resolve));
    // An event no component subscribes to, so nothing else reacts to this made-up session.
    const off = hubEvents.on('session.scheduled', async ({ sessionId }) => {
      if (sessionId !== 'event-errors-test') return;
      // The bus's catch runs as a microtask of this rejection, before this macrotask settles the wait below.
      setImmediate(failed);
      throw new Error('a counter update that failed');
    });
    try {
      hubEvents.emit('session.scheduled', { sessionId: 'event-errors-test', hostUserId: 'nobody', startsAt: new Date() });
      await handled;
      const res = await api('GET', '/api/v1/health');
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ status: 'ok', mongo: 'up', redis: 'up' });
      expect(Number(res.headers.get('x-event-handler-errors'))).to.equal(before + 1);
    } finally {
      off();
    }
  });
});
