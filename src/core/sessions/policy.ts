/** Stytch's RBAC policy shape: roles grant actions on resources; `*` as an action grants every action. */
export interface SessionPolicy {
  roles: readonly { role_id: string; description?: string; permissions: readonly { resource_id: string; actions: readonly string[] }[] }[];
  /** The resources and their actions; when given, a check on a resource not listed here is refused. */
  resources?: readonly { resource_id: string; description?: string; actions: readonly string[] }[];
}

/** What an authenticate call asks to be checked. */
export interface AuthorizationCheck {
  resource_id: string;
  action: string;
  /** As in Stytch's B2B API: the session's recorded organization must be this one. */
  organization_id?: string;
}

function fail(message: string): never {
  throw new TypeError(`sessionguard: createIdentityService(): sessions.policy: ${message}`);
}

function nonEmptyStrings(where: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) fail(`${where} must be a list of non-empty strings.`);
  return [...(value as string[])];
}

/** The policy as Stytch's `GET /v1/rbac/policy` answers it (its SDKs read it for local authorization checks). */
export interface PolicyDocument {
  roles: { role_id: string; description: string; permissions: { resource_id: string; actions: string[] }[] }[];
  resources: { resource_id: string; description: string; actions: string[] }[];
  scopes: never[];
}

/** A checked policy: the roles granting an action on a resource. A Map, so a role named `__proto__` finds nothing. */
export class CompiledPolicy {
  /** A copy of the checked policy, for `GET /v1/rbac/policy`. */
  readonly document: PolicyDocument;

  private constructor(
    private readonly grants: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>,
    private readonly resources: ReadonlySet<string> | undefined,
    policy: SessionPolicy | undefined,
  ) {
    this.document = {
      roles: (policy?.roles ?? []).map((role) => ({
        role_id: role.role_id,
        description: role.description ?? '',
        permissions: role.permissions.map((permission) => ({ resource_id: permission.resource_id, actions: [...permission.actions] })),
      })),
      resources: (policy?.resources ?? []).map((resource) => ({ resource_id: resource.resource_id, description: resource.description ?? '', actions: [...(resource.actions ?? [])] })),
      scopes: [],
    };
  }

  static compile(policy: SessionPolicy | undefined): CompiledPolicy {
    if (policy === undefined) return new CompiledPolicy(new Map(), undefined, undefined);
    if (typeof policy !== 'object' || policy === null || !Array.isArray(policy.roles)) fail('must be { roles: [{ role_id, permissions: [...] }], resources?: [...] }.');
    const grants = new Map<string, Map<string, Set<string>>>();
    for (const [index, role] of policy.roles.entries()) {
      if (typeof role !== 'object' || role === null || typeof role.role_id !== 'string' || role.role_id === '') fail(`roles[${index}].role_id must be a non-empty string.`);
      if (grants.has(role.role_id)) fail(`the role "${role.role_id}" is listed twice.`);
      if (!Array.isArray(role.permissions)) fail(`roles[${index}].permissions must be a list.`);
      const byResource = new Map<string, Set<string>>();
      for (const [p, permission] of role.permissions.entries()) {
        const where = `roles[${index}].permissions[${p}]`;
        if (typeof permission !== 'object' || permission === null || typeof permission.resource_id !== 'string' || permission.resource_id === '') {
          fail(`${where}.resource_id must be a non-empty string.`);
        }
        const actions = byResource.get(permission.resource_id) ?? new Set<string>();
        for (const action of nonEmptyStrings(`${where}.actions`, permission.actions)) actions.add(action);
        byResource.set(permission.resource_id, actions);
      }
      grants.set(role.role_id, byResource);
    }
    let resources: Set<string> | undefined;
    if (policy.resources !== undefined) {
      if (!Array.isArray(policy.resources)) fail('resources must be a list of { resource_id, actions }.');
      resources = new Set(policy.resources.map((resource, index) => {
        if (typeof resource !== 'object' || resource === null || typeof resource.resource_id !== 'string' || resource.resource_id === '') {
          fail(`resources[${index}].resource_id must be a non-empty string.`);
        }
        if (resource.actions !== undefined) nonEmptyStrings(`resources[${index}].actions`, resource.actions);
        return resource.resource_id;
      }));
    }
    // As Stytch requires: a role grants only listed resources, so a local check by Stytch's SDKs agrees with ours.
    for (const [role, byResource] of grants) {
      for (const resource of byResource.keys()) {
        if (resources !== undefined && !resources.has(resource)) fail(`the role "${role}" grants "${resource}", which resources does not list.`);
      }
    }
    return new CompiledPolicy(grants, resources, policy);
  }

  /** The session's roles, in its order, that grant the action; empty when none does (an unknown resource included). */
  grantingRoles(roles: readonly string[], check: AuthorizationCheck): string[] {
    if (this.resources !== undefined && !this.resources.has(check.resource_id)) return [];
    return roles.filter((role) => {
      const actions = this.grants.get(role)?.get(check.resource_id);
      return actions !== undefined && (actions.has('*') || actions.has(check.action));
    });
  }
}
