import type { SessionPrincipal } from '../principal/principal.js';
import type { GuardContext } from './context.js';

/**
 * A route guard: checks an authenticated request and throws a SessionError
 * (made with the context's ErrorFactory, so the realm matches) to refuse it.
 * `R` is the framework's request: Express `req`, Koa `ctx`.
 */
export type GuardCheck<R> = (principal: SessionPrincipal, request: R, context: GuardContext) => void;

/**
 * A fixed value, or a function of the request returning it (e.g. a route
 * parameter). Anything but a non-empty string from it never matches.
 */
export type RequestValue<R> = string | ((request: R) => unknown);

/** Runs a guard: a request with no principal is 401 missing_token before any check. */
export function runGuard<R>(check: GuardCheck<R>, principal: SessionPrincipal | undefined, request: R, context: GuardContext): void {
  if (principal === undefined) throw context.errors.missingToken();
  check(principal, request, context);
}
