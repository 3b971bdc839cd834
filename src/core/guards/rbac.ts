/** Role-based access control: which roles may do which actions on which resources. */

/** One grant of a role: `actions` on `resource`; `*` in either is a wildcard. */
export interface RbacPermission {
  resource: string;
  actions: readonly string[];
}

/** The `rbac` option of sessionGuard: `{ roles: { editor: [{ resource: 'documents', actions: ['read', 'write'] }] } }`. */
export interface RbacOptions {
  roles: Readonly<Record<string, readonly RbacPermission[]>>;
}

/** A permission a route requires; concrete names, no wildcards. */
export interface RequiredPermission {
  resource: string;
  action: string;
}

export const WILDCARD = '*';

interface Grant {
  resource: string;
  actions: ReadonlySet<string>;
}

function fail(message: string): never {
  throw new TypeError(`sessionguard: ${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A checked, compiled policy. A Map, so a role named `__proto__` in a token finds nothing. */
export class RbacPolicy {
  private constructor(private readonly grants: ReadonlyMap<string, readonly Grant[]>) {}

  /** Validates the `rbac` option; throws a TypeError saying what to fix. */
  static compile(options: unknown): RbacPolicy {
    if (!isPlainObject(options) || !isPlainObject(options.roles)) {
      fail("rbac must be { roles: { <role>: [{ resource, actions: [...] }] } }.");
    }
    const grants = new Map<string, Grant[]>();
    for (const [role, permissions] of Object.entries(options.roles)) {
      if (role === '' || /\s/.test(role)) fail(`rbac role "${role}" must be a non-empty name without spaces.`);
      if (!Array.isArray(permissions)) fail(`rbac.roles.${role} must be a list of { resource, actions }.`);
      grants.set(
        role,
        permissions.map((permission: unknown, index) => {
          const where = `rbac.roles.${role}[${index}]`;
          if (!isPlainObject(permission)) fail(`${where} must be { resource, actions }.`);
          const { resource, actions } = permission;
          if (typeof resource !== 'string' || resource === '') fail(`${where}.resource must be a non-empty string (or "*").`);
          if (!Array.isArray(actions) || actions.length === 0 || actions.some((a) => typeof a !== 'string' || a === '')) {
            fail(`${where}.actions must be a non-empty list of action names (or ["*"]).`);
          }
          return { resource, actions: new Set(actions as string[]) };
        }),
      );
    }
    return new RbacPolicy(grants);
  }

  /** The roles, in the order given, that grant the permission; empty when none does. */
  grantingRoles(roles: readonly string[], required: RequiredPermission): string[] {
    return roles.filter((role) =>
      (this.grants.get(role) ?? []).some(
        (grant) =>
          (grant.resource === WILDCARD || grant.resource === required.resource) &&
          (grant.actions.has(WILDCARD) || grant.actions.has(required.action)),
      ),
    );
  }
}
