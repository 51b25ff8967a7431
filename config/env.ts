import { z } from 'zod';

/**
 * The hub's whole configuration, parsed once from the environment.
 * A bad value stops start-up with a message naming the variable and the fix.
 */
const integer = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(fallback);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: integer(3000, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .default('mongodb://127.0.0.1:27017/dehua_hub'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and BullMQ queue, so several hubs (or test runs) share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/i, 'letters, digits, - and _ only')
    .default('hub'),
  HUB_ADMIN_USERNAME: z.string().min(3).max(64).default('admin'),
  HUB_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('dehua-admin-2020'),
  HUB_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  HUB_TOKEN_TTL_SECONDS: integer(8 * 3600, 1),
  HUB_BCRYPT_ROUNDS: integer(11, 4, 15),
  HUB_LOGIN_MAX_FAILURES_PER_USER: integer(10, 1),
  HUB_LOGIN_MAX_FAILURES_PER_ADDRESS: integer(50, 1),
  HUB_LOGIN_WINDOW_SECONDS: integer(15 * 60, 1),
  HUB_TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** The demonstration fund in fen (2,000 万 yuan by default); budget categories take their shares of it. */
  HUB_FUND_TOTAL_FEN: integer(2_000_000_000, 1, 1e12),
  HUB_POLICY_VERSION: z.string().default('dehua-2020'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where evidence files are kept (claims). */
  HUB_UPLOAD_DIR: z.string().default('data/uploads'),
  /** Serve the built client from this folder when it exists. */
  HUB_CLIENT_DIR: z.string().default('client/dist'),
  HUB_PUBLIC_URL: z.string().url().optional(),
  /** Web processes behind the one port (`npm start`); default one per core. Live sessions stay in one process each. */
  HUB_WEB_PROCESSES: z.coerce.number().int().min(1).max(64).optional(),
  // Buyers and checkout (server/auth/signup*, server/commerce/checkout)
  /** Leading zero bits of the sign-up proof of work (about 2^bits SHA-256 hashes in the browser). */
  HUB_SIGNUP_POW_BITS: integer(16, 0, 28),
  HUB_SIGNUP_MAX_PER_ADDRESS: integer(20, 1),
  HUB_SIGNUP_MAX_PER_PHONE: integer(5, 1),
  HUB_SIGNUP_WINDOW_SECONDS: integer(3600, 1),
  /** An unpaid (bank transfer) order expires and releases its stock after this many seconds. */
  HUB_ORDER_PAYMENT_TIMEOUT_SECONDS: integer(15 * 60, 1),
  /** A chat "+1" reservation not checked out within this many seconds expires and releases its stock. */
  HUB_PLUS_ONE_HOLD_SECONDS: integer(5 * 60, 1),
  /** Wrong pick-up codes allowed per order before its hand-over is locked for HUB_PICKUP_LOCK_SECONDS. */
  HUB_PICKUP_MAX_WRONG_CODES: integer(5, 1, 100),
  HUB_PICKUP_LOCK_SECONDS: integer(15 * 60, 1),
  // mediasoup (live)
  MEDIASOUP_WORKER_BIN: z.string().optional(),
  MEDIASOUP_NUM_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  /** Set by server/webCluster.ts in each web process it forks (0…n−1); unset in a single process. */
  HUB_WEB_PROCESS_INDEX: z.coerce.number().int().min(0).max(1023).optional(),
  MEDIASOUP_LISTEN_IP: z.string().default('0.0.0.0'),
  MEDIASOUP_ANNOUNCED_ADDRESS: z.string().optional(),
  /** Fallback port range (a WebRtcServer whose port is taken, pipe transports between workers). */
  MEDIASOUP_MIN_PORT: integer(40000, 1024, 65535),
  MEDIASOUP_MAX_PORT: integer(40999, 1024, 65535),
  MEDIASOUP_MAX_CONSUMERS_PER_ROUTER: integer(400, 1),
  /**
   * Every viewer's media goes through one WebRtcServer per mediasoup worker: worker i listens on UDP and
   * TCP port MEDIASOUP_WEBRTC_PORT + i (open these in the firewall). 0 picks free ports (tests).
   */
  MEDIASOUP_WEBRTC_PORT: integer(44444, 0, 65535),
  /** Transport caps: per socket connection, per client address (this process) and per live session. */
  MEDIASOUP_MAX_TRANSPORTS_PER_CONNECTION: integer(2, 1, 16),
  MEDIASOUP_MAX_TRANSPORTS_PER_ADDRESS: integer(40, 1),
  MEDIASOUP_MAX_TRANSPORTS_PER_SESSION: integer(2000, 1),
  // Recording, replay, live HLS and ingest (server/live/media/recorder.ts, docs/media.md)
  /** Recordings, clips and HLS segments, served as static files under /media. */
  HUB_MEDIA_DIR: z.string().default('data/media'),
  HUB_RECORDING: z.enum(['on', 'off']).default('on'),
  /** Where clients fetch /media files when a CDN or cache serves them (e.g. https://cdn.example.cn/media); default the hub's /media. */
  HUB_MEDIA_BASE_URL: z.string().url().optional(),
  HUB_FFMPEG_PATH: z.string().default('ffmpeg'),
  HUB_FFPROBE_PATH: z.string().default('ffprobe'),
  /** UDP ports FFmpeg receives the recorded RTP on (two per track: RTP and RTCP), 127.0.0.1 only. */
  HUB_RECORDER_MIN_PORT: integer(47000, 1024, 65535),
  HUB_RECORDER_MAX_PORT: integer(47999, 1024, 65535),
  /** Recordings older than this are deleted; 0 keeps them until the disk budget needs the space. */
  HUB_MEDIA_RETENTION_DAYS: integer(30, 0, 3650),
  /** Disk the recordings may use together; the oldest are pruned first when a new one would pass it. */
  HUB_MEDIA_BUDGET_MB: integer(20_480, 1),
  /** A warning is logged (and shown on the storage report) above this share of the budget or of the disk. */
  HUB_MEDIA_WARN_PERCENT: integer(80, 1, 100),
  /** RTMP ingest listener (OBS and hardware encoders); 0 turns RTMP ingest off. */
  HUB_RTMP_PORT: integer(1935, 0, 65535),
});

export type HubConfig = z.infer<typeof envSchema> & { HUB_JWT_SECRET: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DEV_ONLY_SECRET = 'dehua-live-hub-local-development-secret-do-not-use-in-production';

/** Parse the environment; throws ConfigError listing every bad variable with what to do. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  // Empty strings count as unset, as a shell `FOO=` line means.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        return `${name}: ${issue.message} (got ${JSON.stringify(cleaned[name] ?? null)}); set ${name} to a valid value or unset it to use the default`;
      }),
    );
  }
  const config = parsed.data;
  const problems: string[] = [];
  if (config.MEDIASOUP_MIN_PORT > config.MEDIASOUP_MAX_PORT) {
    problems.push('MEDIASOUP_MIN_PORT: must not be above MEDIASOUP_MAX_PORT');
  }
  if (config.NODE_ENV === 'production' && !config.HUB_JWT_SECRET) {
    problems.push('HUB_JWT_SECRET: required in production; set it to 32+ random characters (e.g. `openssl rand -hex 32`)');
  }
  if (config.NODE_ENV === 'production' && config.HUB_ADMIN_PASSWORD === 'dehua-admin-2020') {
    problems.push('HUB_ADMIN_PASSWORD: the default password is refused in production; set your own');
  }
  if (problems.length) throw new ConfigError(problems);
  return { ...config, HUB_JWT_SECRET: config.HUB_JWT_SECRET ?? DEV_ONLY_SECRET };
}
