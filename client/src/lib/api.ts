import { clearSession, currentSession } from './session.ts';
import type { components, paths } from './api.gen.ts';

/** The API's paths as the route table declares them (`/claims/{id}`), without the `/api/v1` prefix. */
export type ApiPath = keyof paths extends infer K ? (K extends `/api/v1${infer P}` ? P : never) : never;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Success<O> = O extends { responses: infer R } ? { [S in keyof R]: S extends 200 | 201 | 202 ? JsonOf<R[S]> : never }[keyof R] : never;

/** The JSON body a route answers on success, generated from /api/v1/openapi.json: `Res<'/claims/{id}'>`. */
export type Res<P extends ApiPath, M extends Method = 'get'> = Success<paths[`/api/v1${P}`][M]>;

/** A named schema of the document (`Schema<'PolicyChange'>`), for shapes that are not one route's whole answer. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];

/** `/claims/{id}` → `/claims/${string}`, optionally with a query string: the concrete paths a template admits. */
type Filled<P extends string> = P extends `${infer A}{${string}}${infer B}` ? `${A}${string}${Filled<B>}` : P;
type PathFor<T> = T extends ApiPath ? Filled<T> | `${Filled<T>}?${string}` : string;
/** A route template (`'/claims/{id}'`) as the type argument types the answer from the document; any other type is taken as written. */
type Answer<T, M extends Method> = T extends `/${string}` ? (T extends ApiPath ? Res<T, M> : never) : T;
type ItemOf<R> = R extends { items: (infer I)[] } ? I : never;
/** `api.all`'s item: the listed route's item type, or the type argument itself. */
type ListItem<T> = T extends `/${string}` ? (T extends ApiPath ? ItemOf<Res<T>> : never) : T;

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
export async function apiFetch<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
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

/**
 * `api.get<'/claims/{id}'>(\`/claims/${id}\`)`: the path is checked against the template and the answer is the
 * route's generated response type. A hand-written type argument still works for what is not converted yet.
 */
// NoInfer on the answer too: an unannotated call answers `unknown` instead of taking whatever type its caller assigns it to.
export const api = {
  get: <T = unknown>(path: PathFor<NoInfer<T>>): Promise<Answer<NoInfer<T>, 'get'>> => apiFetch('GET', path),
  post: <T = unknown>(path: PathFor<NoInfer<T>>, body?: unknown, headers?: Record<string, string>): Promise<Answer<NoInfer<T>, 'post'>> =>
    apiFetch('POST', path, body ?? {}, headers),
  put: <T = unknown>(path: PathFor<NoInfer<T>>, body?: unknown): Promise<Answer<NoInfer<T>, 'put'>> => apiFetch('PUT', path, body ?? {}),
  patch: <T = unknown>(path: PathFor<NoInfer<T>>, body?: unknown): Promise<Answer<NoInfer<T>, 'patch'>> =>
    apiFetch('PATCH', path, body ?? {}),
  delete: <T = unknown>(path: PathFor<NoInfer<T>>): Promise<Answer<NoInfer<T>, 'delete'>> => apiFetch('DELETE', path),
  /** Every item of a keyset-paged list, for pick lists (orgs, bases, studios, hosts): pages of 500, at most 20. */
  all: async <T = unknown>(path: PathFor<NoInfer<T>>): Promise<{ items: ListItem<NoInfer<T>>[] }> => {
    const items: ListItem<T>[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const res: { items: ListItem<T>[]; nextCursor?: string | null } = await apiFetch(
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
