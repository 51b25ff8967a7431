import { OpenAPIRegistry, OpenApiGeneratorV3, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/** The single OpenAPI registry: routes register here from the same zod schemas that validate requests. */
export const openApiRegistry = new OpenAPIRegistry();

openApiRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

export const ErrorBody = openApiRegistry.register(
  'Error',
  z.object({
    error: z.object({
      code: z.string(),
      message: z.string().openapi({ description: 'Human-readable; for 400 it names the bad field' }),
      details: z.unknown().optional(),
      params: z
        .record(z.union([z.string(), z.number(), z.boolean()]).nullable())
        .openapi({ description: 'Stable values for the message (e.g. `field`); clients render `code` + `params` per language' }),
    }),
  }),
);

let cached: object | undefined;

export function openApiDocument(): object {
  cached ??= new OpenApiGeneratorV3(openApiRegistry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Dehua Live Hub API',
      version: '1.0.0',
      description:
        'Livestream base scheduling and relay, live selling, and the e-commerce subsidy claims of Dehua county (德政〔2020〕28号). Money is integer fen; times are ISO 8601.',
    },
    servers: [{ url: '/' }],
  });
  return cached;
}

/** Tests and late registrations reset the cached document. */
export function invalidateOpenApiDocument(): void {
  cached = undefined;
}
