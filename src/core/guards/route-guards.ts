import type { GuardContext } from './context.js';
import type { GuardCheck, RequestValue } from './check.js';
import type { RequiredPermission } from './rbac.js';
import { requireAnyScope, requireScope } from './scope.js';
import { requirePermission, requireRole } from './roles.js';
import { requireBrand, requireSession } from './match.js';
import { guardArgumentError } from './validate.js';

/** The guards as an adapter exports them: each builds a framework handler `H` from a check. */
export interface RouteGuards<R, H> {
  /** 403 insufficient_scope unless the token has all of the scopes ("a b" or ['a', 'b']). */
  requireScope(scopes: string | readonly string[]): H;
  /** 403 insufficient_scope unless the token has at least one of the scopes. */
  requireAnyScope(scopes: readonly string[]): H;
  /** 403 forbidden permission_denied unless the principal has one of the roles. */
  requireRole(roles: string | readonly string[]): H;
  /** 403 forbidden permission_denied unless `principal.permissions` holds the name, or (with `{ resource, action }`) a role grants it under `rbac`. */
  requirePermission(permission: RequiredPermission | string): H;
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
      if (typeof permission !== 'string' && bound !== undefined && bound.rbac === undefined) {
        guardArgumentError('requirePermission', 'needs an rbac policy: sessionGuard({ rbac: { roles: { ... } } }).');
      }
      return wrap(check);
    },
    requireBrand: (brand) => wrap(requireBrand(brand)),
    requireSession: (sessionId) => wrap(requireSession(sessionId)),
  };
}
