import { pino, type Logger } from 'pino';

/** One structured logger for the process; components take children with their own `component` field. */
export const logger: Logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: process.env.HUB_PROCESS_NAME ?? 'hub' },
  redact: ['req.headers.authorization', 'password', 'passwordHash', '*.password'],
});

export function componentLogger(component: string): Logger {
  return logger.child({ component });
}
