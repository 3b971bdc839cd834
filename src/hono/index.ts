import type { Context, MiddlewareHandler, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
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
import { requestForCore } from './request-for-core.js';

/** The variables sessionguard sets: `c.get('auth')`, undefined on anonymous requests in optional mode. */
export interface SessionGuardVariables {
  auth: SessionPrincipal | undefined;
}

declare module 'hono' {
  // As Hono's own middleware (jwt, requestId) do: `c.get('auth')` is typed in every app.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ContextVariableMap extends SessionGuardVariables {}
}

/** The Hono environment of sessionguard's middleware, for `new Hono<SessionGuardEnv>()`. */
export interface SessionGuardEnv {
  Variables: SessionGuardVariables;
}

export type SessionGuardHonoMiddleware = MiddlewareHandler<SessionGuardEnv>;

/** Route guards for Hono: each is a middleware; resolvers receive the context `c`. */
export type HonoRouteGuards = RouteGuards<Context, SessionGuardHonoMiddleware>;

export interface SessionGuardMiddleware extends SessionGuardHonoMiddleware, SessionGuardExtras<SessionGuardHonoMiddleware, Context> {
  /** First-party sessions: sets both session cookies from a created session (POST /v1/sessions's answer). */
  startSession(c: Context, created: CreatedSession): void;
  /** First-party sessions: revokes the session the request proves and clears both cookies. */
  endSession(c: Context): Promise<{ revoked: boolean }>;
}

function appendCookies(c: Context, cookies: readonly string[]): void {
  for (const cookie of cookies) c.header('Set-Cookie', cookie, { append: true });
}

/** The rejection as sessionguard's JSON error, byte for byte what the Express adapter sends. */
export function sessionErrorResponse(c: Context, error: SessionError): Response {
  return toResponse(c, toHttpResponse(error));
}

function toResponse(c: Context, response: HttpErrorResponse): Response {
  return c.body(response.body, response.status as ContentfulStatusCode, response.headers);
}

/**
 * sessionguard's response, or with onError 'next' an HTTPException for the app's onError: its
 * getResponse() is sessionguard's response, `cause` the SessionError, and it carries `headers` and `body`.
 */
function answer(c: Context, rejection: Rejection): Response {
  if (!rejection.next) return toResponse(c, rejection.response);
  const { error, response } = rejection;
  const res = new Response(response.body, { status: response.status, headers: response.headers });
  const exception = new HTTPException(error.status as ContentfulStatusCode, { res, message: error.message, cause: error });
  throw Object.assign(exception, { headers: error.headers, body: error.body });
}

function middleware(verifier: SessionVerifier, optional: boolean): SessionGuardHonoMiddleware {
  // On @hono/node-server the Node request (rawHeaders, socket), else the Fetch Request; errorBody always gets c.req.raw.
  const requestOf = requestForCore(verifier);
  if (verifier.firstParty !== undefined) {
    // With an identitySessions() provider: the first-party cookies, refreshed when their JWT expired.
    return createMiddleware<SessionGuardEnv>(async (c, next) => {
      if (c.get('auth') !== undefined) return next();
      const { principal, error, setCookies } = await authenticateWithCookies(verifier, c, requestOf(c), optional);
      appendCookies(c, setCookies);
      // A rejection goes the way of every other: the verifier's onError and errorBody decide (the cookies are already set).
      if (error !== undefined) return answer(c, rejectionFor(verifier, error, c.req.raw));
      return proceed(c, principal, next);
    });
  }
  // Not an async function: a cached session goes on to next() with no promise of its own.
  return createMiddleware<SessionGuardEnv>((c, next) => {
    if (c.get('auth') !== undefined) return next();
    let outcome: SessionPrincipal | undefined | Promise<SessionPrincipal | undefined>;
    try {
      outcome = authenticateFor(verifier, c, requestOf(c), optional);
    } catch (error) {
      // authenticate() only ever throws a SessionError, already reported.
      return new Promise<Response>((resolve) => resolve(answer(c, rejectionFor(verifier, error as SessionError, c.req.raw))));
    }
    if (outcome instanceof Promise) {
      return outcome.then(
        (principal) => proceed(c, principal, next),
        (error: unknown) => answer(c, rejectionFor(verifier, error as SessionError, c.req.raw)),
      );
    }
    return proceed(c, outcome, next);
  });
}

/** Outside the authentication's error handling: errors of later handlers are the app's, not authentication failures. */
function proceed(c: Context<SessionGuardEnv>, principal: SessionPrincipal | undefined, next: Next): Promise<void> {
  if (principal !== undefined) c.set('auth', principal);
  return next();
}

function guardMiddleware(check: GuardCheck<Context>, bound?: GuardContext): SessionGuardHonoMiddleware {
  return createMiddleware<SessionGuardEnv>(async (c, next) => {
    // A resolver that throws is the app's error: checkGuard rethrows it to Hono's onError.
    const refusal = checkGuard(check, c.get('auth'), c, c.req.raw, bound);
    if (refusal !== undefined) return answer(c, refusal);
    await next();
  });
}

/**
 * Standalone guards: they answer with the realm and RBAC policy of the
 * sessionguard middleware that ran on the request (defaults when none did).
 */
const standalone: HonoRouteGuards = createRouteGuards<Context, SessionGuardHonoMiddleware>((check) => guardMiddleware(check));
export const requireScope: HonoRouteGuards['requireScope'] = standalone.requireScope;
export const requireAnyScope: HonoRouteGuards['requireAnyScope'] = standalone.requireAnyScope;
export const requireRole: HonoRouteGuards['requireRole'] = standalone.requireRole;
export const requirePermission: HonoRouteGuards['requirePermission'] = standalone.requirePermission;
export const requireBrand: HonoRouteGuards['requireBrand'] = standalone.requireBrand;
export const requireSession: HonoRouteGuards['requireSession'] = standalone.requireSession;

/** Hono middleware that verifies the session token; the principal is `c.get('auth')`. */
export function sessionGuard(options: SessionGuardOptions | SessionVerifier): SessionGuardMiddleware {
  const guard = assembleSessionGuard<SessionGuardHonoMiddleware, Context>(options, { middleware, guard: guardMiddleware });
  const verifier = guard.verifier;
  const requestOf = requestForCore(verifier);
  return Object.assign(guard, {
    startSession: (c: Context, created: CreatedSession): void => appendCookies(c, startSessionCookies(verifier, created)),
    endSession: (c: Context) => endSessionWith(verifier, requestOf(c), (cookies) => appendCookies(c, cookies)),
  });
}

export type { SessionPrincipal, SessionGuardOptions };
export type { RequestValue } from '../core/guards/check.js';
export type { RbacOptions, RbacPermission, RequiredPermission } from '../core/guards/rbac.js';
