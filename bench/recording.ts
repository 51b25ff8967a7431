/**
 * Benchmark: what recording costs and how many recorded 720p sessions this machine holds.
 *
 *   npm run bench:recording
 *   BENCH_MAX_SESSIONS=3 BENCH_WINDOW_SECONDS=8 nice npx tsx bench/recording.ts
 *
 * A bench hub (its own FerretDB, the machine's Redis under a private prefix) with recording on. Each session
 * is made through the HTTP API and started; its host is a VP8/Opus RTP stream sent by FFmpeg into two
 * PlainTransports on the session's router (the RTMP ingest's way in, server/live/media/ingest.ts, without the
 * VP8 transcode: the sender stream-copies a 720p25 testsrc2 clip encoded once before the run, looped), so the
 * recorder (server/live/media/recorder.ts: libx264 + AAC into an fMP4 part and live HLS) does the session's
 * only encode. Sessions are added one at a time (1, 2, … BENCH_MAX_SESSIONS, default 6); at each step, over
 * a fixed window, the CPU of every recorder FFmpeg, the worker, the senders and this process is read from
 * /proc/<pid>/stat, and each session's recorder speed from its live HLS playlist (seconds of segments that
 * appeared ÷ wall seconds between the first and the last new segment). The ramp stops when the bench's CPU
 * passes 90 % of the machine's cores or a recorder falls behind real time (speed < 0.95).
 *
 * Baseline, measured in the same run before the hub starts: FFmpeg alone encoding the same clip with the
 * recorder's own arguments (recordArgs), read at real time (-re) from the file: the encode's cost without
 * mediasoup, RTP or the hub.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { types as ms } from 'mediasoup';
import { percentile, say, startLiveBenchHub } from './liveBenchHub.ts';
import { ffmpegRtpProducer } from '../server/live/media/ffmpeg.ts';

const MAX_SESSIONS = Number(process.env.BENCH_MAX_SESSIONS ?? 6);
const WINDOW_S = Number(process.env.BENCH_WINDOW_SECONDS ?? 10);
const SETTLE_S = Number(process.env.BENCH_SETTLE_SECONDS ?? 4);
const FFMPEG = process.env.HUB_FFMPEG_PATH ?? 'ffmpeg';
const CORES = os.cpus().length;
const CLOCK_TICKS = 100;
const CLIP_S = 10;
const LATENCY_S = Number(process.env.BENCH_LATENCY_SECONDS ?? 15);
const FRAME_W = 1280;
const FRAME_H = 720;
const FPS = 25;
/** The clock row: 32 blocks of 40 × 80 px across the top of the frame, most significant bit first. */
const CLOCK_BITS = 32;
const BLOCK_H = 80;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) a process has used, from /proc; 0 once it is gone. */
function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** The whole machine's busy share (every process, not only this bench's), from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3]! + (cpu[4] ?? 0);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** This process's children whose command line contains `marker` (the hub's recorder FFmpegs are its children). */
function childPids(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone between readdir and read
    }
  }
  return pids;
}

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr}`))));
  });
}

/**
 * Segments of a live HLS playlist, with the moment each was first seen (polled every 100 ms): the recorder's
 * speed is the seconds of media that appeared over the wall seconds they took.
 */
class PlaylistWatch {
  private readonly seen = new Map<string, { durationS: number; at: number }>();
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly file: string) {
    this.timer = setInterval(() => this.poll(), 100);
  }
  private poll(): void {
    if (!existsSync(this.file)) return;
    const lines = readFileSync(this.file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i += 1) {
      const match = /^#EXTINF:([\d.]+)/.exec(lines[i]!);
      const uri = lines[i + 1]?.trim();
      if (match && uri && !this.seen.has(uri)) this.seen.set(uri, { durationS: Number(match[1]), at: performance.now() });
    }
  }
  get segments(): number {
    return this.seen.size;
  }
  /** Media seconds per wall second over the segments that appeared in [from, to]. */
  speed(from: number, to: number): number {
    const inWindow = [...this.seen.values()].filter((s) => s.at >= from && s.at <= to).sort((a, b) => a.at - b.at);
    if (inWindow.length < 3) return NaN;
    const media = inWindow.slice(1).reduce((sum, s) => sum + s.durationS, 0);
    return media / ((inWindow[inWindow.length - 1]!.at - inWindow[0]!.at) / 1000);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** Draws `ms` (its low 32 bits) into a gray 720p frame as a row of white (1) and black (0) blocks. */
function drawClock(frame: Buffer, ms: number): void {
  const value = ms % 2 ** 32;
  const blockW = FRAME_W / CLOCK_BITS;
  for (let bit = 0; bit < CLOCK_BITS; bit += 1) {
    const on = Math.floor(value / 2 ** (CLOCK_BITS - 1 - bit)) % 2 === 1;
    for (let y = 0; y < BLOCK_H; y += 1) frame.fill(on ? 235 : 16, y * FRAME_W + bit * blockW, y * FRAME_W + (bit + 1) * blockW);
  }
}

/**
 * In the viewer's page: for `seconds`, on each presented frame of the live video, reads the clock row back (the
 * centre of each block) and returns how many ms behind this page's clock each frame's drawn time was.
 */
async function sampleClock({ seconds, bits, blockH }: { seconds: number; bits: number; blockH: number }): Promise<number[]> {
  const video = document.querySelector('[data-testid=live-video]') as HTMLVideoElement;
  const canvas = document.createElement('canvas');
  canvas.width = 1280;
  canvas.height = blockH;
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  const out: number[] = [];
  const end = performance.now() + seconds * 1000;
  await new Promise<void>((resolve) => {
    const read = () => {
      if (performance.now() > end) return resolve();
      const now = Date.now();
      if (video.videoWidth) {
        g.drawImage(video, 0, 0, video.videoWidth, (video.videoHeight * blockH) / 720, 0, 0, 1280, blockH);
        const row = g.getImageData(0, blockH / 2, 1280, 1).data;
        let value = 0;
        for (let bit = 0; bit < bits; bit += 1) value = value * 2 + (row[(bit * (1280 / bits) + 1280 / bits / 2) * 4]! > 128 ? 1 : 0);
        const behind = (now % 2 ** 32) - value;
        // A misread block gives nonsense: keep only what a live stream could be behind.
        if (behind >= 0 && behind < 60_000) out.push(behind);
      }
      if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(read);
      else setTimeout(read, 40);
    };
    read();
  });
  return out;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'hub-recording-bench-'));
  const children: ChildProcess[] = [];
  try {
    // The source: 10 s of 720p25 testsrc2 in VP8 (libvpx realtime, as the RTMP ingest encodes) and a 440 Hz Opus tone.
    const clip = path.join(work, 'source.webm');
    await run([
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      String(CLIP_S),
      '-c:v',
      'libvpx',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-b:v',
      '1500k',
      '-g',
      '50',
      '-c:a',
      'libopus',
      '-b:a',
      '96k',
      '-ac',
      '2',
      clip,
    ]);

    // Baseline: the recorder's own encode of the same clip, read at real time, without the hub.
    const { LIVE_SEGMENT_S, recordArgs } = await import('../server/live/media/recorder.ts');
    const baseDir = path.join(work, 'baseline');
    mkdirSync(baseDir, { recursive: true });
    const args = recordArgs('SOURCE', path.join(baseDir, 'part.mp4'), baseDir, 0, ['video', 'audio']);
    const afterInput = args.indexOf('SOURCE') + 1;
    const baseline = spawn(
      FFMPEG,
      ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', clip, ...args.slice(afterInput)],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.push(baseline);
    const baseWatch = new PlaylistWatch(path.join(baseDir, 'index.m3u8'));
    await sleep(SETTLE_S * 1000);
    const b0 = procCpuSeconds(baseline.pid!);
    const bt0 = performance.now();
    await sleep(WINDOW_S * 1000);
    const bt1 = performance.now();
    const baselineCpu = (procCpuSeconds(baseline.pid!) - b0) / ((bt1 - bt0) / 1000);
    const baselineSpeed = baseWatch.speed(bt0, bt1);
    baseWatch.stop();
    baseline.kill('SIGKILL');

    const hub = await startLiveBenchHub({ HUB_MEDIA_DIR: path.join(work, 'media'), HUB_RTMP_PORT: '0', HUB_RECORDING: 'on' });
    try {
      const { mediaPoolOf } = await import('../server/live/liveComponent.ts');
      const { sessionMediaDir } = await import('../server/live/media/recordingStore.ts');
      const pool = mediaPoolOf(hub.ctx);
      if (!pool) throw new Error('no mediasoup worker: set MEDIASOUP_WORKER_BIN');
      const workerPids = pool.workers.map((w) => w.worker.pid);

      /** A started session whose host is two PlainTransport producers (VP8, Opus); returns FFmpeg's RTP outputs for them. */
      const hostSession = async (
        trackArgs: (kind: ms.MediaKind) => string[] = (kind) => ['-map', kind === 'video' ? '0:v:0' : '0:a:0', '-c', 'copy'],
      ) => {
        const world = await hub.liveWorld(5);
        const sessionId = world.session.id as string;
        const room = await pool.room(sessionId, () => undefined);
        const outputs: string[] = [];
        const producers: ms.Producer[] = [];
        for (const kind of ['video', 'audio'] as const) {
          const { producer, rtpOutput } = await ffmpegRtpProducer(room.primaryRouter, kind);
          producers.push(producer);
          outputs.push(...trackArgs(kind), ...rtpOutput);
        }
        const join = async () => {
          for (const producer of producers) await room.addExternalProducer(producer);
        };
        return { sessionId, outputs, join };
      };

      say(
        `recording bench: 720p25 VP8/Opus sessions (testsrc2, ${CLIP_S} s clip looped, stream-copied into PlainTransports); recorder = libx264 superfast + AAC → fMP4 + live HLS; ${CORES} cores; window ${WINDOW_S} s`,
      );
      say(
        `baseline (FFmpeg alone, the recorder's arguments, same clip at real time, no hub): ${(baselineCpu * 100).toFixed(1)} % of a core, speed ${baselineSpeed.toFixed(2)}`,
      );
      // HLS latency beside WebRTC's, one timed session before the ramp: Node draws its clock (Date.now() in ms, low 32
      // bits) into each 720p frame as a row of black/white blocks, FFmpeg encodes it as the RTMP ingest does (VP8
      // realtime) into the session's producers, and two Chromium viewers of /live/:id (WebRTC, and ?mode=hls:
      // the page's own hls.js) read the blocks back from each frame they present, on the same clock.
      const latency = LATENCY_S > 0 ? await measureLatency() : null;
      async function measureLatency() {
        const timed = await hostSession((kind) =>
          kind === 'video'
            ? [
                '-map',
                '0:v:0',
                '-c:v',
                'libvpx',
                '-deadline',
                'realtime',
                '-cpu-used',
                '8',
                // No look-ahead (libvpx holds 25 frames by default): a browser host's encoder has none either.
                '-lag-in-frames',
                '0',
                '-b:v',
                '1500k',
                '-g',
                '50',
                '-pix_fmt',
                'yuv420p',
              ]
            : ['-map', '1:a:0', '-c:a', 'libopus', '-b:a', '96k', '-ac', '2'],
        );
        const sender = spawn(
          FFMPEG,
          [
            ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
            ...[
              '-f',
              'rawvideo',
              '-pix_fmt',
              'gray',
              '-s',
              `${FRAME_W}x${FRAME_H}`,
              '-r',
              String(FPS),
              '-use_wallclock_as_timestamps',
              '1',
              '-i',
              'pipe:0',
            ],
            ...['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
            ...timed.outputs,
          ],
          { stdio: ['pipe', 'ignore', 'inherit'] },
        );
        children.push(sender);
        sender.stdin!.on('error', () => undefined);
        const frame = Buffer.alloc(FRAME_W * FRAME_H, 128);
        const started = performance.now();
        let frames = 0;
        const pump = setInterval(() => {
          const due = Math.floor(((performance.now() - started) / 1000) * FPS);
          while (frames < due) {
            frames += 1;
            // A starved encoder drops frames rather than queue them here: the drawn time stays the time sent.
            if (sender.stdin!.writableLength > 2 * frame.length) continue;
            drawClock(frame, Date.now());
            sender.stdin!.write(Buffer.from(frame));
          }
        }, 10);
        await timed.join();
        const playlist = path.join(sessionMediaDir(hub.ctx.config, timed.sessionId), 'live', 'index.m3u8');
        const watch = new PlaylistWatch(playlist);
        const deadline = performance.now() + 30_000;
        while (watch.segments < 3 && performance.now() < deadline) await sleep(200);
        const { launchBrowser } = await import('../test/support/browser.ts');
        const browser = await launchBrowser();
        try {
          const read = async (query: string) => {
            const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
            // tsx names inner functions through a __name helper the page does not have.
            await page.addInitScript({ content: 'window.__name = (f) => f;' });
            await page.goto(`${hub.baseUrl}/live/${timed.sessionId}${query}`);
            await page.waitForFunction(
              () => ((document.querySelector('[data-testid=live-video]') as HTMLVideoElement | null)?.videoWidth ?? 0) > 0,
              undefined,
              { timeout: 40_000 },
            );
            return page;
          };
          const pages = await Promise.all([read(''), read('?mode=hls')]);
          const sampledFrom = performance.now();
          // Both viewers sample at once, for the same seconds.
          const [webrtc, hls] = await Promise.all(
            pages.map((page) => page.evaluate(sampleClock, { seconds: LATENCY_S, bits: CLOCK_BITS, blockH: BLOCK_H })),
          );
          return {
            webrtc: webrtc!.sort((a, b) => a - b),
            hls: hls!.sort((a, b) => a - b),
            recorderSpeed: watch.speed(sampledFrom, performance.now()),
          };
        } finally {
          await browser.close();
          watch.stop();
          clearInterval(pump);
          sender.kill('SIGKILL');
          pool!.closeRoom(timed.sessionId);
        }
      }
      say('');
      say(
        `${'sessions'.padStart(8)} ${'recorders'.padStart(10)} ${'per rec.'.padStart(9)} ${'worker'.padStart(7)} ${'senders'.padStart(8)} ${'hub'.padStart(6)} ${'bench'.padStart(7)} ${'machine'.padStart(8)} ${'min speed'.padStart(9)}`,
      );
      const watches: PlaylistWatch[] = [];
      const rows: { n: number; perRecorder: number; bench: number; minSpeed: number }[] = [];
      let stopReason = `reached BENCH_MAX_SESSIONS=${MAX_SESSIONS}`;
      for (let n = 1; n <= MAX_SESSIONS; n += 1) {
        const { sessionId, outputs, join } = await hostSession();
        const sender = spawn(
          FFMPEG,
          ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', clip, ...outputs],
          { stdio: ['ignore', 'ignore', 'inherit'] },
        );
        children.push(sender);
        await join();
        const playlist = path.join(sessionMediaDir(hub.ctx.config, sessionId), 'live', 'index.m3u8');
        const watch = new PlaylistWatch(playlist);
        watches.push(watch);
        // The recorder starts once both producers are in; wait (bounded) for its first segments, then settle.
        const deadline = performance.now() + 30_000;
        while (watch.segments < 2 && performance.now() < deadline) await sleep(200);
        if (watch.segments < 2) throw new Error(`session ${n}: no live HLS segments after 30 s (${playlist})`);
        await sleep(SETTLE_S * 1000);

        const recorderPids = childPids(`${path.sep}live${path.sep}index.m3u8`);
        const senderPids = children.filter((c) => c !== baseline && c.exitCode === null && c.signalCode === null).map((c) => c.pid!);
        const sum = (pids: number[]) => pids.reduce((s, pid) => s + procCpuSeconds(pid), 0);
        const c0 = { rec: sum(recorderPids), worker: sum(workerPids), send: sum(senderPids), hub: procCpuSeconds(process.pid) };
        const m0 = machineTicks();
        const t0 = performance.now();
        await sleep(WINDOW_S * 1000);
        const t1 = performance.now();
        const seconds = (t1 - t0) / 1000;
        const m1 = machineTicks();
        const share = (now: number, before: number) => (now - before) / seconds;
        const rec = share(sum(recorderPids), c0.rec);
        const worker = share(sum(workerPids), c0.worker);
        const send = share(sum(senderPids), c0.send);
        const hubCpu = share(procCpuSeconds(process.pid), c0.hub);
        const bench = rec + worker + send + hubCpu;
        const machine = ((m1.busy - m0.busy) / (m1.total - m0.total)) * CORES;
        const speeds = watches.map((w) => w.speed(t0, t1));
        const minSpeed = Math.min(...speeds.map((s) => (Number.isNaN(s) ? 0 : s)));
        const perRecorder = rec / Math.max(1, recorderPids.length);
        rows.push({ n, perRecorder, bench, minSpeed });
        const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
        say(
          `${String(n).padStart(8)} ${`${recorderPids.length}: ${pct(rec)}`.padStart(10)} ${pct(perRecorder).padStart(9)} ${pct(worker).padStart(7)} ${pct(send).padStart(8)} ${pct(hubCpu).padStart(6)} ${pct(bench).padStart(7)} ${pct(machine).padStart(8)} ${minSpeed.toFixed(2).padStart(9)}`,
        );
        if (bench > 0.9 * CORES) {
          stopReason = `the bench's CPU passed 90 % of ${CORES} cores at ${n} sessions`;
          break;
        }
        if (minSpeed < 0.95) {
          stopReason = `a recorder fell behind real time (speed ${minSpeed.toFixed(2)}) at ${n} sessions`;
          break;
        }
      }
      for (const w of watches) w.stop();

      const held = rows.filter((r) => r.bench <= 0.9 * CORES && r.minSpeed >= 0.95);
      // Per-session figures from the largest step that still ran at real time (a starved step under-reads them).
      const last = held[held.length - 1] ?? rows[0]!;
      say('');
      say(`stopped: ${stopReason}`);
      say(
        `held: ${held.length ? held[held.length - 1]!.n : 0} concurrent recorded 720p sessions at real time${
          held.length === rows.length && rows.length === MAX_SESSIONS
            ? ` (the cap; by CPU ≈ ${Math.floor((0.9 * CORES) / (last.bench / last.n))} at 90 % of ${CORES} cores, extrapolated)`
            : ''
        }`,
      );
      say(
        `per recorded session: recorder ${(last.perRecorder * 100).toFixed(1)} % of a core (baseline FFmpeg alone ${(baselineCpu * 100).toFixed(1)} %); whole bench per session ${((last.bench / last.n) * 100).toFixed(1)} %`,
      );
      if (latency) {
        const line = (name: string, xs: number[]) =>
          `${name.padEnd(7)} ${String(xs.length).padStart(7)} ${percentile(xs, 50).toFixed(0).padStart(8)} ${percentile(xs, 95).toFixed(0).padStart(8)}`;
        say('');
        say(
          `latency: drawn clock → frame presented in Chromium, one timed session (VP8 realtime encode), ${LATENCY_S} s, both viewers at once`,
        );
        say(`${'viewer'.padEnd(7)} ${'frames'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}`);
        say(line('WebRTC', latency.webrtc));
        say(line('HLS', latency.hls));
        say(
          `(the timed session's recorder ran at speed ${latency.recorderSpeed.toFixed(2)} meanwhile; the HLS player aims 3 segments of ${LIVE_SEGMENT_S} s behind the playlist's end)`,
        );
      }
      say('note: "machine" counts every process on the host (other users included); "bench" only this run\'s processes.');
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await hub.stop();
    }
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`recording bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
