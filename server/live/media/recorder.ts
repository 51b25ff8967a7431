/**
 * Server-side recording of every live session (after mediasoup-demo's and LiveKit Egress's approach):
 * the host's producers are consumed into PlainTransports (RTP to 127.0.0.1, comedia off), FFmpeg reads
 * them through an SDP file and writes, from one encode, a fragmented-MP4 part and the live HLS playlist.
 * A host that reconnects or changes a producer ends the part and starts the next one; at the end of the
 * session the parts are joined into one MP4 and an HLS VOD playlist, and each pinned stretch is cut into
 * that product's explanation clip (讲解片段). A failing recording is reported, never fatal to the session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import type { HubConfig } from '../../../config/env.ts';
import { componentLogger } from '../../platform/logger.ts';
import type { MediaRoom } from './mediaRoom.ts';
import { cutClip, freePortPair, sdpFor } from './ffmpeg.ts';
import { RecordingModel } from './recording.model.ts';
import { LIVE_CLIPS_DIR, finalizeRecording, mediaUrl, sessionMediaDir, pruneMedia } from './recordingStore.ts';

const log = componentLogger('recorder');

/** Keyframes every half second: HLS segments and clip cuts land within 0.5 s of any moment. */
export const KEYFRAME_INTERVAL_S = 0.5;
/** Live HLS segment length (seconds); the playlist keeps the last few, so viewers are ~3–4 s behind. */
export const LIVE_SEGMENT_S = 1;

/** A pinned stretch's clip, cut while the session is still live (the product card shows it at once). */
export interface LiveClip {
  productId: string;
  url: string;
  durationS: number;
  startS: number;
}

export type RecordingNotice = { sessionId: string; status: string; error?: string | null; clip?: LiveClip };

/**
 * How far FFmpeg's output must be past a stretch's end before the part file holds all of it: fragments close
 * at the next keyframe (0.5 s) and the tee muxer interleaves up to 1 s.
 */
const CLIP_FLUSH_S = 2;

/** FFmpeg's part of the job: one encode, two outputs (MP4 part and live HLS). */
export function recordArgs(sdpFile: string, partFile: string, liveDir: string, partIndex: number, kinds: ms.MediaKind[]): string[] {
  const pad = String(partIndex);
  const hls = [
    'f=hls',
    `hls_time=${LIVE_SEGMENT_S}`,
    'hls_list_size=6',
    'hls_flags=append_list+omit_endlist+discont_start+independent_segments+delete_segments',
    `hls_segment_filename=${path.join(liveDir, `p${pad}-%05d.ts`)}`,
  ].join(':');
  return [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-nostdin',
    '-nostats',
    '-progress',
    'pipe:1',
    // Loopback RTP never arrives out of order: no reorder queue (one lost packet would stall it), and a deep socket buffer for a busy CPU.
    '-protocol_whitelist',
    'file,udp,rtp',
    '-reorder_queue_size',
    '0',
    '-buffer_size',
    '4194304',
    '-analyzeduration',
    '5000000',
    '-probesize',
    '10000000',
    '-i',
    sdpFile,
    ...(kinds.includes('video') ? ['-map', '0:v:0'] : []),
    ...(kinds.includes('audio') ? ['-map', '0:a:0'] : []),
    '-c:v',
    'libx264',
    '-preset',
    'superfast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-profile:v',
    'main',
    '-crf',
    '23',
    '-maxrate',
    '2500k',
    '-bufsize',
    '5000k',
    '-force_key_frames',
    `expr:gte(t,n_forced*${KEYFRAME_INTERVAL_S})`,
    '-sc_threshold',
    '0',
    '-r',
    '25',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-ar',
    '48000',
    '-ac',
    '2',
    '-flags',
    '+global_header',
    '-f',
    'tee',
    // flush_packets=1: each fragment reaches the disk as it closes. Otherwise a quiet picture (a few hundred bytes
    // a frame) leaves the moov and the first seconds in FFmpeg's 32 KiB write buffer, and a live clip cut finds
    // "moov atom not found".
    `[f=mp4:flush_packets=1:max_interleave_delta=1000000:movflags=+frag_keyframe+empty_moov+default_base_moof]${partFile}|[max_interleave_delta=1000000:${hls}]${path.join(liveDir, 'index.m3u8')}`,
  ];
}

const signatureOf = (codecs: { kind: string; mimeType: string }[]) =>
  codecs
    .map((c) => `${c.kind}:${c.mimeType.toLowerCase()}`)
    .sort()
    .join(',');

/** The router codecs the producers send (the consumers' payload types are the router's). */
function codecsOf(router: ms.Router, producers: ms.Producer[]): ms.RtpCodecCapability[] {
  return producers.map((p) => {
    const mime = p.rtpParameters.codecs[0]!.mimeType.toLowerCase();
    const codec = router.rtpCapabilities.codecs!.find((c) => c.mimeType.toLowerCase() === mime && c.kind === p.kind);
    if (!codec) throw new Error(`no router codec for ${mime}`);
    return codec;
  });
}

/** What a browser host sends by default (mediasoup-client picks the router's first video codec, VP8). */
function defaultCodecs(router: ms.Router): ms.RtpCodecCapability[] {
  const codecs = router.rtpCapabilities.codecs ?? [];
  return [codecs.find((c) => c.kind === 'audio')!, codecs.find((c) => c.kind === 'video' && !/rtx/i.test(c.mimeType))!].filter(Boolean);
}

/** One FFmpeg run over the host's current producers. */
class RecordingPart {
  private child: ChildProcess | null = null;
  private readonly transports: ms.PlainTransport[] = [];
  private readonly consumers: ms.Consumer[] = [];
  private stopping = false;
  private ports: { taken: Set<number>; mine: number[] } | null = null;
  private keyframeTimers: NodeJS.Timeout[] = [];
  /** Wall-clock time of media time 0 in this part: the least (now − out_time) FFmpeg reported. */
  startedAt: Date | null = null;
  /** When FFmpeg's output time last moved: it lags real time on a busy machine and drains after input ends. */
  private lastAdvance = Date.now();
  private lastOutUs = 0;
  /** `advance` as FFmpeg's output time grows, `exit` when it ends (live clips wait on both). */
  private readonly progress = new EventEmitter();
  readonly exited: Promise<number | null>;
  private resolveExit!: (code: number | null) => void;
  stderr = '';

  /** What this FFmpeg was started for, e.g. `audio:audio/opus,video:video/VP8`. */
  signature = '';
  private readonly trackPorts = new Map<ms.MediaKind, number>();
  producerIds: string[] = [];

  constructor(
    readonly index: number,
    readonly file: string,
    private readonly onUnexpectedExit: (part: RecordingPart, code: number | null) => void,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  /**
   * Starts FFmpeg on its ports before any RTP exists: it takes about a second to come up on a busy
   * machine, and media sent before it listens would be lost from the recording.
   */
  async spawn(codecs: ms.RtpCodecCapability[], config: HubConfig, dir: string, ports: Set<number>): Promise<void> {
    this.ports = { taken: ports, mine: [] };
    const tracks: { port: number; rtpParameters: ms.RtpParameters; kind: ms.MediaKind }[] = [];
    // Audio first in the SDP so stream order is stable; the maps pick by kind anyway.
    for (const codec of [...codecs].sort((a, b) => a.kind.localeCompare(b.kind))) {
      const port = await freePortPair(config.HUB_RECORDER_MIN_PORT, config.HUB_RECORDER_MAX_PORT, ports);
      this.ports.mine.push(port);
      this.trackPorts.set(codec.kind, port);
      const rtpParameters: ms.RtpParameters = {
        codecs: [
          {
            mimeType: codec.mimeType,
            payloadType: codec.preferredPayloadType!,
            clockRate: codec.clockRate,
            channels: codec.channels,
            parameters: codec.parameters ?? {},
          },
        ],
      };
      tracks.push({ port, rtpParameters, kind: codec.kind });
    }
    this.signature = signatureOf(codecs);
    const sdpFile = path.join(dir, 'parts', `part-${String(this.index)}.sdp`);
    writeFileSync(sdpFile, sdpFor(tracks));
    const liveDir = path.join(dir, 'live');
    mkdirSync(liveDir, { recursive: true });
    const child = spawn(
      config.HUB_FFMPEG_PATH,
      recordArgs(
        sdpFile,
        this.file,
        liveDir,
        this.index,
        tracks.map((t) => t.kind),
      ),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4096)));
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^out_time_us=(\d+)/.exec(line);
        if (!match) continue;
        const us = Number(match[1]);
        if (us <= 0) continue;
        if (us > this.lastOutUs) {
          this.lastOutUs = us;
          this.lastAdvance = Date.now();
          this.progress.emit('advance');
        }
        const candidate = Date.now() - us / 1000;
        if (!this.startedAt || candidate < this.startedAt.getTime()) this.startedAt = new Date(candidate);
      }
    });
    child.on('error', (err) => (this.stderr += `\n${err.message}`));
    child.on('close', (code) => {
      this.clearTimers();
      for (const port of this.ports?.mine ?? []) this.ports?.taken.delete(port);
      this.resolveExit(code);
      this.progress.emit('exit');
      if (!this.stopping) this.onUnexpectedExit(this, code);
    });
  }

  /** Seconds of media written so far. */
  get outTimeS(): number {
    return this.lastOutUs / 1e6;
  }

  /** Resolves when the part has written `seconds` of media, has ended, or `timeoutMs` passed. */
  /**
   * Resolves when FFmpeg's output reaches `seconds`, when it exits, or when it has not advanced for `stallMs`.
   * A slow FFmpeg (a busy machine runs it below real time) is waited for as long as it keeps moving.
   */
  reach(seconds: number, stallMs: number): Promise<void> {
    if (this.outTimeS >= seconds || !this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.progress.off('advance', check);
        this.progress.off('exit', done);
        resolve();
      };
      let timer = setTimeout(done, stallMs);
      const check = () => {
        if (this.outTimeS >= seconds) return done();
        clearTimeout(timer);
        timer = setTimeout(done, stallMs);
      };
      this.progress.on('advance', check);
      this.progress.once('exit', done);
    });
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Feeds the host's producers to the waiting FFmpeg: PlainTransports (comedia off) sending RTP to its ports. */
  async attach(router: ms.Router, producers: ms.Producer[]): Promise<void> {
    this.producerIds = producers.map((p) => p.id).sort();
    for (const producer of producers) {
      const port = this.trackPorts.get(producer.kind)!;
      const transport = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        rtcpMux: false,
        comedia: false,
      });
      this.transports.push(transport);
      await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
      const consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
        paused: true,
        appData: { recorder: true },
      });
      this.consumers.push(consumer);
    }
    for (const consumer of this.consumers) await consumer.resume();
    // The browser sends keyframes only when asked: ask now, and again in case the first was lost.
    for (const delay of [0, 1000, 2500]) {
      this.keyframeTimers.push(
        setTimeout(() => {
          for (const consumer of this.consumers)
            if (consumer.kind === 'video' && !consumer.closed) void consumer.requestKeyFrame().catch(() => undefined);
        }, delay),
      );
    }
  }

  private clearTimers(): void {
    for (const timer of this.keyframeTimers) clearTimeout(timer);
    this.keyframeTimers = [];
  }

  /** Stops the RTP into FFmpeg (the producers may live on in the next part). */
  endInput(): void {
    log.debug(
      {
        outS: this.lastOutUs / 1e6,
        wallS: this.startedAt ? (Date.now() - this.startedAt.getTime()) / 1000 : null,
        sinceAdvanceS: (Date.now() - this.lastAdvance) / 1000,
      },
      'recording input ends',
    );
    this.clearTimers();
    for (const transport of this.transports) if (!transport.closed) transport.close();
  }

  /**
   * Ends the part: SIGINT makes FFmpeg stop taking input, then it blocks in one more read of the RTP
   * socket until that times out (a few seconds) before it writes the trailer, so the input is closed
   * right after. A second SIGINT would interrupt the read but lose what the muxer still holds.
   */
  async stop(): Promise<number | null> {
    this.stopping = true;
    const child = this.child;
    const running = () => child !== null && child.exitCode === null && child.signalCode === null;
    if (child && running()) child.kill('SIGINT');
    this.endInput();
    if (child && running()) {
      const again = setTimeout(() => running() && child.kill('SIGINT'), 15_000);
      const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      await this.exited;
      clearTimeout(again);
      clearTimeout(killer);
    }
    return child ? this.exited : null;
  }
}

/** One session's recording while its room lives. */
class SessionRecorder {
  private part: RecordingPart | null = null;
  /** An FFmpeg already listening for the next part (the common codecs), so the first second is not lost. */
  private standby: Promise<RecordingPart | null> | null = null;
  // Time-based part numbers never collide with an earlier room's parts of the same session (a worker restart).
  private partIndex = Date.now();
  private syncing: Promise<void> = Promise.resolve();
  private debounce: NodeJS.Timeout | null = null;
  private failures = 0;
  private finished = false;
  /** Parts still draining in FFmpeg while the next one already records. */
  private readonly draining = new Set<Promise<void>>();
  /** The product pinned now and since when (its stretch becomes a live clip when it ends). */
  private openPin: { productId: string; at: Date } | null = null;
  private readonly liveCuts = new Set<Promise<void>>();
  readonly dir: string;

  constructor(
    private readonly room: MediaRoom,
    private readonly service: Recorder,
  ) {
    this.dir = sessionMediaDir(service.config, room.sessionId);
    room.hostEvents.on('producers', () => this.schedule());
    room.hostEvents.once('closed', () => service.track(this.finish()));
    this.prepareStandby();
  }

  private newPart(): RecordingPart {
    mkdirSync(path.join(this.dir, 'parts'), { recursive: true });
    const index = this.partIndex++;
    return new RecordingPart(index, path.join(this.dir, 'parts', `part-${String(index)}.mp4`), (p, code) => void this.onPartDied(p, code));
  }

  private prepareStandby(): void {
    if (this.finished || this.room.isClosed || this.standby) return;
    const part = this.newPart();
    this.standby = part
      .spawn(defaultCodecs(this.room.primaryRouter), this.service.config, this.dir, this.service.ports)
      .then(() => part)
      .catch((err) => {
        log.warn({ sessionId: this.room.sessionId, err: String(err) }, 'standby FFmpeg failed to start');
        return null;
      });
  }

  /** The standby FFmpeg when it fits these producers, else a fresh one (the standby is stopped). */
  private async partFor(producers: ms.Producer[]): Promise<RecordingPart> {
    const codecs = codecsOf(this.room.primaryRouter, producers);
    const standby = await this.standby;
    this.standby = null;
    if (standby?.alive && standby.signature === signatureOf(codecs)) return standby;
    if (standby) void standby.stop();
    const part = this.newPart();
    await part.spawn(codecs, this.service.config, this.dir, this.service.ports);
    return part;
  }

  private schedule(delayMs?: number): void {
    // The host's audio and video arrive a moment apart: one part for both, at once when both are there.
    const kinds = new Set(this.room.hostProducerList().map((p) => p.kind));
    delayMs ??= kinds.size === 2 ? 0 : 4000;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.syncing = this.syncing.then(() => this.sync()).catch((err) => this.report(`recording part failed to start: ${String(err)}`));
    }, delayMs);
  }

  private async sync(): Promise<void> {
    if (this.finished || this.room.isClosed) return;
    const producers = this.room.hostProducerList().filter((p) => !p.closed);
    const ids = producers.map((p) => p.id).sort();
    if (this.part && ids.join() === this.part.producerIds.join()) return;
    await this.endPart();
    if (!producers.length) {
      this.prepareStandby();
      return;
    }
    await this.startPart(producers);
  }

  private async startPart(producers: ms.Producer[]): Promise<void> {
    await RecordingModel.updateOne(
      { sessionId: this.room.sessionId },
      { $setOnInsert: { sessionId: this.room.sessionId, parts: [], pins: [], chapters: [], clips: [] }, $set: { status: 'recording' } },
      { upsert: true },
    );
    const part = await this.partFor(producers);
    this.part = part;
    await part.attach(this.room.primaryRouter, producers);
    log.info({ sessionId: this.room.sessionId, part: part.index, tracks: producers.map((p) => p.kind) }, 'recording part started');
    this.service.notify({ sessionId: this.room.sessionId, status: 'recording' });
  }

  /** Ends the running part (its FFmpeg drains in the background) and keeps it when FFmpeg wrote media. */
  private async endPart(): Promise<void> {
    const part = this.part;
    if (!part) return;
    this.part = null;
    const done = part
      .stop()
      .then(() => this.keepPart(part))
      .catch((err) => log.error({ err: String(err) }, 'recording part stop failed'));
    this.draining.add(done);
    void done.finally(() => this.draining.delete(done));
  }

  private async keepPart(part: RecordingPart): Promise<void> {
    if (!part.startedAt) {
      log.warn(
        { sessionId: this.room.sessionId, part: part.index, stderr: part.stderr.slice(-500) },
        'recording part had no media; dropped',
      );
      return;
    }
    log.info(
      { sessionId: this.room.sessionId, part: part.index, startedAt: part.startedAt, ffmpeg: part.stderr.slice(-300) },
      'recording part ended',
    );
    await RecordingModel.updateOne(
      { sessionId: this.room.sessionId },
      { $push: { parts: { file: path.relative(this.dir, part.file), startedAt: part.startedAt } } },
    );
    this.failures = 0;
  }

  private async onPartDied(part: RecordingPart, code: number | null): Promise<void> {
    if (this.part !== part) {
      // A standby that died is replaced when it is next needed.
      return;
    }
    this.part = null;
    this.failures += 1;
    await this.keepPart(part).catch(() => undefined);
    const message = `FFmpeg exited (code ${code}) while recording: ${part.stderr.trim().split('\n').slice(-2).join(' | ')}`;
    await this.report(message);
    // A few retries keep a flaky moment from costing the rest of the session.
    if (this.failures <= 3 && !this.finished) this.schedule(1000 * this.failures);
  }

  private async report(message: string): Promise<void> {
    log.error({ sessionId: this.room.sessionId, error: message }, 'recording problem (the live session goes on)');
    await RecordingModel.updateOne({ sessionId: this.room.sessionId }, { $set: { error: message.slice(0, 1000) } }).catch(() => undefined);
    this.service.notify({ sessionId: this.room.sessionId, status: 'recording', error: message });
  }

  async onPin(productId: string | null, at: Date): Promise<void> {
    const ended = this.openPin;
    this.openPin = productId ? { productId, at } : null;
    if (ended && !this.finished) {
      const cut = this.cutLiveClip(ended.productId, ended.at, at).catch((err) =>
        log.warn({ sessionId: this.room.sessionId, err: String(err) }, 'live clip failed (the replay still cuts it)'),
      );
      this.liveCuts.add(cut);
      void cut.finally(() => this.liveCuts.delete(cut));
    }
    await RecordingModel.updateOne(
      { sessionId: this.room.sessionId },
      {
        $setOnInsert: { sessionId: this.room.sessionId, status: 'recording', parts: [], chapters: [], clips: [] },
        $push: { pins: { productId, at } },
      },
      { upsert: true },
    );
  }

  /**
   * The product's explanation clip while the session is still live: a keyframe-aligned stream copy out of the
   * running part (fragmented MP4 is readable while written), once FFmpeg has written past the stretch. A
   * stretch that crosses a part boundary (the host reconnected) waits for the replay, which cuts every clip again.
   */
  private async cutLiveClip(productId: string, from: Date, to: Date): Promise<void> {
    const part = this.part;
    if (!part?.startedAt || part.startedAt.getTime() > from.getTime()) return;
    const startS = (from.getTime() - part.startedAt.getTime()) / 1000;
    const endS = (to.getTime() - part.startedAt.getTime()) / 1000;
    if (endS - startS < 0.5) return;
    await part.reach(endS + CLIP_FLUSH_S, 30_000); // gives up only if FFmpeg stalls 30 s
    if (part.outTimeS < endS) return;
    const dir = path.join(this.dir, LIVE_CLIPS_DIR);
    mkdirSync(dir, { recursive: true });
    // Names are never reused (immutable caching): the stretch's end time and the product.
    const file = path.join(dir, `${to.getTime()}-${productId}.mp4`);
    const config = this.service.config;
    const cut = await cutClip(
      { ffmpeg: config.HUB_FFMPEG_PATH, ffprobe: config.HUB_FFPROBE_PATH },
      part.file,
      startS,
      endS - startS,
      file,
      `cutting the live clip of product ${productId}`,
      60_000,
    );
    const durationS = Math.round(cut * 1000) / 1000;
    const rel = path.relative(this.dir, file);
    const first = await RecordingModel.findOne({ sessionId: this.room.sessionId }, { parts: 1 }).lean();
    // Seconds since the recording began (wall clock): the joined replay's time when the host never left.
    const began = Math.min(part.startedAt.getTime(), ...(first?.parts ?? []).map((p) => p.startedAt?.getTime() ?? Infinity));
    const clipStartS = Math.round((from.getTime() - began) / 10) / 100;
    await RecordingModel.updateOne(
      { sessionId: this.room.sessionId },
      { $push: { liveClips: { productId, file: rel, durationS, startS: clipStartS } } },
    );
    log.info({ sessionId: this.room.sessionId, productId, durationS }, 'live clip cut');
    this.service.notify({
      sessionId: this.room.sessionId,
      status: 'recording',
      clip: { productId, url: mediaUrl(config, this.room.sessionId, rel), durationS, startS: clipStartS },
    });
  }

  /** The room closed (session ended): finish FFmpeg, then join the parts and cut the clips. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.debounce) clearTimeout(this.debounce);
    const endedAt = new Date();
    await this.syncing.catch(() => undefined);
    await this.endPart();
    const standby = await this.standby;
    this.standby = null;
    await standby?.stop();
    await Promise.allSettled([...this.draining]);
    // Live clips still being cut finish first (their part has ended, so they no longer wait).
    await Promise.allSettled([...this.liveCuts]);
    this.service.forget(this.room.sessionId);
    const existing = await RecordingModel.findOne({ sessionId: this.room.sessionId }, { _id: 1 }).lean();
    if (!existing) return;
    await RecordingModel.updateOne({ sessionId: this.room.sessionId }, { $set: { status: 'processing', endedAt } });
    this.service.notify({ sessionId: this.room.sessionId, status: 'processing' });
    const job = finalizeRecording(this.service.config, this.room.sessionId)
      .then(async (status) => {
        this.service.notify({ sessionId: this.room.sessionId, status });
        await pruneMedia(this.service.config);
      })
      .catch((err) => log.error({ sessionId: this.room.sessionId, err: String(err) }, 'recording processing failed'));
    this.service.track(job);
  }
}

/** The recorder of this process: attaches to each media room the pool creates. */
export class Recorder {
  private readonly sessions = new Map<string, SessionRecorder>();
  private readonly jobs = new Set<Promise<unknown>>();
  readonly ports = new Set<number>();
  private listener: ((notice: RecordingNotice) => void) | null = null;

  constructor(readonly config: HubConfig) {}

  attach(room: MediaRoom): void {
    if (this.config.HUB_RECORDING !== 'on') return;
    this.sessions.set(room.sessionId, new SessionRecorder(room, this));
  }

  onNotice(listener: (notice: RecordingNotice) => void): void {
    this.listener = listener;
  }

  notify(notice: RecordingNotice): void {
    this.listener?.(notice);
  }

  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  track(job: Promise<unknown>): void {
    this.jobs.add(job);
    void job.finally(() => this.jobs.delete(job));
  }

  /** A pin or unpin relayed on this process: a chapter mark when this process records the session. */
  pin(sessionId: string, productId: string | null, at: Date): void {
    const session = this.sessions.get(sessionId);
    if (session) void session.onPin(productId, at).catch((err) => log.warn({ err: String(err) }, 'pin mark failed'));
  }

  /** Resolves when every recording this process finished has been processed (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.jobs.size) await Promise.allSettled([...this.jobs]);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.sessions.values()].map((s) => s.finish()));
    await this.idle();
  }
}
