import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import type { SessionVerifier } from '../core/verifier.js';
import { toHttpResponse, type HttpErrorResponse, type SessionError } from '../core/errors.js';
import type { SessionGuardOptions } from '../core/options.js';
import type { SessionPrincipal } from '../core/principal/principal.js';
import { assembleSessionGuard, authenticateFor, checkGuard, rejectionFor, type Rejection, type SessionGuardExtras } from '../core/middleware.js';
import { createRouteGuards, type RouteGuards } from '../core/guards/route-guards.js';
import { hasBrand, SESSION_VERIFIER_BRAND } from '../core/brand.js';
import type { GuardCheck } from '../core/guards/check.js';
import type { GuardContext } from '../core/guards/context.js';
import { authenticateWithCookies, endSessionWith, startSessionCookies } from '../core/first-party/adapter-support.js';
import type { CreatedSession } from '../core/first-party/first-party-sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified session, set by sessionguard in onRequest; null on anonymous requests in optional mode. */
    auth: SessionPrincipal | null;
  }
  interface FastifyInstance {
    /** Set by the sessionguard plugin: its bound guards, `warm()`, `ready` and `verifier`. */
    sessionGuard: FastifySessionGuard;
  }
}

/** What the plugin takes: the Express adapter's options, or a verifier to share, and whether a token is optional in this scope. */
export type FastifySessionGuardOptions = (SessionGuardOptions | SessionVerifier | { verifier: SessionVerifier }) & {
  /** Requests without a token go on with `request.auth === null` (a bad token is still a 401). */
  optional?: boolean;
};

/** Route guards for Fastify: each is a preHandler hook; resolvers receive `request`. */
export type FastifyRouteGuards = RouteGuards<FastifyRequest, preHandlerHookHandler>;

/** The plugin's session hook with its extras, decorated on the instance as `fastify.sessionGuard`. */
export interface FastifySessionGuard extends Omit<SessionGuardExtras<onRequestHookHandler, FastifyRequest>, keyof FastifyRouteGuards>, FastifyRouteGuards {
  (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void;
  /** First-party sessions: sets both session cookies from a created session (POST /v1/sessions's answer). */
  startSession(request: FastifyRequest, reply: FastifyReply, created: CreatedSession): void;
  /** First-party sessions: revokes the session the request proves and clears both cookies. */
  endSession(request: FastifyRequest, reply: FastifyReply): Promise<{ revoked: boolean }>;
}

/** Writes a rejection as sessionguard's JSON error, byte for byte what the Express adapter sends. */
export function sendSessionError(reply: FastifyReply, error: SessionError): void {
  writeResponse(reply, toHttpResponse(error));
}

function writeResponse(reply: FastifyReply, response: HttpErrorResponse): void {
  // Fastify appends a charset to a JSON media type sent as a string; bytes go out with the type as set.
  const body = response.headers['Content-Type']!.includes('charset') ? response.body : Buffer.from(response.body);
  void reply.code(response.status).headers(response.headers).send(body);
}

/** sessionguard's response, or with onError 'next' Fastify's error handler (the error has `statusCode` and `headers`). */
function answer(reply: FastifyReply, done: HookHandlerDoneFunction, rejection: Rejection): void {
  if (rejection.next) return done(rejection.error);
  writeResponse(reply, rejection.response);
}

function sessionHook(verifier: SessionVerifier, optional: boolean): onRequestHookHandler {
  if (verifier.firstParty !== undefined) return firstPartyHook(verifier, optional);
  // Not an async hook: a cached session calls done() synchronously, with no promise for Fastify to track.
  return function sessionguard(request, reply, done): void {
    if (request.auth) return done();
    let outcome: SessionPrincipal | undefined | Promise<SessionPrincipal | undefined>;
    try {
      // The Node request: its rawHeaders are read in one pass, without Fastify's header object.
      outcome = authenticateFor(verifier, request, request.raw, optional);
    } catch (error) {
      // authenticate() only ever throws a SessionError, already reported.
      return answer(reply, done, rejectionFor(verifier, error as SessionError, request.raw));
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (principal) => proceed(request, principal, done),
        (error: unknown) => answer(reply, done, rejectionFor(verifier, error as SessionError, request.raw)),
      );
      return;
    }
    proceed(request, outcome, done);
  };
}

/** With an identitySessions() provider: the first-party cookies, refreshed when their JWT expired. */
function firstPartyHook(verifier: SessionVerifier, optional: boolean): onRequestHookHandler {
  return function sessionguard(request, reply, done): void {
    if (request.auth) return done();
    void authenticateWithCookies(verifier, request, request.raw, optional).then(({ principal, error, setCookies }) => {
      for (const cookie of setCookies) void reply.header('set-cookie', cookie);
      // A rejection goes the way of every other: the verifier's onError and errorBody decide (the cookies are already set).
      if (error !== undefined) return answer(reply, done, rejectionFor(verifier, error, request.raw));
      proceed(request, principal, done);
    });
  };
}

/** Outside the authentication's error handling: errors of later hooks are the app's, not authentication failures. */
function proceed(request: FastifyRequest, principal: SessionPrincipal | undefined, done: HookHandlerDoneFunction): void {
  request.auth = principal ?? null;
  done();
}

function guardHook(check: GuardCheck<FastifyRequest>, bound?: GuardContext): preHandlerHookHandler {
  return function sessionguardRouteGuard(request, reply, done): void {
    let refusal: Rejection | undefined;
    try {
      refusal = checkGuard(check, request.auth ?? undefined, request, request.raw, bound);
    } catch (error) {
      // A resolver that throws is the app's error: Fastify's error handler answers it.
      return done(error as Error);
    }
    if (refusal !== undefined) return answer(reply, done, refusal);
    done();
  };
}

/**
 * Standalone guards, for `preHandler`: they answer with the realm and RBAC policy of the
 * sessionguard plugin that ran on the request (defaults when none did).
 */
const standalone: FastifyRouteGuards = createRouteGuards<FastifyRequest, preHandlerHookHandler>((check) => guardHook(check));
export const requireScope: FastifyRouteGuards['requireScope'] = standalone.requireScope;
export const requireAnyScope: FastifyRouteGuards['requireAnyScope'] = standalone.requireAnyScope;
export const requireRole: FastifyRouteGuards['requireRole'] = standalone.requireRole;
export const requirePermission: FastifyRouteGuards['requirePermission'] = standalone.requirePermission;
export const requireBrand: FastifyRouteGuards['requireBrand'] = standalone.requireBrand;
export const requireSession: FastifyRouteGuards['requireSession'] = standalone.requireSession;

/** Fastify's own register options, which are not sessionguard's. */
const FASTIFY_REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'];

/** The verifier options without Fastify's register options and the plugin's own `optional`. */
function verifierSource(options: FastifySessionGuardOptions): SessionGuardOptions | SessionVerifier {
  if (hasBrand(options, SESSION_VERIFIER_BRAND)) return options as SessionVerifier;
  const own = Object.fromEntries(Object.entries(options).filter(([name]) => name !== 'optional' && !FASTIFY_REGISTER_OPTIONS.includes(name)));
  if (!('verifier' in own)) return own as unknown as SessionGuardOptions;
  if (!hasBrand(own.verifier, SESSION_VERIFIER_BRAND)) throw new TypeError('sessionguard: verifier must come from createVerifier().');
  return own.verifier as SessionVerifier;
}

async function plugin(fastify: FastifyInstance, options: FastifySessionGuardOptions): Promise<void> {
  const source = verifierSource(options);
  const guard = assembleSessionGuard<onRequestHookHandler, FastifyRequest>(source, {
    middleware: sessionHook,
    guard: guardHook as (check: GuardCheck<FastifyRequest>, bound?: GuardContext) => onRequestHookHandler,
  }) as unknown as FastifySessionGuard;
  const verifier = guard.verifier;
  guard.startSession = (_request, reply, created) => {
    for (const cookie of startSessionCookies(verifier, created)) void reply.header('set-cookie', cookie);
  };
  guard.endSession = (request, reply) => endSessionWith(verifier, request.raw, (cookies) => cookies.forEach((cookie) => void reply.header('set-cookie', cookie)));
  // Declared up front, so every request of this scope has the same shape (and `auth` is null, never missing).
  fastify.decorateRequest('auth', null);
  fastify.decorate('sessionGuard', guard);
  fastify.addHook('onRequest', options.optional === true ? guard.optional() : guard);
  // A verifier the plugin made is the plugin's to close (its store subscription); a shared one is the app's.
  if (!hasBrand(source, SESSION_VERIFIER_BRAND)) fastify.addHook('onClose', async () => guard.verifier.close());
}

/**
 * The sessionguard plugin for Fastify 5: `await app.register(sessionGuard, { providers })` verifies
 * the session on every route of the scope it is registered in (fastify-plugin: not a child scope,
 * so a `prefix` does not narrow it), in onRequest; the principal is `request.auth`.
 */
export const sessionGuard = fp<FastifySessionGuardOptions>(plugin, { fastify: '5.x', name: 'sessionguard' });

export type { SessionPrincipal, SessionGuardOptions };
export type { RequestValue } from '../core/guards/check.js';
export type { RbacOptions, RbacPermission, RequiredPermission } from '../core/guards/rbac.js';
