import type { RouteTable } from '../platform/http/routeTable.ts';
import type { HubContext } from '../platform/context.ts';
import { getSignupChallenge } from './commands/signupChallenge.ts';
import { signup, SignupBody } from './commands/signup.ts';
import { SignupChallengeResponse, SignupResponse } from './presenters/session.ts';
import { setSessionCookie } from './sessionCookie.ts';

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

export function registerSignupRoutes(routes: RouteTable): void {
  routes.route({
    method: 'get',
    path: '/auth/signup/challenge',
    summary: 'A proof-of-work challenge for one sign-up (see docs/commerce.md)',
    tags: ['auth'],
    access: 'public',
    response: SignupChallengeResponse,
    handler: ({ req }) => getSignupChallenge(ctxOf(req)),
  });
  routes.route({
    method: 'post',
    path: '/auth/signup',
    summary: 'A buyer signs up with a mobile number; needs the Signup-Proof header; rate-limited (429)',
    tags: ['auth'],
    access: 'public',
    status: 201,
    body: SignupBody,
    response: SignupResponse,
    handler: async ({ body, req, res }) => {
      const result = await signup(ctxOf(req), { ...body, address: req.ip ?? 'unknown', proof: req.header('signup-proof') });
      setSessionCookie(req, res, result.token, result.expiresIn);
      return result;
    },
  });
}
