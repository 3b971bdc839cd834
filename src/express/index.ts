import type { NextFunction, Request, RequestHandler, Response } from 'express';
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

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified session, set by sessionguard; undefined on anonymous requests in optional mode. */
      auth?: SessionPrincipal;
    }
  }
}

/** Route guards for Express: each is a RequestHandler; resolvers receive `req`. */
export type ExpressRouteGuards = RouteGuards<Request, RequestHandler>;

export interface SessionGuardMiddleware extends RequestHandler, SessionGuardExtras<RequestHandler, Request> {
  /** First-party sessions: sets both session cookies from a created session (POST /v1/sessions's answer). */
  startSession(req: Request, res: Response, created: CreatedSession): void;
  /** First-party sessions: revokes the session the request proves and clears both cookies. */
  endSession(req: Request, res: Response): Promise<{ revoked: boolean }>;
}

/** Writes a rejection as sessionguard's JSON error. */
export function sendSessionError(res: Response, error: SessionError): void {
  writeResponse(res, toHttpResponse(error));
}

function writeResponse(res: Response, response: HttpErrorResponse): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body);
}

/** sessionguard's response, or with onError 'next' the app's error handler: `next(err)`. */
function answer(res: Response, next: NextFunction, rejection: Rejection): void {
  if (rejection.next) return next(rejection.error);
  writeResponse(res, rejection.response);
}

/**
 * A request an earlier sessionguard middleware attached a principal to carries a mark on its
 * rawHeaders array (a new one per request), under a key every copy of sessionguard shares. Why
 * not `Object.hasOwn(req, 'auth')`: Express gives every request a hidden class of its own, on
 * which V8 answers that in its runtime, not from a cache (about half a µs a request on a loaded
 * server); the array keeps the hidden class all arrays share. The mark lives and dies with the request.
 */
const AUTHENTICATED = Symbol.for('sessionguard.authenticated');
type MarkableHeaders = readonly string[] & { [AUTHENTICATED]?: true };

/** Whether an earlier sessionguard middleware authenticated this request (a request with no rawHeaders: whether `req.auth` is set). */
function alreadyAuthenticated(req: Request, raw: MarkableHeaders | undefined): boolean {
  return raw === undefined ? Object.hasOwn(req, 'auth') && req.auth !== undefined : raw[AUTHENTICATED] === true;
}

function middleware(verifier: SessionVerifier, optional: boolean): RequestHandler {
  if (verifier.firstParty !== undefined) return firstPartyMiddleware(verifier, optional);
  // Not an async function: a cached session goes on to next() synchronously, with no promise for Express to track.
  return function sessionguard(req: Request, res: Response, next: NextFunction): void | Promise<void> {
    // Read before req.auth is set: each property added to req gives it another hidden class, and the next read of req misses V8's caches again.
    const raw: MarkableHeaders | undefined = req.rawHeaders;
    if (alreadyAuthenticated(req, raw)) return next();
    let outcome: SessionPrincipal | undefined | Promise<SessionPrincipal | undefined>;
    try {
      outcome = authenticateFor(verifier, req, req, optional);
    } catch (error) {
      // authenticate() only ever throws a SessionError, already reported.
      return answer(res, next, rejectionFor(verifier, error as SessionError, req));
    }
    if (outcome instanceof Promise) {
      return outcome.then(
        (principal) => proceed(req, raw, principal, next),
        (error: unknown) => answer(res, next, rejectionFor(verifier, error as SessionError, req)),
      );
    }
    proceed(req, raw, outcome, next);
  };
}

/** With an identitySessions() provider: the first-party cookies, refreshed when their JWT expired. */
function firstPartyMiddleware(verifier: SessionVerifier, optional: boolean): RequestHandler {
  return async function sessionguard(req: Request, res: Response, next: NextFunction): Promise<void> {
    const raw: MarkableHeaders | undefined = req.rawHeaders;
    if (alreadyAuthenticated(req, raw)) return next();
    const { principal, error, setCookies } = await authenticateWithCookies(verifier, req, req, optional);
    for (const cookie of setCookies) res.append('Set-Cookie', cookie);
    // A rejection goes the way of every other: the verifier's onError and errorBody decide (the cookies are already on the response).
    if (error !== undefined) return answer(res, next, rejectionFor(verifier, error, req));
    proceed(req, raw, principal, next);
  };
}

/** Outside the authentication's error handling: errors of later handlers are the app's, not authentication failures. */
function proceed(req: Request, raw: MarkableHeaders | undefined, principal: SessionPrincipal | undefined, next: NextFunction): void {
  if (principal !== undefined) {
    req.auth = principal;
    // A frozen array (a request built by hand) goes unmarked: a later middleware then verifies again.
    if (raw !== undefined && Object.isExtensible(raw)) (raw as { [AUTHENTICATED]?: true })[AUTHENTICATED] = true;
  }
  next();
}

function guardHandler(check: GuardCheck<Request>, bound?: GuardContext): RequestHandler {
  return function sessionguardRouteGuard(req: Request, res: Response, next: NextFunction): void {
    let refusal: Rejection | undefined;
    try {
      refusal = checkGuard(check, req.auth, req, req, bound);
    } catch (error) {
      return next(error);
    }
    if (refusal !== undefined) return answer(res, next, refusal);
    next();
  };
}

/**
 * Standalone guards: they answer with the realm and RBAC policy of the
 * sessionguard middleware that ran on the request (defaults when none did).
 */
const standalone: ExpressRouteGuards = createRouteGuards<Request, RequestHandler>((check) => guardHandler(check));
export const requireScope: ExpressRouteGuards['requireScope'] = standalone.requireScope;
export const requireAnyScope: ExpressRouteGuards['requireAnyScope'] = standalone.requireAnyScope;
export const requireRole: ExpressRouteGuards['requireRole'] = standalone.requireRole;
export const requirePermission: ExpressRouteGuards['requirePermission'] = standalone.requirePermission;
export const requireBrand: ExpressRouteGuards['requireBrand'] = standalone.requireBrand;
export const requireSession: ExpressRouteGuards['requireSession'] = standalone.requireSession;

/** Express middleware that verifies the session token on every request it guards. */
export function sessionGuard(options: SessionGuardOptions | SessionVerifier): SessionGuardMiddleware {
  const guard = assembleSessionGuard<RequestHandler, Request>(options, { middleware, guard: guardHandler });
  const verifier = guard.verifier;
  return Object.assign(guard, {
    startSession: (_req: Request, res: Response, created: CreatedSession): void => {
      for (const cookie of startSessionCookies(verifier, created)) res.append('Set-Cookie', cookie);
    },
    endSession: (req: Request, res: Response) => endSessionWith(verifier, req, (cookies) => cookies.forEach((cookie) => res.append('Set-Cookie', cookie))),
  });
}

export { SessionIncomingMessage } from './incoming-message.js';
export type { SessionPrincipal, SessionGuardOptions };
export type { RequestValue } from '../core/guards/check.js';
export type { RbacOptions, RbacPermission, RequiredPermission, StytchRbacPolicy } from '../core/guards/rbac.js';
