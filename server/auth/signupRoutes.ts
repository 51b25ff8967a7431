import { z } from 'zod';
import type { RouteTable } from '../platform/http/routeTable.ts';
import type { HubContext } from '../platform/context.ts';
import { issueChallenge } from './signupChallenge.ts';
import { MOBILE_PHONE, signup } from './signupService.ts';
import { setSessionCookie } from './accountService.ts';

const SignupBody = z
  .object({
    phone: z.string().regex(MOBILE_PHONE, 'must be an 11-digit mainland mobile number (1xxxxxxxxxx)'),
    password: z.string().min(8, 'must be at least 8 characters').max(128, 'must be at most 128 characters'),
  })
  .strict()
  .openapi('Signup');

export function registerSignupRoutes(routes: RouteTable): void {
  routes.route({
    method: 'get',
    path: '/auth/signup/challenge',
    summary: 'A proof-of-work challenge for one sign-up (see docs/commerce.md)',
    tags: ['auth'],
    access: 'public',
    response: z.object({ challenge: z.string(), bits: z.number().int(), expiresAt: z.string() }),
    handler: ({ req }) => {
      const { config } = req.app.locals.ctx as HubContext;
      return issueChallenge(config.HUB_JWT_SECRET, config.HUB_SIGNUP_POW_BITS);
    },
  });
  routes.route({
    method: 'post',
    path: '/auth/signup',
    summary: 'A buyer signs up with a mobile number; needs the Signup-Proof header; rate-limited (429)',
    tags: ['auth'],
    access: 'public',
    status: 201,
    body: SignupBody,
    response: z
      .object({
        token: z.string(),
        expiresIn: z.number().int(),
        user: z.object({
          id: z.string(),
          username: z.string(),
          phone: z.string(),
          role: z.literal('buyer'),
          orgId: z.null(),
          displayName: z.null(),
        }),
      })
      .openapi('SignupResult'),
    handler: async ({ body, req, res }) => {
      const result = await signup(
        req.app.locals.ctx as HubContext,
        body.phone,
        body.password,
        req.ip ?? 'unknown',
        req.header('signup-proof'),
      );
      setSessionCookie(req, res, result.token, result.expiresIn);
      return result;
    },
  });
}
