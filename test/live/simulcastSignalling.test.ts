import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { connectLive, getLiveHub, liveSession, liveWorld, request } from './liveSupport.ts';

describe('media:setPreferredLayers validates its input (signalling, no browser)', function () {
  this.timeout(30_000);
  const sockets: Socket[] = [];
  before(async () => {
    await getLiveHub();
  });
  after(() => sockets.forEach((s) => s.disconnect()));

  it('a bad spatialLayer or consumerId is validation_failed naming the field; an unknown consumer is refused', async () => {
    const session = await liveSession(await liveWorld({ products: [{ stock: 5, priceFen: 1000 }] }));
    const s = await connectLive();
    sockets.push(s);
    expect((await request(s, 'session:join', { sessionId: session.id })).error).to.equal(undefined);
    const consumerId = randomUUID();
    for (const payload of [
      { consumerId, spatialLayer: 3 },
      { consumerId, spatialLayer: -1 },
      { consumerId, spatialLayer: 1.5 },
      { consumerId, spatialLayer: '1' },
      { consumerId },
      { consumerId, spatialLayer: 0, extra: true },
    ]) {
      const reply = await request(s, 'media:setPreferredLayers', payload);
      expect(reply.error?.code, JSON.stringify(payload)).to.equal('validation_failed');
    }
    expect((await request(s, 'media:setPreferredLayers', { consumerId, spatialLayer: 9 })).error?.message).to.include('spatialLayer');
    expect((await request(s, 'media:setPreferredLayers', { consumerId: 'nope', spatialLayer: 0 })).error?.message).to.include('consumerId');
    // Well-formed, but this connection has no such consumer (it has not even a transport).
    const unknown = await request(s, 'media:setPreferredLayers', { consumerId, spatialLayer: null });
    expect(unknown.error?.code).to.be.oneOf(['no_transport', 'not_found']);
  });
});
