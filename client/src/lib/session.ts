export type Role = 'bureau' | 'association' | 'host' | 'enterprise' | 'auditor' | 'buyer';

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
  orgId: string | null;
  displayName?: string | null;
}

interface StoredSession {
  token: string;
  user: SessionUser;
  expiresAt: number;
}

const KEY = 'hub.session';

export function currentSession(): StoredSession | null {
  const raw = localStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as StoredSession;
    if (session.expiresAt <= Date.now()) {
      localStorage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    localStorage.removeItem(KEY);
    return null;
  }
}

export function saveSession(token: string, user: SessionUser, expiresInSeconds: number): void {
  localStorage.setItem(KEY, JSON.stringify({ token, user, expiresAt: Date.now() + expiresInSeconds * 1000 }));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}
