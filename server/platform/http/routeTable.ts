import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z, type ZodTypeAny } from 'zod';
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { ErrorBody, invalidateOpenApiDocument, openApiRegistry } from './openapi.ts';
import { validationError, HttpError } from '../errors.ts';
import type { AuthUser, Role } from '../auth/roles.ts';
import { authenticate, authorize } from '../auth/middleware.ts';
import { findUnsafeText, UNSAFE_TEXT_MESSAGE } from './schemas.ts';

/** Every string of a request's input, whatever its schema, is checked for unsafe characters (schemas.ts). */
function refuseUnsafeText(where: 'body' | 'query' | 'params', value: unknown): void {
  const found = findUnsafeText(value);
  if (!found) return;
  const field = found.field || where;
  throw new HttpError(
    400,
    'unsafe_text',
    `Invalid ${where === 'body' ? 'field' : where} "${field}": ${UNSAFE_TEXT_MESSAGE} (found ${found.character})`,
    {
      field,
      character: found.character,
      issues: [{ field: [where, field].join('.'), message: UNSAFE_TEXT_MESSAGE, code: 'unsafe_text' }],
    },
  );
}

export type Access = 'public' | 'signed-in' | readonly Role[];

export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** Present on every route that is not public. */
  user: AuthUser;
  req: Request;
  res: Response;
}

export interface RouteSpec<BS extends ZodTypeAny, QS extends ZodTypeAny, PS extends ZodTypeAny> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path under /api/v1, e.g. `/orgs/:id`. */
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  body?: BS;
  query?: QS;
  params?: PS;
  /** Success status (default 200) and its JSON schema, for the OpenAPI document (and the client's generated types). */
  status?: number;
  response?: ZodTypeAny;
  /** A success answer that is not JSON (a file or a stream): its media types, documented as binary; `[]`: no body. */
  produces?: readonly string[];
  responseDescription?: string;
  /** Extra OpenAPI request content (e.g. multipart uploads) when `body` is not JSON. */
  requestContent?: RouteConfig['request'];
  /** Runs before validation (e.g. multipart parsing). */
  before?: RequestHandler[];
  handler: (input: RouteInput<z.output<BS>, z.output<QS>, z.output<PS>>) => Promise<unknown> | unknown;
}

const emptyStrict = z.object({}).strict();
const binary = z.string().openapi({ type: 'string', format: 'binary' });

function successResponse(spec: RouteSpec<ZodTypeAny, ZodTypeAny, ZodTypeAny>, status: number) {
  const description = spec.responseDescription ?? (status === 204 ? 'No content' : 'Success');
  if (spec.response) return { description, content: { 'application/json': { schema: spec.response } } };
  // `x-no-body` tells a declared empty answer from a route nobody documented (test/foundation/openapiDrift.test.ts).
  if (spec.produces?.length === 0 || status === 204) return { description, 'x-no-body': true };
  if (spec.produces) return { description, content: Object.fromEntries(spec.produces.map((type) => [type, { schema: binary }])) };
  return { description };
}
const documented = new Set<string>();

/**
 * Declares routes once: the declaration validates input, checks access, and documents the route in OpenAPI.
 * Handlers call services; they hold no business rules.
 */
export class RouteTable {
  readonly router: Router = express.Router();

  constructor(private readonly basePath = '/api/v1') {}

  route<BS extends ZodTypeAny = typeof emptyStrict, QS extends ZodTypeAny = typeof emptyStrict, PS extends ZodTypeAny = typeof emptyStrict>(
    spec: RouteSpec<BS, QS, PS>,
  ): void {
    const bodySchema = spec.body;
    const querySchema: ZodTypeAny = spec.query ?? emptyStrict;
    const paramsSchema: ZodTypeAny = spec.params ?? z.object({}).passthrough();
    const status = spec.status ?? 200;

    const middlewares: RequestHandler[] = [];
    if (spec.access !== 'public') {
      middlewares.push(authenticate);
      if (spec.access !== 'signed-in') middlewares.push(authorize(spec.access));
    }
    middlewares.push(...(spec.before ?? []));

    const handler: RequestHandler = async (req, res) => {
      refuseUnsafeText('params', req.params);
      refuseUnsafeText('query', req.query);
      refuseUnsafeText('body', req.body);
      const params = paramsSchema.safeParse(req.params);
      if (!params.success) throw validationError(params.error, 'params');
      const query = querySchema.safeParse(req.query ?? {});
      if (!query.success) throw validationError(query.error, 'query');
      let body: unknown = undefined;
      if (bodySchema) {
        const parsed = bodySchema.safeParse(req.body ?? {});
        if (!parsed.success) throw validationError(parsed.error, 'body');
        body = parsed.data;
      } else if (spec.method !== 'get' && !spec.before && req.body && typeof req.body === 'object' && Object.keys(req.body).length) {
        throw new HttpError(400, 'validation_failed', `Invalid field "${Object.keys(req.body)[0]}": this route takes no body`);
      }
      const result = await spec.handler({
        body: body as never,
        query: query.data as never,
        params: params.data as never,
        user: req.user as AuthUser,
        req,
        res,
      });
      if (res.headersSent) return;
      if (result === undefined) res.status(status === 200 ? 204 : status).end();
      else res.status(status).json(result);
    };
    this.router[spec.method](spec.path, ...middlewares, handler);
    this.document(spec as unknown as RouteSpec<ZodTypeAny, ZodTypeAny, ZodTypeAny>, status);
  }

  private document(spec: RouteSpec<ZodTypeAny, ZodTypeAny, ZodTypeAny>, status: number): void {
    const openApiPath = this.basePath + spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    // Apps built more than once in a process (tests) document each route once.
    const key = `${spec.method} ${openApiPath}`;
    if (documented.has(key)) return;
    documented.add(key);
    const roles = spec.access === 'public' ? 'public' : spec.access === 'signed-in' ? 'any signed-in user' : spec.access.join(', ');
    const request: RouteConfig['request'] = { ...(spec.requestContent ?? {}) };
    if (spec.body) request.body = { content: { 'application/json': { schema: spec.body } } };
    if (spec.query) request.query = spec.query as never;
    if (spec.params) request.params = spec.params as never;
    const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } });
    openApiRegistry.registerPath({
      method: spec.method,
      path: openApiPath,
      summary: spec.summary,
      description: `Access: ${roles}.`,
      tags: spec.tags,
      security: spec.access === 'public' ? [] : [{ bearerAuth: [] }],
      request,
      responses: {
        [status]: successResponse(spec, status),
        400: errorResponse('Bad input; the message names the field'),
        ...(spec.access === 'public' ? {} : { 401: errorResponse('No or bad token'), 403: errorResponse('Role or ownership') }),
        404: errorResponse('Not found'),
        409: errorResponse('Conflict'),
      },
    });
    invalidateOpenApiDocument();
  }
}
