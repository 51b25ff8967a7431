import type { Namespace, Socket } from 'socket.io';
import type { HubContext } from '../context.ts';
import { componentLogger } from '../logger.ts';
import type { AuthUser } from './roles.ts';
import { requestToken } from './cookies.ts';
import { verifyToken, type TokenSession } from './tokens.ts';

const log = componentLogger('auth');

/**
 * Whether a token still works, checked on every request and socket with one Redis round trip:
 * - the user's state `auth:user:<id>` = `<tokenVersion>` when active, `off:<tokenVersion>` when not
 *   (the database is the truth; a missing key is loaded from it, never guessed);
 * - a signed-out token's id `auth:revoked:<jti>` (kept until the token would expire anyway).
 * Deactivation and password changes raise the version (every older token ends); sign-out revokes one token.
 * Live sockets of the user (or of the token) are disconnected at once, in every process (Redis adapter).
 */
const userKey = (ctx: HubContext, userId: string) => `${ctx.config.REDIS_PREFIX}:auth:user:${userId}`;
const revokedKey = (ctx: HubContext, jti: string) => `${ctx.config.REDIS_PREFIX}:auth:revoked:${jti}`;
const STATE_TTL_SECONDS = 24 * 3600;

export const userSocketRoom = (userId: string) => `user:${userId}`;
export const tokenSocketRoom = (jti: string) => `token:${jti}`;

export type SessionCheck = 'ok' | 'revoked' | 'inactive' | 'outdated' | 'unknown_user';

export interface UserState {
  active: boolean;
  tokenVersion: number;
}

/** Reads an account's state from the database (null: no such account). */
export type AccountStateReader = (userId: string) => Promise<UserState | null>;

// The accounts belong to registry and platform imports no component: the hub's bootstrap provides the reader.
let readAccountState: AccountStateReader | null = null;

export function useAccountStates(reader: AccountStateReader): void {
  readAccountState = reader;
}

const encode = (s: UserState) => `${s.active ? '' : 'off:'}${s.tokenVersion}`;
function decode(raw: string): UserState {
  const active = !raw.startsWith('off:');
  return { active, tokenVersion: Number(active ? raw : raw.slice(4)) };
}

async function loadUserState(ctx: HubContext, userId: string): Promise<UserState | null> {
  if (!readAccountState) throw new Error('token state: useAccountStates() was not called (bootstrap does it)');
  const state = await readAccountState(userId);
  if (!state) return null;
  // NX: a change written meanwhile (setUserState) wins over this older read.
  await ctx.redis.set(userKey(ctx, userId), encode(state), 'EX', STATE_TTL_SECONDS, 'NX');
  return state;
}

/** Fills a missing state from a read just made (sign-in); a state already there is newer or equal. */
export async function primeUserState(ctx: HubContext, userId: string, state: UserState): Promise<void> {
  await ctx.redis.set(userKey(ctx, userId), encode(state), 'EX', STATE_TTL_SECONDS, 'NX');
}

/** Publishes a user's new state after the database has it (deactivation, password change, sign-in). */
export async function setUserState(ctx: HubContext, userId: string, state: UserState): Promise<void> {
  await ctx.redis.set(userKey(ctx, userId), encode(state), 'EX', STATE_TTL_SECONDS);
}

export async function checkSession(ctx: HubContext, user: AuthUser, session: TokenSession): Promise<SessionCheck> {
  const keys = [userKey(ctx, user.id)];
  if (session.jti) keys.push(revokedKey(ctx, session.jti));
  const [rawState, revoked] = await ctx.redis.mget(...keys);
  if (revoked) return 'revoked';
  const state = rawState ? decode(rawState) : await loadUserState(ctx, user.id);
  if (!state) return 'unknown_user';
  if (!state.active) return 'inactive';
  if (state.tokenVersion !== session.tokenVersion) return 'outdated';
  return 'ok';
}

export const SESSION_CHECK_MESSAGES: Record<Exclude<SessionCheck, 'ok'>, string> = {
  revoked: 'This token was signed out: sign in again',
  inactive: 'This account is deactivated',
  outdated: 'This token is no longer valid (password changed or account changed): sign in again',
  unknown_user: 'This account no longer exists',
};

/** Verifies a token and its session state; `null` user when absent. */
export async function authenticateToken(
  ctx: HubContext,
  token: string,
): Promise<{ ok: true; user: AuthUser; session: TokenSession } | { ok: false; message: string }> {
  const check = verifyToken(token, ctx.config.HUB_JWT_SECRET);
  if (!check.ok)
    return { ok: false, message: check.reason === 'expired' ? 'Token expired: sign in again' : 'Invalid token: sign in again' };
  const state = await checkSession(ctx, check.user, check.session);
  if (state !== 'ok') return { ok: false, message: SESSION_CHECK_MESSAGES[state] };
  return check;
}

/** Signs one token out until it would have expired. */
export async function revokeToken(ctx: HubContext, session: TokenSession): Promise<void> {
  if (!session.jti) return;
  const ttl = Math.max(session.exp - Math.floor(Date.now() / 1000), 1);
  await ctx.redis.set(revokedKey(ctx, session.jti), '1', 'EX', ttl);
  disconnectSockets(ctx, tokenSocketRoom(session.jti));
}

/** Disconnects every socket in a room, in every namespace and every web process. */
export function disconnectSockets(ctx: HubContext, room: string): void {
  const io = ctx.services.io;
  if (!io) return;
  const namespaces = (io as unknown as { _nsps: Map<string, Namespace> })._nsps;
  for (const nsp of namespaces.values()) nsp.in(room).disconnectSockets(true);
}

export function disconnectUser(ctx: HubContext, userId: string): void {
  disconnectSockets(ctx, userSocketRoom(userId));
}

interface SocketAuth {
  user?: AuthUser;
  tokenSession?: TokenSession;
}

/**
 * Socket.IO middleware for every namespace: a token in `auth.token` or the session cookie identifies the
 * user. `anonymousOk`: a bad token still refuses the connection, no token connects anonymously.
 */
export function socketAuthMiddleware(ctx: HubContext, options: { refuseBadToken: boolean }) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const authToken = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof authToken === 'string' && authToken ? authToken : requestToken({ cookie: socket.handshake.headers.cookie });
    if (!token) return next();
    authenticateToken(ctx, token).then(
      (result) => {
        if (!result.ok) return options.refuseBadToken ? next(new Error(`invalid token: ${result.message}`)) : next();
        (socket.data as SocketAuth).user = result.user;
        (socket.data as SocketAuth).tokenSession = result.session;
        next();
      },
      (err) => {
        log.warn({ err: String(err) }, 'socket token check failed');
        next(new Error('could not check the token; try again'));
      },
    );
  };
}

/**
 * On connection: the socket joins its user's and token's rooms (so revocation reaches it), then the state is
 * checked once more, closing the gap between the handshake check and the join.
 */
export function joinAuthRooms(ctx: HubContext, socket: Socket): void {
  const { user, tokenSession } = socket.data as SocketAuth;
  if (!user || !tokenSession) return;
  const rooms = [userSocketRoom(user.id)];
  if (tokenSession.jti) rooms.push(tokenSocketRoom(tokenSession.jti));
  void Promise.resolve(socket.join(rooms))
    .then(() => checkSession(ctx, user, tokenSession))
    .then((state) => {
      if (state !== 'ok') socket.disconnect(true);
    })
    .catch((err) => log.warn({ err: String(err) }, 'socket session re-check failed'));
}
