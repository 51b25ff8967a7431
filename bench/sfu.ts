/**
 * Benchmark: how many consumers one mediasoup worker forwards before its CPU reaches 80 % of one core.
 *
 *   npx tsx bench/sfu.ts
 *   BENCH_MAX_CONSUMERS=2000 BENCH_STEP_SECONDS=3 npx tsx bench/sfu.ts
 *
 * One publisher sends synthetic VP8 RTP (4 packets of 1,100 bytes per frame, 30 fps, a key frame each
 * second: about 1 Mbit/s) into a PlainTransport; N consumers on PlainTransports of the same router
 * forward it to a local UDP sink that counts what arrives. The worker's CPU comes from its rusage.
 * No ffmpeg or GStreamer is needed. mediasoup's documentation puts a worker at roughly 500 consumers.
 *
 * In the same run, two more figures:
 * - a baseline that needs no worker: a plain UDP relay (a child Node process) copying the same RTP to the same
 *   sink N times, at the same N, so the worker's cost reads as a ratio to the cheapest possible fan-out on this
 *   machine at this moment (the sender and sink share the 2 cores with both);
 * - simulcast consumers: a producer with three VP8 layers (160/320/640 wide: 1, 2 and 4 packets a frame), its
 *   consumers spread over preferred spatial layers 0, 1 and 2 (BENCH_SIMULCAST_MAX, default 600).
 */
import dgram from 'node:dgram';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from '../scripts/services.ts';
import { say } from './liveBenchHub.ts';

const MAX_CONSUMERS = Number(process.env.BENCH_MAX_CONSUMERS ?? 1500);
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 3);
const STEPS = [25, 50, 100, 200, 300, 400, 500, 600, 700, 800, 1000, 1200, 1500, 2000, 2500, 3000].filter((n) => n <= MAX_CONSUMERS);
const PUBLISHED_CONSUMERS_PER_WORKER = 500;
const SIMULCAST_MAX = Number(process.env.BENCH_SIMULCAST_MAX ?? 600);
const SIMULCAST_SSRCS = [0x2000a001, 0x2000a002, 0x2000a003];
const SIMULCAST_PACKETS = [1, 2, 4];
const FPS = 30;
const PACKETS_PER_FRAME = 4;
const PAYLOAD_BYTES = 1100;
const SSRC = 0x1234abcd;
const PT = 101;

process.env.MEDIASOUP_WORKER_BIN ||= path.join(ROOT, '.cache/mediasoup/3.19.3/mediasoup-worker');

/** A VP8 RTP packet: payload descriptor (S bit on the first packet), then a frame header whose P bit marks key frames. */
function vp8Packet(seq: number, timestamp: number, first: boolean, last: boolean, keyFrame: boolean): Buffer {
  const packet = Buffer.alloc(12 + PAYLOAD_BYTES);
  packet[0] = 0x80;
  packet[1] = (last ? 0x80 : 0) | PT;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(SSRC, 8);
  packet[12] = first ? 0x10 : 0x00;
  if (first) {
    // Frame tag: bit 0 is 0 for a key frame; key frames carry the start code and a 640x360 size.
    packet[13] = keyFrame ? 0x10 : 0x11;
    packet[14] = 0x00;
    packet[15] = 0x00;
    if (keyFrame) {
      packet.set([0x9d, 0x01, 0x2a], 16);
      packet.writeUInt16LE(640, 19);
      packet.writeUInt16LE(360, 21);
    }
  }
  return packet;
}

/**
 * A simulcast VP8 packet: the payload descriptor carries a 15-bit PictureID and TL0PICIDX (mediasoup rewrites
 * them when a consumer switches layers), then the frame tag; key frames carry the layer's size.
 */
function vp8SimulcastPacket(
  ssrc: number,
  seq: number,
  timestamp: number,
  picture: number,
  first: boolean,
  last: boolean,
  keyFrame: boolean,
  width: number,
): Buffer {
  const packet = Buffer.alloc(12 + PAYLOAD_BYTES);
  packet[0] = 0x80;
  packet[1] = (last ? 0x80 : 0) | PT;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  packet[12] = 0x80 | (first ? 0x10 : 0); // X, S
  packet[13] = 0xc0; // I (PictureID), L (TL0PICIDX)
  packet[14] = 0x80 | ((picture >> 8) & 0x7f); // M: 15-bit PictureID
  packet[15] = picture & 0xff;
  packet[16] = picture & 0xff; // TL0PICIDX (one temporal layer)
  if (first) {
    packet[17] = keyFrame ? 0x10 : 0x11;
    if (keyFrame) {
      packet.set([0x9d, 0x01, 0x2a], 20);
      packet.writeUInt16LE(width, 23);
      packet.writeUInt16LE(Math.round((width * 9) / 16), 25);
    }
  }
  return packet;
}

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 10 ms). */
function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The worker-free baseline: a child Node process that copies every packet it gets to the sink `copies` times. */
function startRelay(sinkPort: number): Promise<{ child: ChildProcess; port: number; setCopies: (n: number) => void }> {
  const script = `
    const dgram = require('node:dgram');
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024, sendBufferSize: 64 * 1024 * 1024 });
    let copies = 0;
    socket.on('message', (msg) => { for (let i = 0; i < copies; i += 1) socket.send(msg, ${sinkPort}, '127.0.0.1'); });
    process.on('message', (m) => { copies = m.copies; });
    socket.bind(0, '127.0.0.1', () => process.send({ port: socket.address().port }));
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port, setCopies: (copies) => child.send({ copies }) }));
  });
}

async function main(): Promise<void> {
  const mediasoup = await import('mediasoup');
  const { MEDIA_CODECS } = await import('../server/live/media/mediaConfig.ts');
  const worker = await mediasoup.createWorker({ logLevel: 'error' });
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });

  // The publisher.
  const ingest = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
  const producer = await ingest.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: PT, clockRate: 90000, rtcpFeedback: [] }],
      encodings: [{ ssrc: SSRC }],
    },
  });
  const sender = dgram.createSocket('udp4');
  let seq = 0;
  let frame = 0;
  const sendFrame = () => {
    const timestamp = frame * (90000 / FPS);
    const keyFrame = frame % FPS === 0;
    for (let i = 0; i < PACKETS_PER_FRAME; i += 1) {
      sender.send(vp8Packet(seq++, timestamp, i === 0, i === PACKETS_PER_FRAME - 1, keyFrame), ingest.tuple.localPort, '127.0.0.1');
    }
    frame += 1;
  };
  const started = performance.now();
  const pump = setInterval(() => {
    // Catch up on late timer ticks so the send rate stays at FPS.
    const due = Math.floor(((performance.now() - started) / 1000) * FPS);
    while (frame < due) sendFrame();
  }, 5);

  // The sink every consumer sends to.
  const sink = dgram.createSocket({ type: 'udp4', recvBufferSize: 64 * 1024 * 1024 });
  let sinkPackets = 0;
  let sinkBytes = 0;
  sink.on('message', (msg) => {
    sinkPackets += 1;
    sinkBytes += msg.length;
  });
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  const sinkPort = sink.address().port;

  const consumers: Awaited<ReturnType<typeof router.createPlainTransport>>[] = [];
  const addConsumers = async (count: number) => {
    for (let i = 0; i < count; i += 1) {
      const transport = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        rtcpMux: true,
        comedia: false,
      });
      await transport.connect({ ip: '127.0.0.1', port: sinkPort });
      await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      consumers.push(transport);
    }
  };
  const cpuMs = async () => {
    const usage = await worker.getResourceUsage();
    return usage.ru_utime + usage.ru_stime;
  };

  const inputPps = FPS * PACKETS_PER_FRAME;
  say(
    `sfu bench: 1 worker, 1 VP8 publisher at ${inputPps} packets/s (${((inputPps * (12 + PAYLOAD_BYTES) * 8) / 1e6).toFixed(2)} Mbit/s), consumers on PlainTransports`,
  );
  say(
    `${'consumers'.padStart(9)} ${'worker CPU'.padStart(10)} ${'forwarded pkt/s'.padStart(16)} ${'Mbit/s out'.padStart(11)} ${'delivered'.padStart(9)}`,
  );
  const results: { n: number; cpu: number; pps: number; mbps: number }[] = [];
  for (const n of STEPS) {
    await addConsumers(n - consumers.length);
    await new Promise((r) => setTimeout(r, 1500)); // every consumer gets a key frame and settles
    const cpu0 = await cpuMs();
    const p0 = sinkPackets;
    const b0 = sinkBytes;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, STEP_SECONDS * 1000));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = ((await cpuMs()) - cpu0) / 1000 / seconds;
    const pps = (sinkPackets - p0) / seconds;
    const mbps = ((sinkBytes - b0) * 8) / seconds / 1e6;
    results.push({ n, cpu, pps, mbps });
    say(
      `${String(n).padStart(9)} ${`${(cpu * 100).toFixed(1)} %`.padStart(10)} ${pps.toFixed(0).padStart(16)} ${mbps.toFixed(1).padStart(11)} ${`${((pps / (n * inputPps)) * 100).toFixed(1)} %`.padStart(9)}`,
    );
    if (cpu >= 0.8) break;
  }
  // Simulcast: a second producer with three layers on the same router, consumers at preferred layers 0/1/2.
  for (const transport of consumers) transport.close();
  consumers.length = 0;
  const simIngest = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
  const simProducer = await simIngest.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [
        { mimeType: 'video/VP8', payloadType: PT, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] },
      ],
      encodings: SIMULCAST_SSRCS.map((ssrc) => ({ ssrc })),
    },
  });
  const simSeq = [0, 0, 0];
  let simFrame = 0;
  const simStarted = performance.now();
  const sendSimFrame = () => {
    const timestamp = simFrame * (90000 / FPS);
    const keyFrame = simFrame % FPS === 0;
    SIMULCAST_SSRCS.forEach((ssrc, layer) => {
      const count = SIMULCAST_PACKETS[layer]!;
      for (let i = 0; i < count; i += 1) {
        sender.send(
          vp8SimulcastPacket(ssrc, simSeq[layer]!++, timestamp, simFrame & 0x7fff, i === 0, i === count - 1, keyFrame, 160 << layer),
          simIngest.tuple.localPort,
          '127.0.0.1',
        );
      }
    });
    simFrame += 1;
  };
  const simPump = setInterval(() => {
    const due = Math.floor(((performance.now() - simStarted) / 1000) * FPS);
    while (simFrame < due) sendSimFrame();
  }, 5);
  clearInterval(pump);
  const simInputPps = FPS * SIMULCAST_PACKETS.reduce((a, b) => a + b, 0);
  const simSteps = STEPS.filter((n) => n <= Math.min(SIMULCAST_MAX, results[results.length - 1]!.n));
  const simResults: { n: number; cpu: number; pps: number; expected: number }[] = [];
  say('');
  say(
    `simulcast: 1 VP8 producer with 3 layers (${SIMULCAST_PACKETS.join('/')} packets a frame, ${simInputPps} packets/s in), consumers at preferred spatial layers 0, 1, 2 in turn`,
  );
  say(
    `${'consumers'.padStart(9)} ${'worker CPU'.padStart(10)} ${'forwarded pkt/s'.padStart(16)} ${'expected'.padStart(9)} ${'delivered'.padStart(9)}`,
  );
  for (const n of simSteps) {
    while (consumers.length < n) {
      const transport = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        rtcpMux: true,
        comedia: false,
      });
      await transport.connect({ ip: '127.0.0.1', port: sinkPort });
      const consumer = await transport.consume({
        producerId: simProducer.id,
        rtpCapabilities: router.rtpCapabilities,
        preferredLayers: { spatialLayer: consumers.length % 3 },
      });
      void consumer;
      consumers.push(transport);
    }
    await new Promise((r) => setTimeout(r, 2000)); // layers settle on the next key frame
    const cpu0 = await cpuMs();
    const p0 = sinkPackets;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, STEP_SECONDS * 1000));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = ((await cpuMs()) - cpu0) / 1000 / seconds;
    const pps = (sinkPackets - p0) / seconds;
    // Each consumer forwards only its layer: n/3 consumers at each of 1, 2 and 4 packets a frame.
    const expected = consumers.reduce((sum, _t, i) => sum + FPS * SIMULCAST_PACKETS[i % 3]!, 0);
    simResults.push({ n, cpu, pps, expected });
    say(
      `${String(n).padStart(9)} ${`${(cpu * 100).toFixed(1)} %`.padStart(10)} ${pps.toFixed(0).padStart(16)} ${expected.toFixed(0).padStart(9)} ${`${((pps / expected) * 100).toFixed(1)} %`.padStart(9)}`,
    );
    if (cpu >= 0.8) break;
  }
  clearInterval(simPump);
  for (const transport of consumers) transport.close();

  // The worker-free baseline at the same fan-outs: the same RTP stream, copied N times by a plain Node UDP relay.
  const relay = await startRelay(sinkPort);
  let relaySeq = 0;
  let relayFrame = 0;
  const relayStarted = performance.now();
  const relayPump = setInterval(() => {
    const due = Math.floor(((performance.now() - relayStarted) / 1000) * FPS);
    while (relayFrame < due) {
      const timestamp = relayFrame * (90000 / FPS);
      for (let i = 0; i < PACKETS_PER_FRAME; i += 1)
        sender.send(
          vp8Packet(relaySeq++, timestamp, i === 0, i === PACKETS_PER_FRAME - 1, relayFrame % FPS === 0),
          relay.port,
          '127.0.0.1',
        );
      relayFrame += 1;
    }
  }, 5);
  const baseline: { n: number; cpu: number; pps: number }[] = [];
  say('');
  say('baseline without a worker: a plain UDP relay (one Node process) copying the same stream to the sink N times');
  say(
    `${'copies'.padStart(9)} ${'relay CPU'.padStart(10)} ${'forwarded pkt/s'.padStart(16)} ${'delivered'.padStart(9)} ${'worker/relay CPU'.padStart(17)}`,
  );
  for (const r of results) {
    relay.setCopies(r.n);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const c0 = procCpuSeconds(relay.child.pid!);
    const p0 = sinkPackets;
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, STEP_SECONDS * 1000));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = (procCpuSeconds(relay.child.pid!) - c0) / seconds;
    const pps = (sinkPackets - p0) / seconds;
    baseline.push({ n: r.n, cpu, pps });
    say(
      `${String(r.n).padStart(9)} ${`${(cpu * 100).toFixed(1)} %`.padStart(10)} ${pps.toFixed(0).padStart(16)} ${`${((pps / (r.n * inputPps)) * 100).toFixed(1)} %`.padStart(9)} ${(r.cpu / Math.max(cpu, 1e-3)).toFixed(2).padStart(17)}`,
    );
    if (cpu >= 0.95) break;
  }
  clearInterval(relayPump);
  relay.child.kill('SIGTERM');

  const over = results.find((r) => r.cpu >= 0.8);
  const below = [...results].reverse().find((r) => r.cpu < 0.8);
  let at80: string;
  if (over && below) {
    const n = below.n + ((0.8 - below.cpu) / (over.cpu - below.cpu)) * (over.n - below.n);
    at80 = `≈ ${Math.round(n)} consumers (interpolated between ${below.n} and ${over.n})`;
  } else if (over) {
    at80 = `≤ ${over.n} consumers`;
  } else {
    const last = results[results.length - 1]!;
    // CPU grows about linearly with consumers: extrapolate from the last step.
    at80 = `> ${last.n} consumers (not reached; linear extrapolation ≈ ${Math.round((last.n * 0.8) / Math.max(last.cpu, 1e-6))})`;
  }
  const best = results.reduce((a, b) => (b.pps > a.pps ? b : a));
  say('');
  say(`80 % of one core: ${at80}; mediasoup's published figure: ~${PUBLISHED_CONSUMERS_PER_WORKER} consumers per worker`);
  say(`forwarding:       up to ${best.pps.toFixed(0)} packets/s (${best.mbps.toFixed(1)} Mbit/s) delivered at ${best.n} consumers`);
  const perConsumer = (rows: { n: number; cpu: number }[]) => {
    const last = rows[rows.length - 1];
    return last ? (last.cpu / last.n) * 1e4 : NaN; // share of a core per 100 consumers, in %
  };
  say(
    `per 100 consumers: worker ${perConsumer(results).toFixed(1)} % of a core, plain relay ${perConsumer(baseline.filter((b) => results.some((r) => r.n === b.n))).toFixed(1)} %, simulcast consumers ${perConsumer(simResults).toFixed(1)} % (at the largest step each reached)`,
  );
  say('note: the sink, the sender and this process share the machine with the worker; figures are for this host.');

  sender.close();
  sink.close();
  worker.close();
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`sfu bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
