import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { logger } from './logger.ts';

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'malformed_json'
  | 'payload_too_large'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_many_requests'
  | 'service_unavailable'
  | 'internal';

/** Values a client needs to say an error in its own language (field names, amounts in fen, ISO times, ids). */
export type ErrorParams = Record<string, string | number | boolean | null>;

/**
 * An error with an HTTP status and the contract's `{error: {code, message, details?}}` body, plus `params`
 * beside them: `code` + `params` are stable and rendered per language by the client; `message` is English for logs.
 */
export class HttpError extends Error {
  params?: ErrorParams;

  constructor(
    readonly status: number,
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Attaches client-renderable parameters (e.g. `{field, reason}`) to an error; returns it for `throw`. */
export function withParams<E extends HttpError>(err: E, params: ErrorParams): E {
  err.params = { ...err.params, ...params };
  return err;
}

/** A 400 whose params name the field the message names (`Invalid field "x": …`) and any `params` given. */
export const badRequest = (message: string, details?: unknown, params: ErrorParams = {}) => {
  const field = FIELD_IN_MESSAGE.exec(message)?.[1];
  return withParams(new HttpError(400, 'bad_request', message, details), { ...(field ? { field } : {}), ...params });
};
/** `reason` says which case it is (e.g. `invalid_credentials`, `deactivated`) so the client can say it. */
export const unauthenticated = (message = 'Sign in first: send Authorization: Bearer <token>', reason?: string) =>
  withParams(new HttpError(401, 'unauthenticated', message), reason ? { reason } : {});
export const forbidden = (message = 'Your role or organisation may not do this') => new HttpError(403, 'forbidden', message);
/** `what` starts with the kind of record ("Session", "Evidence file 1f…"): sent as `resource` (session, evidence_file). */
export const notFound = (what: string) => withParams(new HttpError(404, 'not_found', `${what} not found`), { resource: resourceOf(what) });

/** Kinds of record a 404 can name; the client has a label for each (client/src/lib/errors.ts). */
export const NOT_FOUND_RESOURCES = [
  'evidence file',
  'chat message',
  'trace code',
  'session',
  'product',
  'claim',
  'base',
  'park',
  'procurement',
  'user',
  'organisation',
  'household',
  'report',
  'batch',
  'step',
  'photo',
  'studio',
  'transport',
  'consumer',
  'item',
  'policy',
  'programme',
  'job',
  'order',
  'address',
  'station',
  'clip',
  'recording',
  'flash sale',
  'whip resource',
] as const;

function resourceOf(what: string): string {
  const lower = what.toLowerCase();
  const kind = NOT_FOUND_RESOURCES.filter((r) => lower === r || lower.startsWith(`${r} `)).sort((x, y) => y.length - x.length)[0];
  return kind ? kind.replace(/ /g, '_') : 'record';
}
export const conflict = (message: string, details?: unknown, code = 'conflict') => new HttpError(409, code, message, details);

/** Turn zod issues into a 400 whose message names the first bad field. */
export function validationError(error: ZodError, where: 'body' | 'query' | 'params' | 'header'): HttpError {
  const issues = error.issues.map((issue) => ({
    field: [where, ...issue.path].join('.'),
    message: issue.message,
    code: issue.code,
  }));
  const first = issues[0];
  const firstIssue = error.issues[0];
  // An unknown key is "the field" itself, not its parent object.
  const unknownKey = firstIssue?.code === 'unrecognized_keys' ? firstIssue.keys[0] : undefined;
  const fieldName = unknownKey ?? (first ? first.field.replace(/^(body|query|params|header)\./, '') || first.field : where);
  const message = first ? `Invalid ${where === 'body' ? 'field' : where} "${fieldName}": ${first.message}` : `Invalid ${where}`;
  return withParams(new HttpError(400, 'validation_failed', message, { issues }), {
    field: fieldName,
    where,
    rule: firstIssue?.code ?? 'invalid',
    ...(firstIssue ? issueParams(firstIssue) : {}),
  });
}

/** The numbers a client needs to explain a zod issue ("at most 200 characters"). */
function issueParams(issue: ZodError['issues'][number]): ErrorParams {
  switch (issue.code) {
    case 'too_small':
      return { minimum: Number(issue.minimum), type: issue.type };
    case 'too_big':
      return { maximum: Number(issue.maximum), type: issue.type };
    case 'invalid_type':
      return { expected: String(issue.expected), received: String(issue.received) };
    case 'invalid_string':
      return { validation: typeof issue.validation === 'string' ? issue.validation : 'format' };
    default:
      return {};
  }
}

const FIELD_IN_MESSAGE = /^Invalid (?:field|query|params|header) "([^"]+)"/;

/** Parameters every error carries: explicit ones, else what its message and details already name. */
export function errorParams(err: HttpError): ErrorParams {
  const params: ErrorParams = {};
  const named = FIELD_IN_MESSAGE.exec(err.message)?.[1];
  if (named) params.field = named;
  const details = err.details as Record<string, unknown> | undefined;
  if (details && typeof details === 'object') {
    if (Array.isArray(details.fields) && typeof details.fields[0] === 'string') params.field = details.fields[0];
    for (const [key, value] of Object.entries(details)) {
      if (['string', 'number', 'boolean'].includes(typeof value) && key !== 'issues') params[key] = value as string | number | boolean;
    }
  }
  return { ...params, ...err.params };
}

/** Mongo duplicate-key errors become 409s naming the duplicated field. */
export function isDuplicateKeyError(err: unknown): err is { code: number; keyValue?: Record<string, unknown>; message: string } {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

export function duplicateKeyToConflict(err: { keyValue?: Record<string, unknown>; message: string }, what = 'record'): HttpError {
  const fields = err.keyValue ? Object.keys(err.keyValue) : [];
  const named = fields.length ? fields.join(', ') : (/index: (\S+)/.exec(err.message)?.[1] ?? 'a unique field');
  const value = fields[0] !== undefined ? err.keyValue?.[fields[0]] : undefined;
  return withParams(conflict(`A ${what} with the same ${named} already exists`, { fields }), {
    reason: 'duplicate',
    ...(fields[0] ? { field: fields[0] } : {}),
    ...(typeof value === 'string' || typeof value === 'number' ? { value } : {}),
  });
}

const DATABASE_UNAVAILABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoPoolClearedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
]);

/**
 * True for errors that mean the database could not be reached (down, restarting, pool cleared), as
 * opposed to a refused operation: the request may be retried. Looks through `cause`/`reason` chains.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as {
    name?: string;
    message?: string;
    cause?: unknown;
    reason?: unknown;
    errorLabels?: unknown;
    errorLabelSet?: Set<string>;
  };
  if (e.name && DATABASE_UNAVAILABLE.has(e.name)) return true;
  // mongoose buffers commands while disconnected and gives up with this message.
  if (e.name === 'MongooseError' && /buffering timed out/.test(e.message ?? '')) return true;
  if (e.errorLabelSet instanceof Set && e.errorLabelSet.has('ResetPool')) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.reason, depth + 1);
}

/** Seconds a client should wait before retrying a request refused because the database is unavailable. */
export const DATABASE_RETRY_AFTER_S = 5;

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let httpError: HttpError;
  if (err instanceof HttpError) httpError = err;
  else if (isDatabaseUnavailable(err)) {
    (req.log ?? logger).warn({ err: { name: err?.name, message: err?.message } }, 'database unavailable');
    httpError = new HttpError(
      503,
      'service_unavailable',
      'The database is unavailable for a moment; try again shortly',
      { retryAfterSeconds: DATABASE_RETRY_AFTER_S },
      { 'Retry-After': String(DATABASE_RETRY_AFTER_S) },
    );
  } else if (err instanceof ZodError) httpError = validationError(err, 'body');
  else if (isDuplicateKeyError(err)) httpError = duplicateKeyToConflict(err);
  else if (err?.type === 'entity.too.large')
    httpError = new HttpError(413, 'payload_too_large', `Request body is larger than the ${err.limit ?? ''} byte limit; send less`);
  else if (err?.type === 'entity.parse.failed') httpError = new HttpError(400, 'malformed_json', 'Malformed JSON body: check the syntax');
  else if (err?.type === 'charset.unsupported' || err?.type === 'encoding.unsupported')
    httpError = new HttpError(415, 'bad_request', String(err.message));
  else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500)
    httpError = new HttpError(err.status, 'bad_request', String(err.message));
  else {
    (req.log ?? logger).error({ err }, 'unhandled error');
    httpError = new HttpError(500, 'internal', 'Internal error; the hub logged it. Try again or tell the operator.');
  }
  if (httpError.headers) res.set(httpError.headers);
  const body: { error: { code: string; message: string; details?: unknown; params: ErrorParams } } = {
    error: { code: httpError.code, message: httpError.message, params: errorParams(httpError) },
  };
  if (httpError.details !== undefined) body.error.details = httpError.details;
  res.status(httpError.status).json(body);
};
