import { expect } from 'chai';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import mongoose, { Schema } from 'mongoose';
import { Server as SocketServer } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { errorHandler } from '../../server/platform/errors.ts';
import { errorReply } from '../../server/live/socketReplies.ts';
import { freePort, startFerretDb } from '../../scripts/services.ts';

/**
 * A database that cannot be reached answers 503 service_unavailable with Retry-After, never 500: the
 * client may retry (and writes are idempotent or audited through the outbox, so nothing doubles or is lost).
 * Real driver errors: a stopped FerretDB and a port nobody listens on.
 */
describe('database outage: 503 + Retry-After instead of 500', function () {
  this.timeout(60_000);

  async function serve(connection: mongoose.Connection) {
    const Thing = connection.model('OutageThing', new Schema({ name: String }, { bufferTimeoutMS: 1000 }), 'outage_things');
    const app = express();
    app.use(express.json());
    app.post('/things', async (req, res, next) => {
      try {
        res.status(201).json(await Thing.create({ name: String(req.body?.name ?? 'x') }));
      } catch (err) {
        next(err);
      }
    });
    app.use(errorHandler);
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/things`;
    const post = async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"a"}' });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code: string } } };
    };
    return { post, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('FerretDB stopped under a connected app: writes answer 503 service_unavailable with Retry-After', async () => {
    const port = await freePort();
    const ferret = await startFerretDb(path.join(process.env.HUB_TEST_DATA_DIR!, `outage-${port}`), port);
    const connection = await mongoose
      .createConnection(`mongodb://127.0.0.1:${port}/outage`, { serverSelectionTimeoutMS: 1000, bufferCommands: false })
      .asPromise();
    const app = await serve(connection);
    try {
      expect((await app.post()).status).to.equal(201);
      await ferret.stop();
      const down = await app.post();
      expect(down.status, JSON.stringify(down.body)).to.equal(503);
      expect(down.body.error?.code).to.equal('service_unavailable');
      expect(Number(down.retryAfter)).to.be.greaterThan(0);
    } finally {
      await app.close();
      await connection.close(true).catch(() => undefined);
      await ferret.stop();
    }
  });

  it('a database nobody listens on (server selection times out) is 503 too', async () => {
    const connection = mongoose.createConnection(`mongodb://127.0.0.1:${await freePort()}/none`, { serverSelectionTimeoutMS: 300 });
    connection.on('error', () => undefined);
    const app = await serve(connection);
    try {
      const res = await app.post();
      expect(res.status, JSON.stringify(res.body)).to.equal(503);
      expect(res.body.error?.code).to.equal('service_unavailable');
      expect(res.retryAfter).to.equal('5');
    } finally {
      await app.close();
      await connection.close(true).catch(() => undefined);
    }
  });

  it('socket requests on a stopped FerretDB are acknowledged service_unavailable with retryAfter, not internal', async () => {
    const port = await freePort();
    const ferret = await startFerretDb(path.join(process.env.HUB_TEST_DATA_DIR!, `outage-socket-${port}`), port);
    const connection = await mongoose
      .createConnection(`mongodb://127.0.0.1:${port}/outage`, { serverSelectionTimeoutMS: 1000, bufferCommands: false })
      .asPromise();
    const Thing = connection.model('OutageSocketThing', new Schema({ name: String }), 'outage_socket_things');
    const server = http.createServer();
    const io = new SocketServer(server);
    // The live namespace's acknowledgement path: the handler's error becomes the reply (server/live/socketReplies.ts).
    io.of('/live').on('connection', (socket) => {
      socket.on('thing:create', async (_payload: unknown, ack: (reply: unknown) => void) => {
        try {
          ack({ data: await Thing.create({ name: 'a' }) });
        } catch (err) {
          ack(errorReply(err));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connectClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/live`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => (client.once('connect', () => resolve()), client.once('connect_error', reject)));
    type Reply = { data?: unknown; error?: { code: string; retryAfter?: number; params?: { retryAfterSeconds?: number } } };
    const create = () => client.timeout(20_000).emitWithAck('thing:create', {}) as Promise<Reply>;
    try {
      expect((await create()).data).to.be.an('object');
      await ferret.stop();
      const down = await create();
      expect(down.error?.code, JSON.stringify(down)).to.equal('service_unavailable');
      expect(down.error?.retryAfter).to.be.greaterThan(0);
      expect(down.error?.params?.retryAfterSeconds).to.equal(down.error?.retryAfter);
    } finally {
      client.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await connection.close(true).catch(() => undefined);
      await ferret.stop();
    }
  });
});
