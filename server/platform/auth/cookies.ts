/** The browser's session cookie: HttpOnly (scripts never see the token), SameSite=Strict, whole site. */
export const SESSION_COOKIE = 'hub_session';

/** One cookie's value from a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

/** The caller's token: an `Authorization: Bearer` header (API clients) first, else the session cookie (the browser). */
export function requestToken(headers: { authorization?: string; cookie?: string }): string | null {
  const header = headers.authorization;
  if (header) return /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null;
  return readCookie(headers.cookie, SESSION_COOKIE);
}
