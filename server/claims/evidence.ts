import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import multer from 'multer';
import type { RequestHandler } from 'express';
import { HttpError, badRequest } from '../platform/errors.ts';

export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

/** Accepted evidence types, recognised by their first bytes (the declared content type is not trusted). */
const SIGNATURES: { contentType: string; magic: number[] }[] = [
  { contentType: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { contentType: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { contentType: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
];

export function sniffContentType(bytes: Buffer): string | null {
  for (const { contentType, magic } of SIGNATURES) {
    if (bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)) return contentType;
  }
  return null;
}

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_EVIDENCE_BYTES, files: 1, fields: 5 } });

/** Parses one multipart `file` field; an oversize or extra file becomes a clear 4xx before anything is written. */
export const parseEvidenceUpload: RequestHandler = (req, res, next) => {
  upload.single('file')(req, res, (err: unknown) => {
    if (!err) return next();
    const code = (err as { code?: string }).code;
    if (code === 'LIMIT_FILE_SIZE')
      return next(
        new HttpError(413, 'payload_too_large', `Invalid field "file": larger than the 10 MB limit (${MAX_EVIDENCE_BYTES} bytes)`),
      );
    if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT')
      return next(badRequest('Invalid field "file": send exactly one file in the multipart field named "file"'));
    next(badRequest(`Invalid multipart upload: ${(err as Error).message}`));
  });
};

export interface StoredEvidence {
  fileId: string;
  sha256: string;
  filename: string;
  contentType: string;
  size: number;
}

/** Checks the magic bytes and stores the file under HUB_UPLOAD_DIR, named by a fresh id (metadata keeps its SHA-256). */
export async function storeEvidence(uploadDir: string, file: Express.Multer.File | undefined): Promise<StoredEvidence> {
  if (!file) throw badRequest('Invalid field "file": attach a PDF, JPEG or PNG in the multipart field named "file"');
  if (file.size === 0) throw badRequest('Invalid field "file": the file is empty');
  const contentType = sniffContentType(file.buffer);
  if (!contentType)
    throw new HttpError(
      415,
      'unsupported_media_type',
      'Invalid field "file": only PDF, JPEG or PNG files are accepted (checked by their content, not their name)',
    );
  const sha256 = createHash('sha256').update(file.buffer).digest('hex');
  const fileId = randomUUID();
  const target = evidencePath(uploadDir, fileId);
  await mkdir(path.dirname(target), { recursive: true });
  // Write then rename, so a reader never sees half a file.
  await writeFile(`${target}.part`, file.buffer);
  await rename(`${target}.part`, target);
  const filename =
    path
      .basename(multipartFilename(file.originalname || 'evidence'))
      .replace(/[^\p{L}\p{N}._ -]/gu, '_')
      .slice(0, 120) || 'evidence';
  return { fileId, sha256, filename, contentType, size: file.size };
}

/**
 * Browsers send multipart file names as UTF-8 bytes, which busboy hands over as latin1 characters
 * ("æ\u0094¶è´\u00ad…" for "收购…"). Re-read them as UTF-8 when they are valid UTF-8; keep them otherwise.
 */
export function multipartFilename(name: string): string {
  if (![...name].every((ch) => ch.charCodeAt(0) < 256) || !/[\x80-\xff]/.test(name)) return name;
  const decoded = Buffer.from(name, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? name : decoded;
}

export function evidencePath(uploadDir: string, fileId: string): string {
  if (!/^[0-9a-f-]{36}$/.test(fileId)) throw badRequest('Invalid params "fileId": must be an evidence file id');
  return path.resolve(uploadDir, fileId.slice(0, 2), fileId);
}
