import type { Provider } from '../providers/types.js';
import type { JsonObject } from '../token/decode.js';
import type { GuardContext } from '../guards/context.js';

/** The verified session, as attached to `req.auth` (Express) and `ctx.state.auth` (Koa). */
export interface SessionPrincipal {
  /** Canonical user id: the WorkOS user id. */
  readonly subject: string;
  readonly type: 'user';
  readonly brandId: string | null;
  readonly workosUserId: string;
  /** The Clerk user id when the token was a legacy Clerk token. */
  readonly clerkUserId: string | null;
  /** Space-separated scopes, normalised from scope, scp, permissions and Clerk o.per. */
  readonly scope: string;
  readonly scopes: readonly string[];
  /** Roles from the token (WorkOS role/roles, Clerk o.rol / org_role). */
  readonly roles: readonly string[];
  readonly sessionId: string | null;
  /** The name of the provider that verified the token. */
  readonly provider: string;
  /** The `iss` of the token. */
  readonly issuer: string;
  /** The verified payload, read-only. */
  readonly claims: Readonly<Record<string, unknown>>;
  /**
   * The incoming session token, or with `{ template }` a token minted locally
   * from a configured template (no network call).
   */
  getToken(options?: GetTokenOptions): Promise<string>;
  /** Set by requirePermission(): the roles that granted the permission it checked (as Stytch's verdict). */
  readonly grantingRoles?: readonly string[];
}

/** The parts of a principal that depend only on the token, computed once and cached with it. */
export interface PrincipalBase {
  readonly scopes: readonly string[];
  readonly scope: string;
  readonly roles: readonly string[];
  readonly brandId: string | null;
  readonly sessionId: string | null;
  readonly claims: Readonly<JsonObject>;
}

function words(value: unknown, separator: RegExp): string[] {
  if (typeof value === 'string') return value.split(separator).filter((word) => word !== '');
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item !== '');
  return [];
}

function clerkOrganisation(payload: JsonObject): JsonObject | undefined {
  const o = payload.o;
  return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as JsonObject) : undefined;
}

/** Collects scopes from every claim peers use, in order, without duplicates. */
export function normaliseScopes(payload: JsonObject): string[] {
  const org = clerkOrganisation(payload);
  const all = [
    ...words(payload.scope, /\s+/),
    ...words(payload.scp, /\s+/),
    ...words(payload.permissions, /\s+/),
    ...words(payload.org_permissions, /\s+/),
    ...words(org?.per, /[\s,]+/),
  ];
  return [...new Set(all)];
}

/** Roles from the provider's `roleClaim` when one is configured, else from every claim peers use. */
export function normaliseRoles(payload: JsonObject, roleClaim?: string): string[] {
  if (roleClaim !== undefined) return [...new Set(words(payload[roleClaim], /[\s,]+/))];
  const org = clerkOrganisation(payload);
  const all = [...words(payload.role, /\s+/), ...words(payload.roles, /\s+/), ...words(payload.org_role, /\s+/), ...words(org?.rol, /[\s,]+/)];
  return [...new Set(all)];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export function buildPrincipalBase(provider: Provider, payload: JsonObject): PrincipalBase {
  const scopes = Object.freeze(normaliseScopes(payload));
  const brand = payload[provider.brandClaim];
  return Object.freeze({
    scopes,
    scope: scopes.join(' '),
    roles: Object.freeze(normaliseRoles(payload, provider.roleClaim)),
    brandId: typeof brand === 'string' && brand !== '' ? brand : null,
    sessionId: typeof payload.sid === 'string' ? payload.sid : null,
    claims: deepFreeze(payload),
  });
}

/** What `getToken()` may be asked for. */
export interface GetTokenOptions {
  /** Mint a token from this configured template instead of returning the incoming token. */
  template?: string;
  /** Lifetime of the minted token (default: the template's). */
  expiresInSeconds?: number;
}

/** Mints template tokens for a principal (a TokenTemplates instance). */
export interface TemplateMinter {
  mint(principal: SessionPrincipal, template: string, options?: { expiresInSeconds?: number }): Promise<string>;
}

/**
 * The guard context a principal was made with, if it is one of ours: route guards
 * read it from `req.auth` instead of a per-request side table.
 */
export let guardContextOfPrincipal: (principal: object) => GuardContext | undefined;

/**
 * The principal as a class: the token and minter live in private fields, so
 * `JSON.stringify(req.auth)` never shows the token, and `getToken` is one
 * prototype method rather than a closure per request.
 */
class Principal implements SessionPrincipal {
  // Declared, not class fields: a field is defined (as undefined) before the constructor assigns
  // it, which would write each of them twice on a path that runs once per request.
  declare readonly subject: string;
  declare readonly type: 'user';
  declare readonly brandId: string | null;
  declare readonly workosUserId: string;
  declare readonly clerkUserId: string | null;
  declare readonly scope: string;
  declare readonly scopes: readonly string[];
  declare readonly roles: readonly string[];
  declare readonly sessionId: string | null;
  declare readonly provider: string;
  declare readonly issuer: string;
  declare readonly claims: Readonly<Record<string, unknown>>;
  readonly #token: string;
  readonly #minter: TemplateMinter | undefined;
  /** The realm and RBAC policy of the verifier that made this principal, for standalone guards. */
  readonly #guardContext: GuardContext | undefined;

  static {
    guardContextOfPrincipal = (principal) => (#guardContext in principal ? principal.#guardContext : undefined);
  }

  constructor(
    base: PrincipalBase,
    provider: string,
    subject: string,
    clerkUserId: string | null,
    token: string,
    minter: TemplateMinter | undefined,
    guardContext: GuardContext | undefined,
  ) {
    this.subject = subject;
    this.type = 'user';
    this.brandId = base.brandId;
    this.workosUserId = subject;
    this.clerkUserId = clerkUserId;
    this.scope = base.scope;
    this.scopes = base.scopes;
    this.roles = base.roles;
    this.sessionId = base.sessionId;
    this.provider = provider;
    this.issuer = base.claims.iss as string;
    this.claims = base.claims;
    this.#token = token;
    this.#minter = minter;
    this.#guardContext = guardContext;
  }

  async getToken(options: GetTokenOptions = {}): Promise<string> {
    if (options.template === undefined) return this.#token;
    if (this.#minter === undefined) {
      throw new TypeError('sessionguard: getToken({ template }) needs templates: pass templates: tokenTemplates({...}) to the guard.');
    }
    return this.#minter.mint(this, options.template, { expiresInSeconds: options.expiresInSeconds });
  }
}

/** A fresh principal per request, so nothing one request attaches leaks into another. */
export function createPrincipal(
  base: PrincipalBase,
  provider: Pick<Provider, 'name'>,
  subject: string,
  clerkUserId: string | null,
  token = '',
  minter?: TemplateMinter,
  guardContext?: GuardContext,
): SessionPrincipal {
  return new Principal(base, provider.name, subject, clerkUserId, token, minter, guardContext);
}
