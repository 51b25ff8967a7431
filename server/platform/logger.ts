import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * On a terminal (and not in production) each JSON line is printed as one short readable line:
 * "12:01:02 INFO  [claims] message key=value"; everywhere else the lines stay JSON for collectors.
 */
function terminalStream(): DestinationStream | undefined {
  if (!process.stdout.isTTY || process.env.NODE_ENV === 'production' || process.env.LOG_FORMAT === 'json') return undefined;
  const skip = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'service', 'component']);
  return {
    write(line: string) {
      try {
        const o = JSON.parse(line) as Record<string, unknown>;
        const time = new Date(Number(o.time)).toTimeString().slice(0, 8);
        const extra = Object.entries(o)
          .filter(([k]) => !skip.has(k))
          .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
          .join(' ');
        const where = o.component ? `[${String(o.component)}] ` : o.service && o.service !== 'hub' ? `[${String(o.service)}] ` : '';
        process.stdout.write(
          `${time} ${(LEVELS[Number(o.level)] ?? '').padEnd(5)} ${where}${String(o.msg ?? '')}${extra ? ` ${extra.slice(0, 300)}` : ''}\n`,
        );
      } catch {
        process.stdout.write(line);
      }
    },
  };
}

/**
 * Secrets never reach the logs: tokens, one-time codes, cookies, authorisation headers and passwords are
 * censored wherever they appear in a logged object, and request URLs lose their `token`/`code` query values.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'currentPassword',
  '*.currentPassword',
  'newPassword',
  '*.newPassword',
  'token',
  '*.token',
  'streamKey',
  '*.streamKey',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'req.query',
  'req.body',
];

const SECRET_QUERY = /([?&](?:token|code|access_token|streamKey)=)[^&#]*/gi;

/** A URL with the values of secret query parameters replaced by `[Redacted]`. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY, '$1[Redacted]');
}

export function loggerOptions(): LoggerOptions {
  return {
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    base: { service: process.env.HUB_PROCESS_NAME ?? 'hub' },
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
  };
}

/** A logger with the hub's options, writing to `destination` (tests capture output with it). */
export function createLogger(destination?: DestinationStream, overrides: LoggerOptions = {}): Logger {
  const options = { ...loggerOptions(), ...overrides };
  return destination ? pino(options, destination) : pino(options);
}

/** One structured logger for the process; components take children with their own `component` field. */
export const logger: Logger = createLogger(terminalStream());

export function componentLogger(component: string): Logger {
  return logger.child({ component });
}

interface LoggableRequest {
  id?: unknown;
  method?: string;
  url?: string;
  originalUrl?: string;
  headers?: Record<string, unknown>;
  socket?: { remoteAddress?: string };
  raw?: LoggableRequest;
}

/**
 * pino-http's request serializer: method, path (secret query values redacted), address and user agent only;
 * no headers (authorisation, cookies), no query object, no body.
 */
export function requestSerializer(req: LoggableRequest) {
  const raw = req.raw ?? req;
  return {
    id: req.id ?? raw.id,
    method: req.method ?? raw.method,
    url: redactUrl(raw.originalUrl ?? req.url ?? raw.url),
    remoteAddress: raw.socket?.remoteAddress,
    userAgent: raw.headers?.['user-agent'],
  };
}

/** pino-http's response serializer: the status only (no Set-Cookie). */
export function responseSerializer(res: { statusCode?: number; raw?: { statusCode?: number } }) {
  return { statusCode: res.statusCode ?? res.raw?.statusCode };
}
