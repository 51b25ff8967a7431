/**
 * What happens to a recording after the session: parts joined, VOD HLS packaged, clips cut, sizes
 * counted; the media answer of the public API; and the disk budget (retention, oldest pruned first).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HubConfig } from '../../../config/env.ts';
import { componentLogger } from '../../platform/logger.ts';
import { RecordingModel, type RecordingStatus } from './recording.model.ts';
import { cutClip, probeDuration, runOrThrow } from './ffmpeg.ts';

const log = componentLogger('recordings');

/** Where clips cut during the live session go (deleted when the replay's clips are cut). */
export const LIVE_CLIPS_DIR = 'live-clips';

export function mediaRoot(config: Pick<HubConfig, 'HUB_MEDIA_DIR'>): string {
  return path.resolve(config.HUB_MEDIA_DIR);
}

export function sessionMediaDir(config: Pick<HubConfig, 'HUB_MEDIA_DIR'>, sessionId: string): string {
  return path.join(mediaRoot(config), sessionId);
}

export interface PartTiming {
  startedAt: Date;
  durationS: number;
}

/** Seconds into the joined recording of a wall-clock moment; a moment between parts maps to the next part's start. */
export function mediaTimeOf(parts: PartTiming[], at: Date): number {
  let offset = 0;
  for (const part of parts) {
    const rel = (at.getTime() - part.startedAt.getTime()) / 1000;
    if (rel < 0) return offset;
    if (rel <= part.durationS) return offset + rel;
    offset += part.durationS;
  }
  return offset;
}

export interface Chapter {
  productId: string;
  startS: number;
  endS: number;
}

/** A chapter per pinned stretch: from a pin to the next pin, unpin or the end (stretches under half a second dropped). */
export function chaptersOf(parts: PartTiming[], pins: { productId: string | null; at: Date }[], endedAt: Date): Chapter[] {
  const sorted = [...pins].sort((a, b) => a.at.getTime() - b.at.getTime());
  const chapters: Chapter[] = [];
  sorted.forEach((pin, i) => {
    if (!pin.productId) return;
    const end = sorted[i + 1]?.at ?? endedAt;
    const startS = mediaTimeOf(parts, pin.at);
    const endS = mediaTimeOf(parts, end);
    if (endS - startS >= 0.5) chapters.push({ productId: pin.productId, startS: round3(startS), endS: round3(endS) });
  });
  return chapters;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(full) : statSync(full).size;
  }
  return total;
}

/**
 * Joins the parts (stream copy: they share one encoder setup), packages the VOD HLS, cuts the clips.
 * Clips are stream copies starting at the keyframe at or before the pin: the recorder forces a keyframe
 * every 0.5 s, so a cut is never more than half a second early and costs no encoding.
 */
export async function finalizeRecording(config: HubConfig, sessionId: string): Promise<RecordingStatus> {
  const dir = sessionMediaDir(config, sessionId);
  const recording = await RecordingModel.findOne({ sessionId }).lean();
  if (!recording) return 'failed';
  try {
    const parts: (PartTiming & { file: string })[] = [];
    const stored = [...(recording.parts ?? [])].sort((a, b) => (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0));
    for (const part of stored) {
      if (!part.file || !part.startedAt) continue;
      const file = path.join(dir, part.file);
      const durationS = existsSync(file) ? await probeDuration(config.HUB_FFPROBE_PATH, file) : null;
      if (durationS && durationS > 0) parts.push({ file, startedAt: part.startedAt, durationS });
    }
    if (!parts.length) throw new Error(recording.error ? `no media was recorded (${recording.error})` : 'no media was recorded');
    const mp4 = path.join(dir, 'recording.mp4');
    const list = path.join(dir, 'parts', 'concat.txt');
    writeFileSync(list, parts.map((p) => `file '${p.file.replace(/'/g, "'\\''")}'`).join('\n'));
    await runOrThrow(
      config.HUB_FFMPEG_PATH,
      ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', mp4],
      'joining the recording parts',
    );
    const vod = path.join(dir, 'vod');
    rmSync(vod, { recursive: true, force: true });
    mkdirSync(vod, { recursive: true });
    await runOrThrow(
      config.HUB_FFMPEG_PATH,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-i',
        mp4,
        '-c',
        'copy',
        '-f',
        'hls',
        '-hls_time',
        '4',
        '-hls_playlist_type',
        'vod',
        '-hls_segment_filename',
        path.join(vod, 'seg-%05d.ts'),
        path.join(vod, 'index.m3u8'),
      ],
      'packaging the replay HLS',
    );
    const durationS = (await probeDuration(config.HUB_FFPROBE_PATH, mp4)) ?? parts.reduce((s, p) => s + p.durationS, 0);
    const chapters = chaptersOf(
      parts,
      (recording.pins ?? []).map((p) => ({ productId: p.productId ?? null, at: p.at! })),
      recording.endedAt ?? new Date(),
    );
    const clipsDir = path.join(dir, 'clips');
    rmSync(clipsDir, { recursive: true, force: true });
    mkdirSync(clipsDir, { recursive: true });
    const clips = [];
    for (const [i, chapter] of chapters.entries()) {
      const file = path.join(clipsDir, `${String(i + 1).padStart(2, '0')}-${chapter.productId}.mp4`);
      const clipDuration = await cutClip(
        { ffmpeg: config.HUB_FFMPEG_PATH, ffprobe: config.HUB_FFPROBE_PATH },
        mp4,
        chapter.startS,
        chapter.endS - chapter.startS,
        file,
        `cutting the clip of product ${chapter.productId}`,
      );
      clips.push({
        productId: chapter.productId,
        file: path.relative(dir, file),
        durationS: round3(clipDuration),
        startS: chapter.startS,
      });
    }
    // The joined file holds everything: the parts and the live segments are no longer needed.
    rmSync(path.join(dir, 'parts'), { recursive: true, force: true });
    rmSync(path.join(dir, 'live'), { recursive: true, force: true });
    rmSync(path.join(dir, LIVE_CLIPS_DIR), { recursive: true, force: true });
    await RecordingModel.updateOne(
      { sessionId },
      {
        $set: {
          status: 'ready',
          durationS: round3(durationS),
          chapters,
          clips,
          liveClips: [],
          bytes: dirBytes(dir),
          parts: parts.map((p) => ({ file: path.relative(dir, p.file), startedAt: p.startedAt, durationS: round3(p.durationS) })),
        },
      },
    );
    log.info({ sessionId, durationS, parts: parts.length, chapters: chapters.length }, 'recording ready');
    return 'ready';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error({ sessionId, error: message }, 'recording failed');
    await RecordingModel.updateOne({ sessionId }, { $set: { status: 'failed', error: message.slice(0, 1000), bytes: dirBytes(dir) } });
    return 'failed';
  }
}

/** Where clients fetch /media files: the hub itself, or a CDN in front of it (HUB_MEDIA_BASE_URL). */
export function mediaUrl(config: Pick<HubConfig, 'HUB_MEDIA_BASE_URL'>, sessionId: string, file: string): string {
  const base = (config.HUB_MEDIA_BASE_URL ?? '/media').replace(/\/$/, '');
  return `${base}/${sessionId}/${file.split(path.sep).join('/')}`;
}

/** `GET /public/sessions/:id/media` (CONTRACT.md). */
export async function sessionMedia(config: HubConfig, sessionId: string, sessionStatus: string) {
  const recording = await RecordingModel.findOne({ sessionId }).lean();
  const liveFile = path.join(sessionMediaDir(config, sessionId), 'live', 'index.m3u8');
  const liveHls =
    sessionStatus === 'live' && recording?.status === 'recording' && existsSync(liveFile)
      ? mediaUrl(config, sessionId, 'live/index.m3u8')
      : null;
  const status = !recording || recording.status === 'pruned' ? 'none' : recording.status;
  const ready = status === 'ready';
  // While live (and processing), the clips cut so far; then the replay's own.
  const clips = ready ? (recording?.clips ?? []) : status === 'recording' || status === 'processing' ? (recording?.liveClips ?? []) : [];
  return {
    live: { hls: liveHls },
    replay: {
      status,
      ...(ready && recording?.durationS != null ? { durationS: recording.durationS } : {}),
      ...(ready ? { mp4: mediaUrl(config, sessionId, 'recording.mp4'), hls: mediaUrl(config, sessionId, 'vod/index.m3u8') } : {}),
      chapters: ready ? (recording?.chapters ?? []).map((c) => ({ productId: c.productId!, startS: c.startS!, endS: c.endS! })) : [],
      clips: clips.map((c) => ({
        productId: c.productId!,
        url: mediaUrl(config, sessionId, c.file!),
        durationS: c.durationS!,
        startS: c.startS!,
      })),
      // A recording still being written is measured now (a few files); a finished one was measured once.
      bytes: status === 'recording' ? dirBytes(sessionMediaDir(config, sessionId)) : (recording?.bytes ?? 0),
      error: recording?.error ?? null,
    },
  };
}

export interface StorageReport {
  usedBytes: number;
  budgetBytes: number;
  disk: { freeBytes: number; totalBytes: number } | null;
  recordings: number;
  pruned: string[];
  warnings: string[];
}

/**
 * Keeps the media directory within retention and budget: expired recordings go, then the oldest
 * until the rest fit; recordings being written or processed are never touched. Warns when the budget
 * or the disk is nearly full.
 */
export async function pruneMedia(config: HubConfig, now = new Date()): Promise<StorageReport> {
  const budgetBytes = config.HUB_MEDIA_BUDGET_MB * 1024 * 1024;
  const items = await RecordingModel.find(
    { status: { $in: ['ready', 'failed', 'recording', 'processing'] } },
    { sessionId: 1, status: 1, bytes: 1, createdAt: 1, endedAt: 1 },
  )
    .sort({ createdAt: 1 })
    .lean();
  let used = items.reduce((s, r) => s + (r.bytes ?? 0), 0);
  const pruned: string[] = [];
  const retentionMs = config.HUB_MEDIA_RETENTION_DAYS * 86400_000;
  for (const item of items) {
    if (item.status === 'recording' || item.status === 'processing') continue;
    const expired = retentionMs > 0 && (item.endedAt ?? item.createdAt!).getTime() < now.getTime() - retentionMs;
    if (!expired && used <= budgetBytes) continue;
    const sessionId = String(item.sessionId);
    rmSync(sessionMediaDir(config, sessionId), { recursive: true, force: true });
    await RecordingModel.updateOne({ sessionId: item.sessionId }, { $set: { status: 'pruned', prunedAt: now, bytes: 0 } });
    used -= item.bytes ?? 0;
    pruned.push(sessionId);
    log.info({ sessionId, bytes: item.bytes, reason: expired ? 'retention' : 'budget' }, 'recording pruned');
  }
  const warnings: string[] = [];
  const warnShare = config.HUB_MEDIA_WARN_PERCENT / 100;
  if (used > budgetBytes * warnShare) warnings.push(`recordings use ${Math.round((used / budgetBytes) * 100)}% of HUB_MEDIA_BUDGET_MB`);
  let disk: StorageReport['disk'] = null;
  try {
    const root = mediaRoot(config);
    mkdirSync(root, { recursive: true });
    const fs = statfsSync(root);
    disk = { freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize };
    if (disk.totalBytes > 0 && 1 - disk.freeBytes / disk.totalBytes > warnShare) {
      warnings.push(`the disk holding ${root} is ${Math.round((1 - disk.freeBytes / disk.totalBytes) * 100)}% full`);
    }
  } catch (err) {
    warnings.push(`cannot read the media disk: ${String(err)}`);
  }
  for (const warning of warnings) log.warn({ usedBytes: used, budgetBytes }, `media storage: ${warning}`);
  return { usedBytes: used, budgetBytes, disk, recordings: items.length - pruned.length, pruned, warnings };
}
