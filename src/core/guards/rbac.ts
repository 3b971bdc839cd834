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

/** Stytch's RBAC policy JSON (`rbac.policy()`): roles listing `{ resource_id, actions }`; other members are ignored. */
export interface StytchRbacPolicy {
  roles: readonly { role_id: string; permissions: readonly { resource_id: string; actions: readonly string[] }[] }[];
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

/** Stytch's `roles: [{ role_id, permissions: [{ resource_id, actions }] }]` as sessionguard's roles map. */
function fromStytchPolicy(roles: readonly unknown[]): Record<string, unknown[]> {
  const map: Record<string, unknown[]> = {};
  roles.forEach((role, index) => {
    if (!isPlainObject(role) || typeof role.role_id !== 'string' || !Array.isArray(role.permissions)) {
      fail(`rbac.roles[${index}] must be a Stytch role { role_id, permissions: [{ resource_id, actions }] }.`);
    }
    const permissions = role.permissions.map((permission: unknown, at) => {
      if (!isPlainObject(permission)) fail(`rbac.roles[${index}].permissions[${at}] must be { resource_id, actions }.`);
      return { resource: permission.resource_id, actions: permission.actions };
    });
    map[role.role_id] = [...(map[role.role_id] ?? []), ...permissions];
  });
  return map;
}

/** A checked, compiled policy. A Map, so a role named `__proto__` in a token finds nothing. */
export class RbacPolicy {
  private constructor(private readonly grants: ReadonlyMap<string, readonly Grant[]>) {}

  /** Validates the `rbac` option (sessionguard's shape or Stytch's policy); throws a TypeError saying what to fix. */
  static compile(options: unknown): RbacPolicy {
    if (isPlainObject(options) && Array.isArray(options.roles)) return RbacPolicy.compile({ roles: fromStytchPolicy(options.roles) });
    if (!isPlainObject(options) || !isPlainObject(options.roles)) {
      fail("rbac must be { roles: { <role>: [{ resource, actions: [...] }] } } or a Stytch policy { roles: [{ role_id, permissions }] }.");
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
