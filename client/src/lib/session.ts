export type Role = 'bureau' | 'association' | 'host' | 'enterprise' | 'auditor' | 'buyer';

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
  orgId: string | null;
  displayName?: string | null;
}

/**
 * Who is signed in (not secret). The token itself lives only in the hub's HttpOnly session cookie, which page
 * scripts cannot read, so an injected script cannot steal it.
 */
interface StoredSession {
  user: SessionUser;
  expiresAt: number;
}

const KEY = 'hub.session';

export function currentSession(): StoredSession | null {
  const raw = localStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as StoredSession & { token?: unknown };
    if (session.expiresAt <= Date.now() || session.token !== undefined) {
      // Expired, or stored by an older client that kept the token here: sign in again.
      localStorage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    localStorage.removeItem(KEY);
    return null;
  }
}

export function saveSession(user: SessionUser, expiresInSeconds: number): void {
  localStorage.setItem(KEY, JSON.stringify({ user, expiresAt: Date.now() + expiresInSeconds * 1000 }));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}
