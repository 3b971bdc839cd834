/** Role and permission guards; permissions are granted by roles under the rbac policy. */
import type { GuardCheck } from './check.js';
import type { RequiredPermission } from './rbac.js';
import { concreteName, guardArgumentError, nameList } from './validate.js';

/** The principal is read-only to users; requirePermission alone attaches the roles that granted it. */
interface WithGrantingRoles {
  grantingRoles?: readonly string[];
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
 * A string (`'org:reports:read'`): the principal's `permissions` must hold it exactly (Clerk,
 * WorkOS, OIDC permissions). `{ resource, action }`: the principal's roles must grant the action
 * on the resource under the `rbac` policy (Stytch's authorization check); without a policy
 * nothing is granted, and on success `principal.grantingRoles` lists the roles that granted it.
 */
export function requirePermission(permission: RequiredPermission | string): GuardCheck<unknown> {
  if (typeof permission === 'string') {
    const name = concreteName('requirePermission', 'permission', permission);
    if (/\s/.test(name)) guardArgumentError('requirePermission', 'needs a permission name without spaces.');
    return (principal, _request, { errors }) => {
      if (!principal.permissions.includes(name)) throw errors.forbidden('permission_denied', `This request needs the permission ${name}.`);
    };
  }
  if (typeof permission !== 'object' || permission === null) guardArgumentError('requirePermission', "needs a permission name ('org:reports:read') or { resource, action }, e.g. { resource: 'documents', action: 'write' }.");
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
