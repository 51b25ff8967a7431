import { RouteTable } from './platform/http/routeTable.ts';
import { openApiDocument } from './platform/http/openapi.ts';
import { components } from './components.ts';

/** Every component's routes on one table: the app mounts it, and the document below comes from the same declarations. */
export function apiRouteTable(): RouteTable {
  const routes = new RouteTable('/api/v1');
  for (const component of components) component.routes?.(routes);
  return routes;
}

/**
 * The OpenAPI document of /api/v1/openapi.json, built from the route declarations alone: no database, Redis or
 * server is touched, so scripts/api-types.ts can generate the client's types from it at build time.
 */
export function apiDocument(): object {
  apiRouteTable();
  return openApiDocument();
}
