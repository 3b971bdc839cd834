import type { DefaultContext, DefaultState, Middleware, Next, ParameterizedContext } from 'koa';
import type { SessionVerifier } from '../core/verifier.js';
import { toHttpResponse, type HttpErrorResponse, type SessionError } from '../core/errors.js';
import type { SessionGuardOptions } from '../core/options.js';
import type { SessionPrincipal } from '../core/principal/principal.js';
import { assembleSessionGuard, authenticateFor, checkGuard, rejectionFor, type Rejection, type SessionGuardExtras } from '../core/middleware.js';
import { createRouteGuards, type RouteGuards } from '../core/guards/route-guards.js';
import type { GuardCheck } from '../core/guards/check.js';
import type { GuardContext } from '../core/guards/context.js';
import { authenticateWithCookies, endSessionWith, startSessionCookies } from '../core/first-party/adapter-support.js';
import type { CreatedSession } from '../core/first-party/first-party-sessions.js';

declare module 'koa' {
  interface DefaultState {
    /** The verified session, set by sessionguard; undefined on anonymous requests in optional mode. */
    auth?: SessionPrincipal;
  }
}

/** The Koa context sessionguard reads and writes (any router's context is one). */
export type SessionGuardContext = ParameterizedContext<DefaultState, DefaultContext>;
export type SessionGuardKoaMiddleware = Middleware<DefaultState, DefaultContext>;

/** Route guards for Koa: each is a middleware; resolvers receive `ctx`. */
export type KoaRouteGuards = RouteGuards<SessionGuardContext, SessionGuardKoaMiddleware>;

export interface SessionGuardMiddleware extends SessionGuardKoaMiddleware, SessionGuardExtras<SessionGuardKoaMiddleware, SessionGuardContext> {
  /** First-party sessions: sets both session cookies from a created session (POST /v1/sessions's answer). */
  startSession(ctx: SessionGuardContext, created: CreatedSession): void;
  /** First-party sessions: revokes the session the request proves and clears both cookies. */
  endSession(ctx: SessionGuardContext): Promise<{ revoked: boolean }>;
}

/** Writes a rejection as sessionguard's JSON error, byte for byte what the Express adapter sends. */
export function sendSessionError(ctx: SessionGuardContext, error: SessionError): void {
  writeResponse(ctx, toHttpResponse(error));
}

function writeResponse(ctx: SessionGuardContext, response: HttpErrorResponse): void {
  ctx.status = response.status;
  // Headers before the body: Koa keeps a Content-Type already set instead of guessing one.
  ctx.set(response.headers);
  ctx.body = response.body;
}

/** sessionguard's response, or with onError 'next' the error thrown to the app's error handling (`expose`, `headers` set). */
function answer(ctx: SessionGuardContext, rejection: Rejection): Promise<void> {
  if (rejection.next) return Promise.reject(rejection.error);
  writeResponse(ctx, rejection.response);
  return Promise.resolve();
}

function middleware(verifier: SessionVerifier, optional: boolean): SessionGuardKoaMiddleware {
  if (verifier.firstParty !== undefined) return firstPartyMiddleware(verifier, optional);
  // Not an async function: a cached session goes on to next() with no promise of its own.
  return function sessionguard(ctx: SessionGuardContext, next: Next): Promise<void> {
    if (ctx.state.auth !== undefined) return next();
    let outcome: SessionPrincipal | undefined | Promise<SessionPrincipal | undefined>;
    try {
      outcome = authenticateFor(verifier, ctx, ctx.req, optional);
    } catch (error) {
      // authenticate() only ever throws a SessionError, already reported.
      return answer(ctx, rejectionFor(verifier, error as SessionError, ctx.req));
    }
    if (outcome instanceof Promise) {
      return outcome.then(
        (principal) => proceed(ctx, principal, next),
        (error: unknown) => answer(ctx, rejectionFor(verifier, error as SessionError, ctx.req)),
      );
    }
    return proceed(ctx, outcome, next);
  };
}

/** With an identitySessions() provider: the first-party cookies, refreshed when their JWT expired. */
function firstPartyMiddleware(verifier: SessionVerifier, optional: boolean): SessionGuardKoaMiddleware {
  return async function sessionguard(ctx: SessionGuardContext, next: Next): Promise<void> {
    if (ctx.state.auth !== undefined) return next();
    const { principal, error, setCookies } = await authenticateWithCookies(verifier, ctx, ctx.req, optional);
    for (const cookie of setCookies) ctx.append('Set-Cookie', cookie);
    // A rejection goes the way of every other: the verifier's onError and errorBody decide (the cookies are already set).
    if (error !== undefined) return answer(ctx, rejectionFor(verifier, error, ctx.req));
    return proceed(ctx, principal, next);
  };
}

/** Outside the authentication's error handling: errors of later middleware are the app's, not authentication failures. */
function proceed(ctx: SessionGuardContext, principal: SessionPrincipal | undefined, next: Next): Promise<void> {
  if (principal !== undefined) ctx.state.auth = principal;
  return next();
}

function guardMiddleware(check: GuardCheck<SessionGuardContext>, bound?: GuardContext): SessionGuardKoaMiddleware {
  return async function sessionguardRouteGuard(ctx: SessionGuardContext, next: Next): Promise<void> {
    // A resolver that throws is the app's error: checkGuard rethrows it to Koa.
    const refusal = checkGuard(check, ctx.state.auth, ctx, ctx.req, bound);
    if (refusal !== undefined) return answer(ctx, refusal);
    await next();
  };
}

/**
 * Standalone guards: they answer with the realm and RBAC policy of the
 * sessionguard middleware that ran on the request (defaults when none did).
 */
const standalone: KoaRouteGuards = createRouteGuards<SessionGuardContext, SessionGuardKoaMiddleware>((check) => guardMiddleware(check));
export const requireScope: KoaRouteGuards['requireScope'] = standalone.requireScope;
export const requireAnyScope: KoaRouteGuards['requireAnyScope'] = standalone.requireAnyScope;
export const requireRole: KoaRouteGuards['requireRole'] = standalone.requireRole;
export const requirePermission: KoaRouteGuards['requirePermission'] = standalone.requirePermission;
export const requireBrand: KoaRouteGuards['requireBrand'] = standalone.requireBrand;
export const requireSession: KoaRouteGuards['requireSession'] = standalone.requireSession;

/** Koa middleware that verifies the session token; the principal is at `ctx.state.auth`. */
export function sessionGuard(options: SessionGuardOptions | SessionVerifier): SessionGuardMiddleware {
  const guard = assembleSessionGuard<SessionGuardKoaMiddleware, SessionGuardContext>(options, { middleware, guard: guardMiddleware });
  const verifier = guard.verifier;
  return Object.assign(guard, {
    startSession: (ctx: SessionGuardContext, created: CreatedSession): void => {
      for (const cookie of startSessionCookies(verifier, created)) ctx.append('Set-Cookie', cookie);
    },
    endSession: (ctx: SessionGuardContext) => endSessionWith(verifier, ctx.req, (cookies) => cookies.forEach((cookie) => ctx.append('Set-Cookie', cookie))),
  });
}

export type { SessionPrincipal, SessionGuardOptions };
export type { RequestValue } from '../core/guards/check.js';
export type { RbacOptions, RbacPermission, RequiredPermission, StytchRbacPolicy } from '../core/guards/rbac.js';
