/** What every framework adapter does the same way; adapters only translate requests and responses. */
import { createVerifier, type SessionVerifier } from './verifier.js';
import { isSessionError, type SessionError } from './errors.js';
import { hasBrand, SESSION_VERIFIER_BRAND } from './brand.js';
import type { SessionGuardOptions } from './options.js';
import { guardContextOfPrincipal, type SessionPrincipal } from './principal/principal.js';
import type { RequestLike } from './request/credentials.js';
import { guardContextOf, rememberGuardContext, type GuardContext } from './guards/context.js';
import { runGuard, type GuardCheck } from './guards/check.js';
import { createRouteGuards, type RouteGuards } from './guards/route-guards.js';
import { rejectionOf, type Rejection } from './respond.js';

export type { Rejection } from './respond.js';

/** sessionGuard() accepts options or an existing verifier (to share caches between mounts). */
export function toVerifier(options: SessionGuardOptions | SessionVerifier): SessionVerifier {
  // A brand, not instanceof: a verifier made by the other build (CommonJS or ESM) is one too.
  return hasBrand(options, SESSION_VERIFIER_BRAND) ? (options as SessionVerifier) : createVerifier(options as SessionGuardOptions);
}

/**
 * Authenticates for a session middleware. `key` is the framework's request
 * object (Express `req`, Koa `ctx`): guards later on the route find this
 * verifier's realm and policy through it. The answer is synchronous when the
 * caches hold it (see SessionVerifier.authenticateNow); throws or rejects with
 * only a SessionError.
 */
export function authenticateFor(
  verifier: SessionVerifier,
  key: object,
  request: RequestLike,
  optional: boolean,
): SessionPrincipal | undefined | Promise<SessionPrincipal | undefined> {
  const outcome = verifier.authenticateNow(request, optional);
  // A principal of this verifier carries its guard context; only other outcomes need the side table
  // (a WeakMap entry per request costs the hot path, and the garbage collector, more than it seems).
  if (outcome instanceof Promise || outcome === undefined || guardContextOfPrincipal(outcome) !== verifier.guardContext) {
    rememberGuardContext(key, verifier.guardContext);
  }
  return outcome;
}

/** What the session middleware does with a rejection: the verifier's onError and errorBody decide. */
export function rejectionFor(verifier: SessionVerifier, error: SessionError, request: RequestLike): Rejection {
  return rejectionOf(verifier.guardContext.responder, error, request);
}

/**
 * Runs a route guard for an adapter: undefined to go on, or the rejection to answer with (shaped
 * by the onError and errorBody of the verifier whose context applies; `raw` is the request the
 * verifier reads). Anything else (say, a brand resolver that throws) is the app's error and is
 * rethrown for the framework's error handling.
 */
export function checkGuard<R extends object>(
  check: GuardCheck<R>,
  principal: SessionPrincipal | undefined,
  request: R,
  raw: RequestLike,
  bound?: GuardContext,
): Rejection | undefined {
  const context = bound ?? (principal === undefined ? undefined : guardContextOfPrincipal(principal)) ?? guardContextOf(request);
  try {
    runGuard(check, principal, request, context);
    return undefined;
  } catch (error) {
    if (isSessionError(error)) return rejectionOf(context.responder, error, raw);
    throw error;
  }
}

/** What a session middleware carries besides being one (`M` the framework's middleware, `R` its request). */
export interface SessionGuardExtras<M, R> extends RouteGuards<R, M> {
  /** The same guard, but a request with no token goes on anonymously (a bad token is still a 401). */
  optional(): M;
  /** Fetches every provider's keys ahead of traffic; resolves true when ready. */
  warm(): Promise<boolean>;
  /** Whether every provider's keys are held (for a readiness route). */
  readonly ready: boolean;
  /** The framework-free verifier behind this middleware. */
  readonly verifier: SessionVerifier;
}

/** How an adapter makes its session middleware and its guard middleware. */
export interface AdapterParts<M, R> {
  middleware(verifier: SessionVerifier, optional: boolean): M;
  guard(check: GuardCheck<R>, bound?: GuardContext): M;
}

/** Assembles `sessionGuard(options)` for an adapter: the middleware with `.optional()`, `.warm()`, `.ready` and its bound guards. */
export function assembleSessionGuard<M extends object, R>(options: SessionGuardOptions | SessionVerifier, parts: AdapterParts<M, R>): M & SessionGuardExtras<M, R> {
  const verifier = toVerifier(options);
  const required = parts.middleware(verifier, false);
  const optional = parts.middleware(verifier, true);
  // Guards taken from the middleware answer with its realm even where it did not run.
  const bound = createRouteGuards<R, M>((check) => parts.guard(check, verifier.guardContext), verifier.guardContext);
  return Object.defineProperties(required, {
    optional: { value: () => optional },
    warm: { value: () => verifier.warm() },
    ready: { get: () => verifier.ready },
    verifier: { value: verifier },
    ...Object.fromEntries(Object.entries(bound).map(([name, factory]) => [name, { value: factory }])),
  }) as M & SessionGuardExtras<M, R>;
}
