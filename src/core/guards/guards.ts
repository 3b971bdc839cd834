import type { SessionPrincipal } from '../principal.js';
import type { GuardContext } from './context.js';
import type { RequiredPermission } from './rbac.js';
import { concreteName, guardArgumentError, nameList, scopeList, valueOrResolver } from './validate.js';

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

export interface WithGrantingRoles {
  grantingRoles?: readonly string[];
}

/** Runs a guard: a request with no principal is 401 missing_token before any check. */
export function runGuard<R>(check: GuardCheck<R>, principal: SessionPrincipal | undefined, request: R, context: GuardContext): void {
  if (principal === undefined) throw context.errors.missingToken();
  check(principal, request, context);
}

/** All of the scopes (space-separated or a list), exact and case-sensitive. */
export function requireScope(scopes: string | readonly string[]): GuardCheck<unknown> {
  const required = scopeList('requireScope', scopes, { split: true });
  return (principal, _request, { errors }) => {
    if (!required.every((scope) => principal.scopes.includes(scope))) throw errors.insufficientScope(required);
  };
}

/** At least one of the scopes. */
export function requireAnyScope(scopes: readonly string[]): GuardCheck<unknown> {
  const required = scopeList('requireAnyScope', scopes, { split: false });
  return (principal, _request, { errors }) => {
    if (!required.some((scope) => principal.scopes.includes(scope))) throw errors.insufficientScope(required, 'any');
  };
}

/** At least one of the roles (from `principal.roles`). */
export function requireRole(roles: string | readonly string[]): GuardCheck<unknown> {
  const required = nameList('requireRole', 'role', roles);
  const label = required.join(' or ');
  return (principal, _request, { errors }) => {
    if (!required.some((role) => principal.roles.includes(role))) {
      throw errors.forbidden('permission_denied', `This request needs the role ${label}.`);
    }
  };
}

/**
 * The principal's roles must grant `action` on `resource` under the `rbac`
 * policy (Stytch's authorization check). Without a policy nothing is granted.
 * On success `principal.grantingRoles` lists the roles that granted it.
 */
export function requirePermission(permission: RequiredPermission): GuardCheck<unknown> {
  if (typeof permission !== 'object' || permission === null) guardArgumentError('requirePermission', "needs { resource, action }, e.g. { resource: 'documents', action: 'write' }.");
  const required: RequiredPermission = Object.freeze({
    resource: concreteName('requirePermission', 'resource', permission.resource),
    action: concreteName('requirePermission', 'action', permission.action),
  });
  return (principal, _request, { errors, rbac }) => {
    const granting = rbac?.grantingRoles(principal.roles, required) ?? [];
    if (granting.length === 0) {
      throw errors.forbidden('permission_denied', `This request needs permission to ${required.action} ${required.resource}.`);
    }
    // The principal is created fresh for each request, so this stays with the request.
    (principal as WithGrantingRoles).grantingRoles = Object.freeze(granting);
  };
}

function resolve<R>(value: RequestValue<R>, request: R): unknown {
  return typeof value === 'string' ? value : value(request);
}

/** The principal's brand must equal the brand (fixed or read from the request); no brand never matches. */
export function requireBrand<R>(brand: RequestValue<R>): GuardCheck<R> {
  const expected = valueOrResolver<(request: R) => unknown>('requireBrand', 'brand id', brand);
  return (principal, request, { errors }) => {
    const wanted = resolve(expected, request);
    if (principal.brandId === null || typeof wanted !== 'string' || principal.brandId !== wanted) {
      throw errors.forbidden('brand_mismatch', 'This session belongs to another brand.');
    }
  };
}

/** The token must belong to the session (Clerk's VerifySession rule); a token without `sid` never matches. */
export function requireSession<R>(sessionId: RequestValue<R>): GuardCheck<R> {
  const expected = valueOrResolver<(request: R) => unknown>('requireSession', 'session id', sessionId);
  return (principal, request, { errors }) => {
    const wanted = resolve(expected, request);
    if (principal.sessionId === null || typeof wanted !== 'string' || principal.sessionId !== wanted) {
      throw errors.forbidden('session_mismatch', 'This token does not belong to the requested session.');
    }
  };
}

/** The guards as an adapter exports them: each builds a framework handler `H` from a check. */
export interface RouteGuards<R, H> {
  /** 403 insufficient_scope unless the token has all of the scopes ("a b" or ['a', 'b']). */
  requireScope(scopes: string | readonly string[]): H;
  /** 403 insufficient_scope unless the token has at least one of the scopes. */
  requireAnyScope(scopes: readonly string[]): H;
  /** 403 forbidden permission_denied unless the principal has one of the roles. */
  requireRole(roles: string | readonly string[]): H;
  /** 403 forbidden permission_denied unless a role grants the action on the resource under `rbac`. */
  requirePermission(permission: RequiredPermission): H;
  /** 403 forbidden brand_mismatch unless the principal's brand is this one. */
  requireBrand(brand: RequestValue<R>): H;
  /** 403 forbidden session_mismatch unless the token's `sid` is this one. */
  requireSession(sessionId: RequestValue<R>): H;
}

/**
 * Builds every guard for an adapter. `bound` is the context of a given
 * middleware (its realm and policy); then requirePermission without a policy
 * fails at mount time rather than refusing every request.
 */
export function createRouteGuards<R, H>(wrap: (check: GuardCheck<R>) => H, bound?: GuardContext): RouteGuards<R, H> {
  return {
    requireScope: (scopes) => wrap(requireScope(scopes)),
    requireAnyScope: (scopes) => wrap(requireAnyScope(scopes)),
    requireRole: (roles) => wrap(requireRole(roles)),
    requirePermission: (permission) => {
      const check = requirePermission(permission);
      if (bound !== undefined && bound.rbac === undefined) {
        guardArgumentError('requirePermission', 'needs an rbac policy: sessionGuard({ rbac: { roles: { ... } } }).');
      }
      return wrap(check);
    },
    requireBrand: (brand) => wrap(requireBrand(brand)),
    requireSession: (sessionId) => wrap(requireSession(sessionId)),
  };
}
