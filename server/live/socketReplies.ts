import { DATABASE_RETRY_AFTER_S, HttpError, errorParams, isDatabaseUnavailable, type ErrorParams } from '../platform/errors.ts';
import { componentLogger } from '../platform/logger.ts';

const log = componentLogger('live-signalling');

export interface SocketErrorReply {
  error: { code: string; message: string; params?: ErrorParams; details?: unknown; retryAfter?: number };
}

/**
 * The acknowledgement of a failed socket request. A database that cannot be reached is the REST side's
 * 503: `service_unavailable` with `retryAfter` (seconds), so the client retries instead of reporting a bug.
 */
export function errorReply(err: unknown): SocketErrorReply {
  if (err instanceof HttpError)
    return {
      error: {
        code: err.code,
        message: err.message,
        params: errorParams(err),
        ...(err.details !== undefined ? { details: err.details } : {}),
      },
    };
  if (isDatabaseUnavailable(err)) {
    const e = err as { name?: string; message?: string };
    log.warn({ err: { name: e.name, message: e.message } }, 'database unavailable (socket request)');
    return {
      error: {
        code: 'service_unavailable',
        message: 'The database is unavailable for a moment; try again shortly',
        params: { retryAfterSeconds: DATABASE_RETRY_AFTER_S },
        retryAfter: DATABASE_RETRY_AFTER_S,
      },
    };
  }
  log.error({ err }, 'signalling handler failed');
  return { error: { code: 'internal', message: 'Internal error; the hub logged it' } };
}
