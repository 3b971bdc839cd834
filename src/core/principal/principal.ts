import type { Provider } from '../providers/types.js';
import type { JsonObject } from '../token/decode.js';
import type { GuardContext } from '../guards/context.js';
import { deepFreeze } from '../deep-freeze.js';
import { EMPTY_LIST, unique, words, type Actor, type AuthenticationFactor, type ClaimsReading, type ProviderClaims } from './provider-claims.js';

/**
 * The verified session, as attached to `req.auth` (Express), `ctx.state.auth` (Koa), `request.auth`
 * (Fastify) and `c.get('auth')` (Hono): the vendor's fields (ProviderClaims), and who the user is.
 */
export interface SessionPrincipal extends ProviderClaims {
  /** Canonical user id: the WorkOS user id for workos() and mapped clerk() users, else the token's `sub`. */
  readonly subject: string;
  readonly type: 'user';
  readonly brandId: string | null;
  /** The WorkOS user id: `sub` for workos(), the mapped id for a mapped clerk() user; null otherwise. */
  readonly workosUserId: string | null;
  /** The Clerk user id when the token was a Clerk token. */
  readonly clerkUserId: string | null;
  /** Space-separated scopes from `scope`, `scp` and the provider's permissions (Clerk's in their Clerk spelling). */
  readonly scope: string;
  readonly scopes: readonly string[];
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
export interface PrincipalBase extends ProviderClaims {
  readonly scopes: readonly string[];
  readonly scope: string;
  readonly brandId: string | null;
  readonly claims: Readonly<JsonObject>;
  /** The token's `iss`. */
  readonly issuer: string;
}

/** A base with who the user is and the provider's name: everything a principal copies, in one object (see identify). */
export interface PrincipalSource extends PrincipalBase, PrincipalIdentity {
  readonly provider: string;
}

/** Scopes keep their sources: `scope`, `scp`, then the provider's permissions. */
function scopesOf(payload: JsonObject, permissions: readonly string[]): readonly string[] {
  return unique(words(payload.scope, /\s+/), words(payload.scp, /\s+/), permissions);
}

/** A list as the principal holds it: frozen, and the one shared empty list when empty (most lists of most tokens are). */
function frozenList<T>(list: readonly T[]): readonly T[] {
  return list.length === 0 ? EMPTY_LIST : Object.freeze(list);
}

/**
 * A principal base from vendor fields already read (a provider's reading, or the remote's answer
 * written into one): the reading becomes the base itself. Everything it holds that a principal
 * shows is frozen: a cached base is shared by every request of its token. The base itself is
 * internal and typed read-only; freezing it too cost each cache miss about 60 ns.
 * `claims` must be deep-frozen already, as a decoded token's payload is (see parseJsonObject):
 * asking Object.isFrozen again cost each cache miss about 0.1 µs.
 */
export function principalBaseOf(base: ClaimsReading, scopes: readonly string[], brandId: string | null, claims: JsonObject, roles: readonly string[] = base.roles): PrincipalBase {
  base.roles = frozenList(roles);
  base.permissions = frozenList(base.permissions);
  base.features = frozenList(base.features);
  base.entitlements = frozenList(base.entitlements);
  base.featureFlags = frozenList(base.featureFlags);
  if (base.actor !== null) Object.freeze(base.actor);
  base.authenticationFactors = base.authenticationFactors.length === 0 ? EMPTY_LIST : deepFreeze(base.authenticationFactors);
  base.scopes = frozenList(scopes);
  base.scope = scopes.length === 0 ? '' : scopes.join(' ');
  base.brandId = brandId;
  base.claims = claims;
  base.issuer = claims.iss as string;
  return base;
}

/**
 * Writes who the user is and the provider's name into a base, so a principal is copied from
 * that one object: a cached token's request then reads no identity, provider or payload.
 * Every base is a ClaimsReading (principalBaseOf makes them all).
 */
export function identify(base: PrincipalBase, provider: Pick<Provider, 'name'>, identity: PrincipalIdentity): PrincipalSource {
  const source = base as ClaimsReading;
  source.subject = identity.subject;
  source.workosUserId = identity.workosUserId;
  source.clerkUserId = identity.clerkUserId;
  source.provider = provider.name;
  return source;
}

/** `payload`: deep-frozen (see principalBaseOf). */
export function buildPrincipalBase(provider: Pick<Provider, 'brandClaim' | 'roleClaim' | 'readClaims' | 'readAccess'>, payload: JsonObject): PrincipalBase {
  const fields = provider.readClaims(payload);
  if (provider.readAccess !== undefined) {
    const access = provider.readAccess(payload);
    return principalBaseOf(fields, access.scopes, access.brandId, payload);
  }
  const roles = provider.roleClaim === undefined ? fields.roles : unique(words(payload[provider.roleClaim], /[\s,]+/));
  const brand = payload[provider.brandClaim];
  return principalBaseOf(fields, scopesOf(payload, fields.permissions), typeof brand === 'string' && brand !== '' ? brand : null, payload, roles);
}

/** Who the principal is: its subject and the user ids it is known by. */
export interface PrincipalIdentity {
  readonly subject: string;
  readonly workosUserId: string | null;
  readonly clerkUserId: string | null;
}

/** A PrincipalIdentity made on a cache miss: a class for the reason ClaimsReading is one. */
export class Identity implements PrincipalIdentity {
  declare readonly subject: string;
  declare readonly workosUserId: string | null;
  declare readonly clerkUserId: string | null;

  constructor(subject: string, workosUserId: string | null, clerkUserId: string | null) {
    this.subject = subject;
    this.workosUserId = workosUserId;
    this.clerkUserId = clerkUserId;
  }
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
  declare readonly workosUserId: string | null;
  declare readonly clerkUserId: string | null;
  declare readonly scope: string;
  declare readonly scopes: readonly string[];
  declare readonly roles: readonly string[];
  declare readonly sessionId: string | null;
  declare readonly organizationId: string | null;
  declare readonly organizationSlug: string | null;
  declare readonly organizationRole: string | null;
  declare readonly permissions: readonly string[];
  declare readonly features: readonly string[];
  declare readonly entitlements: readonly string[];
  declare readonly featureFlags: readonly string[];
  declare readonly actor: Actor | null;
  declare readonly authenticationFactors: readonly AuthenticationFactor[];
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

  constructor(source: PrincipalSource, token: string, minter: TemplateMinter | undefined, guardContext: GuardContext | undefined) {
    this.subject = source.subject;
    this.type = 'user';
    this.brandId = source.brandId;
    this.workosUserId = source.workosUserId;
    this.clerkUserId = source.clerkUserId;
    this.scope = source.scope;
    this.scopes = source.scopes;
    this.roles = source.roles;
    this.sessionId = source.sessionId;
    this.organizationId = source.organizationId;
    this.organizationSlug = source.organizationSlug;
    this.organizationRole = source.organizationRole;
    this.permissions = source.permissions;
    this.features = source.features;
    this.entitlements = source.entitlements;
    this.featureFlags = source.featureFlags;
    this.actor = source.actor;
    this.authenticationFactors = source.authenticationFactors;
    this.provider = source.provider;
    this.issuer = source.issuer;
    this.claims = source.claims;
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
  identity: PrincipalIdentity,
  token = '',
  minter?: TemplateMinter,
  guardContext?: GuardContext,
): SessionPrincipal {
  return new Principal(identify(base, provider, identity), token, minter, guardContext);
}

/** createPrincipal() from a base identify() has completed (a cached token's). */
export function principalFrom(source: PrincipalSource, token: string, minter: TemplateMinter | undefined, guardContext: GuardContext | undefined): SessionPrincipal {
  return new Principal(source, token, minter, guardContext);
}
