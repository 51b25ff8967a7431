#!/usr/bin/env node
// Smoke test of the mediasoup worker binary built by scripts/build-mediasoup-worker.sh:
// creates a worker, a router with VP8 + opus and a WebRtcTransport on 127.0.0.1, then (when the
// `openssl` CLI is available) runs ICE (one STUN Binding request) and a real DTLS handshake with
// `openssl s_client` as the DTLS client, so the worker's DTLS server path (ServerHello, certificate
// fingerprint check, SRTP key setup) is exercised too; and an SRTP encrypt/decrypt round trip between
// two SRTP PlainTransports checks the libsrtp2 compatibility layer.
// Prints one JSON line: {"ok":true,"version":...} and exits 0, or {"ok":false,"error":...} and exits 1.
// Usage: node scripts/check-mediasoup-worker.mjs [--no-dtls]
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cachedBin = path.join(repoRoot, '.cache', 'mediasoup', '3.19.3', 'mediasoup-worker');
// Must be set before mediasoup is loaded: it reads MEDIASOUP_WORKER_BIN at import time.
process.env.MEDIASOUP_WORKER_BIN ||= cachedBin;
const workerBin = process.env.MEDIASOUP_WORKER_BIN;
const wantDtls = !process.argv.includes('--no-dtls');

function fail(error, extra = {}) {
  console.log(JSON.stringify({ ok: false, workerBin, error: String(error?.stack ?? error), ...extra }));
  process.exit(1);
}
if (!fs.existsSync(workerBin)) {
  fail(`worker binary not found: ${workerBin} (run scripts/build-mediasoup-worker.sh first)`);
}

const mod = await import('mediasoup');
const mediasoup = typeof mod.createWorker === 'function' ? mod : mod.default;

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// RFC 8445 STUN Binding request from an ICE-controlling peer (USE-CANDIDATE nominates the pair).
function stunBindingRequest(username, password) {
  const txId = crypto.randomBytes(12);
  const attr = (type, value) => {
    const b = Buffer.alloc(4 + value.length + ((4 - (value.length % 4)) % 4));
    b.writeUInt16BE(type, 0);
    b.writeUInt16BE(value.length, 2);
    value.copy(b, 4);
    return b;
  };
  const header = (len) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(0x0001, 0);
    h.writeUInt16BE(len, 2);
    h.writeUInt32BE(0x2112a442, 4);
    txId.copy(h, 8);
    return h;
  };
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0x6e7f1eff);
  let body = Buffer.concat([
    attr(0x0006, Buffer.from(username)), // USERNAME
    attr(0x0024, priority), // PRIORITY
    attr(0x802a, crypto.randomBytes(8)), // ICE-CONTROLLING
    attr(0x0025, Buffer.alloc(0)), // USE-CANDIDATE
  ]);
  const mi = crypto.createHmac('sha1', password).update(Buffer.concat([header(body.length + 24), body])).digest();
  body = Buffer.concat([body, attr(0x0008, mi)]); // MESSAGE-INTEGRITY
  const fp = Buffer.alloc(4);
  fp.writeUInt32BE((crc32(Buffer.concat([header(body.length + 8), body])) ^ 0x5354554e) >>> 0);
  body = Buffer.concat([body, attr(0x8028, fp)]); // FINGERPRINT
  return Buffer.concat([header(body.length), body]);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ICE + DTLS against the transport: a UDP socket sends the STUN request, then relays datagrams between
// `openssl s_client -dtls` and the worker so both share the ICE-validated 5-tuple.
async function dtlsHandshake(transport) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-check-'));
  const sock = dgram.createSocket('udp4');
  let client;
  try {
    const key = path.join(tmp, 'key.pem');
    const cert = path.join(tmp, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
      '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=mediasoup-check'], { stdio: 'ignore' });
    const fingerprint = new crypto.X509Certificate(fs.readFileSync(cert)).fingerprint256;

    const candidate = transport.iceCandidates.find((c) => c.protocol === 'udp');
    await new Promise((resolve) => sock.bind(0, '127.0.0.1', resolve));
    let clientAddr = null;
    let stunResolve;
    const stunReply = new Promise((resolve) => (stunResolve = resolve));
    sock.on('message', (msg, rinfo) => {
      const fromWorker = rinfo.port === candidate.port && rinfo.address === candidate.address;
      if (fromWorker && msg.length >= 20 && msg.readUInt32BE(4) === 0x2112a442) {
        stunResolve(msg.readUInt16BE(0));
      } else if (fromWorker) {
        if (clientAddr) sock.send(msg, clientAddr.port, clientAddr.address);
      } else {
        clientAddr = rinfo;
        sock.send(msg, candidate.port, candidate.address);
      }
    });

    const iceDone = new Promise((resolve) =>
      transport.on('icestatechange', (s) => (s === 'connected' || s === 'completed') && resolve(s)));
    const { usernameFragment, password } = transport.iceParameters;
    sock.send(stunBindingRequest(`${usernameFragment}:check`, password), candidate.port, candidate.address);
    const stunType = await withTimeout(stunReply, 5000, 'STUN Binding response');
    if (stunType !== 0x0101) throw new Error(`STUN Binding error response type 0x${stunType.toString(16)}`);
    const iceState = await withTimeout(iceDone, 5000, 'ICE connected');

    // Remote (openssl) is the DTLS client, so the worker is the DTLS server and sends the ServerHello.
    await transport.connect({
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] },
    });
    const dtlsDone = new Promise((resolve, reject) =>
      transport.on('dtlsstatechange', (s) => {
        if (s === 'connected') resolve(s);
        else if (s === 'failed' || s === 'closed') reject(new Error(`DTLS state ${s}`));
      }));
    const workerDied = new Promise((_, reject) =>
      transport.observer.on('close', () => reject(new Error('transport closed (worker died?)'))));
    let clientOutput = '';
    client = spawn('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${sock.address().port}`,
      '-cert', cert, '-key', key, '-use_srtp', 'SRTP_AES128_CM_SHA1_80'], { stdio: ['pipe', 'pipe', 'pipe'] });
    client.stdout.on('data', (d) => (clientOutput += d));
    client.stderr.on('data', (d) => (clientOutput += d));
    const dtlsState = await withTimeout(Promise.race([dtlsDone, workerDied]), 10000, 'DTLS connected')
      .catch((e) => { throw new Error(`${e.message}; openssl output: ${clientOutput.slice(-800)}`); });
    return { iceState, dtlsState };
  } finally {
    client?.kill();
    sock.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// SRTP round trip inside the worker: plain RTP (opus) from this process -> PlainTransport -> consumer on an
// SRTP PlainTransport (srtp_protect) -> UDP -> second SRTP PlainTransport (srtp_unprotect) -> producer.
async function srtpRoundTrip(router) {
  const listenInfo = { protocol: 'udp', ip: '127.0.0.1' };
  const plainIn = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
  const srtpParams = { listenInfo, rtcpMux: true, comedia: false, enableSrtp: true, srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80' };
  const srtpA = await router.createPlainTransport(srtpParams);
  const srtpB = await router.createPlainTransport(srtpParams);
  const sock = dgram.createSocket('udp4');
  try {
    const ssrc = 11111111;
    const producer = await plainIn.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc }],
      },
    });
    await srtpA.connect({ ip: '127.0.0.1', port: srtpB.tuple.localPort, srtpParameters: srtpB.srtpParameters });
    await srtpB.connect({ ip: '127.0.0.1', port: srtpA.tuple.localPort, srtpParameters: srtpA.srtpParameters });
    const consumer = await srtpA.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    const echoed = await srtpB.produce({ kind: 'audio', rtpParameters: consumer.rtpParameters });
    for (let seq = 0; seq < 25; seq++) {
      const pkt = Buffer.alloc(12 + 60);
      pkt[0] = 0x80;
      pkt[1] = 111;
      pkt.writeUInt16BE(seq, 2);
      pkt.writeUInt32BE(seq * 960, 4);
      pkt.writeUInt32BE(ssrc, 8);
      pkt[12] = 0xfc; // opus TOC byte; the rest is filler
      sock.send(pkt, plainIn.tuple.localPort, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 200));
    const [sent] = await consumer.getStats().then((s) => s.filter((x) => x.type === 'outbound-rtp'));
    const [received] = await echoed.getStats();
    const result = { sentSrtpPackets: sent?.packetCount ?? 0, decryptedPackets: received?.packetCount ?? 0 };
    if (!result.decryptedPackets) throw new Error(`SRTP round trip failed: ${JSON.stringify(result)}`);
    return result;
  } finally {
    sock.close();
    plainIn.close();
    srtpA.close();
    srtpB.close();
  }
}

let worker;
try {
  worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 40100 });
  let workerDiedError = null;
  worker.on('died', (e) => (workerDiedError = e));
  const router = await worker.createRouter({
    mediaCodecs: [
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: {} },
    ],
  });
  const transport = await router.createWebRtcTransport({
    listenInfos: [
      { protocol: 'udp', ip: '127.0.0.1' },
      { protocol: 'tcp', ip: '127.0.0.1' },
    ],
  });
  const result = {
    ok: true,
    version: mediasoup.version,
    workerBin,
    workerPid: worker.pid,
    routerCodecs: router.rtpCapabilities.codecs.map((c) => c.mimeType),
    transportId: transport.id,
    iceCandidates: transport.iceCandidates.map((c) => `${c.protocol} ${c.address}:${c.port}`),
    dtlsFingerprints: transport.dtlsParameters.fingerprints.length,
  };
  if (!wantDtls) {
    result.dtls = 'skipped (--no-dtls)';
  } else {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      result.dtls = await dtlsHandshake(transport);
    } catch (e) {
      if (e.code === 'ENOENT') result.dtls = 'skipped (no openssl CLI)';
      else throw e;
    }
  }
  result.srtp = await srtpRoundTrip(router);
  if (workerDiedError) throw new Error(`worker died: ${workerDiedError}`);
  transport.close();
  router.close();
  worker.close();
  console.log(JSON.stringify(result));
  process.exit(0);
} catch (error) {
  worker?.close();
  fail(error);
}
