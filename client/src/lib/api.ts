import { clearSession, currentSession } from './session.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly params: Record<string, string | number | boolean | null> = {},
  ) {
    super(message);
  }
}

/** JSON over fetch; the HttpOnly session cookie signs requests in. Errors carry the hub's `{error: {code, message}}`. */
export async function apiFetch<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const session = currentSession();
  const init: RequestInit = { method, headers: { ...headers }, credentials: 'same-origin' };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path.startsWith('/api/') ? path : `/api/v1${path}`, init);
  const text = await res.text();
  const data = text ? safeJson(text) : null;
  if (!res.ok) {
    if (res.status === 401 && session) {
      clearSession();
      window.dispatchEvent(new CustomEvent('hub:signed-out'));
    }
    const error = (
      data as {
        error?: { code: string; message: string; details?: unknown; params?: Record<string, string | number | boolean | null> };
      } | null
    )?.error;
    throw new ApiError(
      res.status,
      error?.code ?? 'http_error',
      error?.message ?? `HTTP ${res.status}`,
      error?.details,
      error?.params ?? {},
    );
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const api = {
  get: <T = any>(path: string) => apiFetch<T>('GET', path),
  post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => apiFetch<T>('POST', path, body ?? {}, headers),
  put: <T = any>(path: string, body?: unknown) => apiFetch<T>('PUT', path, body ?? {}),
  patch: <T = any>(path: string, body?: unknown) => apiFetch<T>('PATCH', path, body ?? {}),
  delete: <T = any>(path: string) => apiFetch<T>('DELETE', path),
  /** Every item of a keyset-paged list, for pick lists (orgs, bases, studios, hosts): pages of 500, at most 20. */
  all: async <T = any>(path: string): Promise<{ items: T[] }> => {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const res: { items: T[]; nextCursor?: string | null } = await apiFetch(
        'GET',
        `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...res.items);
      cursor = res.nextCursor ?? null;
      if (!cursor) break;
    }
    return { items };
  },
};
