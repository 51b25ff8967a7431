import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import { CONNECTION, serveHandedConnections } from '../../server/webCluster.ts';

/**
 * A web process of the cluster never listens: the primary hands it connections (server/webCluster.ts). Node's
 * HTTP server enforces headersTimeout and requestTimeout, and closeAllConnections finds connections, only once it
 * has started tracking them, which it does when it starts listening. A handed server that skipped that would let
 * a slow client (slowloris) hold a connection forever, and a drain could never close what is left at its deadline.
 */
describe('web cluster: a web process guards the connections it is handed as a listening server does', function () {
  this.timeout(30_000);
  let web: http.Server;
  let stopTaking: () => void;
  let primary: net.Server;
  let port = 0;
  const accepted = new Set<net.Socket>();

  /** A web process's server with these timeouts, fed by a stand-in primary. */
  async function start(timeouts: { headersTimeout: number; requestTimeout: number }): Promise<void> {
    web = http.createServer({ ...timeouts, connectionsCheckingInterval: 50 }, (_req, res) => {
      res.end('ok');
    });
    stopTaking = serveHandedConnections(web);
    // Stands in for the primary: reads the first bytes, then hands the connection over as it does.
    primary = net.createServer({ pauseOnConnect: true }, (socket) => {
      accepted.add(socket);
      socket.once('data', (first: Buffer) => {
        socket.pause();
        process.emit('message', { type: CONNECTION, id: 1, data: first.toString('base64') }, socket);
      });
      socket.resume();
    });
    await new Promise<void>((resolve) => primary.listen(0, '127.0.0.1', resolve));
    port = (primary.address() as net.AddressInfo).port;
  }

  afterEach(async () => {
    stopTaking();
    for (const socket of accepted) socket.destroy();
    accepted.clear();
    await new Promise<void>((resolve) => primary.close(() => resolve()));
  });

  /** Everything the server writes before it closes the connection. */
  function send(bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
      let answer = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  it('answers a whole request', async () => {
    await start({ headersTimeout: 300, requestTimeout: 600 });
    const answer = await send('GET / HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n');
    expect(answer).to.match(/^HTTP\/1\.1 200 /);
    expect(answer).to.match(/\r\n\r\nok$/);
  });

  it('answers 408 and closes a connection whose headers never finish', async () => {
    await start({ headersTimeout: 300, requestTimeout: 600 });
    const answer = await send('GET / HTTP/1.1\r\nHost: hub\r\nX-Slow: ');
    expect(answer).to.match(/^HTTP\/1\.1 408 /);
  });

  it('closes, with closeAllConnections, a connection in the middle of a request', async () => {
    // Timeouts far beyond the test's: only closeAllConnections can close it.
    await start({ headersTimeout: 600_000, requestTimeout: 600_000 });
    const handed = new Promise<void>((resolve) => web.once('connection', () => resolve()));
    const socket = net.connect(port, '127.0.0.1', () => socket.write('POST / HTTP/1.1\r\nHost: hub\r\nContent-Length: 10\r\n\r\n12'));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.resume(); // reads to the end, so the close is seen
    // Once the web server holds the connection and has read the request's start, close everything as a drain's
    // deadline does.
    await handed;
    await new Promise((resolve) => setImmediate(resolve));
    web.closeAllConnections();
    await closed;
  });
});
