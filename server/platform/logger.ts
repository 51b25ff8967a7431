import { pino, type DestinationStream, type Logger } from 'pino';

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
        const extra = Object.entries(o).filter(([k]) => !skip.has(k)).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
        const where = o.component ? `[${String(o.component)}] ` : o.service && o.service !== 'hub' ? `[${String(o.service)}] ` : '';
        process.stdout.write(`${time} ${(LEVELS[Number(o.level)] ?? '').padEnd(5)} ${where}${String(o.msg ?? '')}${extra ? ` ${extra.slice(0, 300)}` : ''}\n`);
      } catch {
        process.stdout.write(line);
      }
    },
  };
}

/** One structured logger for the process; components take children with their own `component` field. */
const options = {
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: process.env.HUB_PROCESS_NAME ?? 'hub' },
  redact: ['req.headers.authorization', 'password', 'passwordHash', '*.password'],
};
const terminal = terminalStream();
export const logger: Logger = terminal ? pino(options, terminal) : pino(options);

export function componentLogger(component: string): Logger {
  return logger.child({ component });
}
