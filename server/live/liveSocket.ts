import type { Socket } from 'socket.io';
import type { z, ZodTypeAny } from 'zod';
import type { AuthUser } from '../platform/auth/roles.ts';
import { conflict, forbidden, unauthenticated, validationError } from '../platform/errors.ts';
import { errorReply } from './socketReplies.ts';

/** What the /live namespace's handler modules share: its rooms, a connection's state, the request helper. */

export const LIVE_NAMESPACE = '/live';
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const hostRoom = (sessionId: string) => `host:${sessionId}`;
export const userRoom = (userId: string) => `user:${userId}`;

type Ack = (reply: { data?: unknown; error?: { code: string; message: string; details?: unknown } }) => void;

export interface LiveSocketData {
  user?: AuthUser;
  sessionId?: string;
  role?: 'host' | 'viewer';
}

export interface LiveConnection {
  socket: Socket;
  data: LiveSocketData;
  /** Answers `event` requests: the payload validated with `schema`, the handler's result as `{data}`, errors as `{error}`. */
  on<S extends ZodTypeAny>(event: string, schema: S, handler: (payload: z.output<S>) => Promise<unknown>): void;
  joined(): { sessionId: string; role: 'host' | 'viewer' };
  signedIn(): AuthUser;
  asHost(): { sessionId: string; role: 'host' | 'viewer'; user: AuthUser };
}

export function liveConnection(socket: Socket): LiveConnection {
  const data = socket.data as LiveSocketData;
  const joined = () => {
    if (!data.sessionId || !data.role) throw conflict('Join a session first (session:join)', undefined, 'not_joined');
    return { sessionId: data.sessionId, role: data.role };
  };
  const signedIn = () => {
    if (!data.user) throw unauthenticated('Sign in to do this');
    return data.user;
  };
  return {
    socket,
    data,
    on(event, schema, handler) {
      socket.on(event, async (payload: unknown, ack?: unknown) => {
        // Clients that give no callback get errors as an event, so nothing fails silently.
        const reply: Ack = typeof ack === 'function' ? (ack as Ack) : (r) => r.error && socket.emit('live:error', { event, ...r.error });
        const parsed = schema.safeParse(payload ?? {});
        if (!parsed.success) return reply(errorReply(validationError(parsed.error, 'body')));
        try {
          reply({ data: (await handler(parsed.data)) ?? {} });
        } catch (err) {
          reply(errorReply(err));
        }
      });
    },
    joined,
    signedIn,
    asHost() {
      const j = joined();
      if (j.role !== 'host') throw forbidden('Only the host of this session may do this');
      return { ...j, user: signedIn() };
    },
  };
}
