import type { HubComponent } from '../platform/component.ts';
import { registerOrgRoutes } from './orgs/orgRoutes.ts';
import { registerUserRoutes } from './users/userRoutes.ts';
import { registerHouseholdRoutes } from './households/householdRoutes.ts';
import { registerParkRoutes } from './parks/parkRoutes.ts';

/** Organisations, users, poverty households and e-commerce parks (the bureau's registers). */
export const registryComponent: HubComponent = {
  name: 'registry',
  routes: (routes) => {
    registerOrgRoutes(routes);
    registerUserRoutes(routes);
    registerHouseholdRoutes(routes);
    registerParkRoutes(routes);
  },
};
