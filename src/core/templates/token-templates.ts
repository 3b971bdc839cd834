import { assertKnownKeys } from '../options-keys.js';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { JsonWebKeySet } from '../jwk.js';
import { DEFAULT_REALM, ErrorFactory } from '../errors.js';

/** A 404 carries no challenge, so the realm does not matter here. */
const NOT_FOUND_ERRORS = new ErrorFactory(DEFAULT_REALM);
import type { SessionPrincipal, TemplateMinter } from '../principal/principal.js';
import { loadSigningKey, type SigningAlgorithm, type SigningKey, type SigningKeyInput } from './signing-key.js';

/** Lifetimes a caller may ask for (`expires_in_seconds`, in whole seconds). */
export const MIN_TEMPLATE_LIFETIME_SECONDS = 30;
export const MAX_TEMPLATE_LIFETIME_SECONDS = 315_360_000;
const DEFAULT_TEMPLATE_LIFETIME_SECONDS = 60;

/** Claims the minter sets itself; a template cannot override them, nor pass as a first-party session JWT. */
const RESERVED_CLAIMS = ['iss', 'sub', 'sid', 'iat', 'nbf', 'exp', 'jti', 'https://stytch.com/session'] as const;

/** A named JWT template, as Clerk's dashboard templates, but configured in code. */
export interface TokenTemplate {
  /** The name callers ask for, e.g. `custom_hasura`. */
  name: string;
  /** The template's own claims for a principal (iss, sub, sid, iat, nbf, exp and jti are always set by the minter). */
  claims: (principal: SessionPrincipal) => Record<string, unknown>;
  /** Default lifetime in seconds (30 to 315360000; default 60). */
  lifetimeSeconds?: number;
  /** `aud` of the minted tokens. */
  audience?: string | readonly string[];
}

export interface TokenTemplatesOptions {
  /** `iss` of minted tokens: the identity service's public URL. Downstream services verify with oidc({ issuer, jwksUrl }). */
  issuer: string;
  templates: readonly TokenTemplate[];
  /** The service's own private key. Default: a fresh key generated at start-up (see `alg`). */
  signingKey?: SigningKeyInput;
  /** Algorithm of a generated key: ES256 (default) or EdDSA. */
  alg?: SigningAlgorithm;
  /** The clock, in epoch milliseconds (for tests). */
  clock?: () => number;
}

function fail(message: string): never {
  throw new TypeError(`sessionguard: tokenTemplates(): ${message}`);
}

/** Whether a lifetime is a whole number of seconds within those bounds. */
export function isTemplateLifetime(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= MIN_TEMPLATE_LIFETIME_SECONDS && (value as number) <= MAX_TEMPLATE_LIFETIME_SECONDS;
}

function checkTemplate(template: TokenTemplate): Readonly<TokenTemplate> {
  if (typeof template !== 'object' || template === null) fail('each template must be { name, claims, lifetimeSeconds? }.');
  if (typeof template.name !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(template.name)) {
    fail('a template name must be 1 to 128 letters, digits, "_", "." or "-".');
  }
  if (typeof template.claims !== 'function') fail(`template "${template.name}": claims must be a function of the principal.`);
  if (template.lifetimeSeconds !== undefined && !isTemplateLifetime(template.lifetimeSeconds)) {
    fail(`template "${template.name}": lifetimeSeconds must be a whole number from ${MIN_TEMPLATE_LIFETIME_SECONDS} to ${MAX_TEMPLATE_LIFETIME_SECONDS}.`);
  }
  return Object.freeze({ ...template });
}

/**
 * The service's template tokens: mints JWTs for a principal from named
 * templates and publishes the public key that verifies them.
 */
export class TokenTemplates implements TemplateMinter {
  readonly issuer: string;
  private readonly key: SigningKey;
  private readonly byName = new Map<string, Readonly<TokenTemplate>>();
  private readonly now: () => number;

  constructor(options: TokenTemplatesOptions) {
    if (typeof options !== 'object' || options === null) fail('options are required: tokenTemplates({ issuer, templates }).');
    if (typeof options.issuer !== 'string' || !URL.canParse(options.issuer)) fail('issuer must be a URL (the service\'s public address).');
    if (!Array.isArray(options.templates) || options.templates.length === 0) fail('templates must be a non-empty list.');
    for (const template of options.templates) {
      const checked = checkTemplate(template);
      if (this.byName.has(checked.name)) fail(`two templates are named "${checked.name}".`);
      this.byName.set(checked.name, checked);
    }
    if (options.clock !== undefined && typeof options.clock !== 'function') fail('clock must be a function.');
    this.issuer = options.issuer;
    this.key = loadSigningKey(options.signingKey, options.alg ?? 'ES256');
    this.now = options.clock ?? Date.now;
  }

  /** The signing algorithm and key id (for downstream oidc() configuration). */
  get alg(): SigningAlgorithm {
    return this.key.alg;
  }

  get kid(): string {
    return this.key.kid;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The public key set to serve at /.well-known/jwks.json. */
  jwks(): JsonWebKeySet {
    return { keys: [{ ...this.key.publicJwk }] };
  }

  /**
   * Mints a token from the template for the principal. Throws a 404
   * SessionError for an unknown template and a RangeError for a bad lifetime.
   */
  async mint(principal: SessionPrincipal, name: string, options: { expiresInSeconds?: number | undefined } = {}): Promise<string> {
    const template = this.byName.get(name);
    if (template === undefined) {
      throw NOT_FOUND_ERRORS.notFound('template_unknown', 'No JWT template has that name.');
    }
    const lifetime = options.expiresInSeconds ?? template.lifetimeSeconds ?? DEFAULT_TEMPLATE_LIFETIME_SECONDS;
    if (!isTemplateLifetime(lifetime)) {
      throw new RangeError(`sessionguard: expiresInSeconds must be a whole number from ${MIN_TEMPLATE_LIFETIME_SECONDS} to ${MAX_TEMPLATE_LIFETIME_SECONDS}.`);
    }
    const custom = template.claims(principal);
    if (typeof custom !== 'object' || custom === null || Array.isArray(custom)) {
      throw new TypeError(`sessionguard: template "${name}": claims() must return an object.`);
    }
    const payload: Record<string, unknown> = { ...custom };
    for (const claim of RESERVED_CLAIMS) delete payload[claim];
    if (template.audience !== undefined) payload.aud = template.audience;
    const iat = Math.floor(this.now() / 1000);
    Object.assign(payload, { iss: this.issuer, sub: principal.subject, iat, nbf: iat, exp: iat + lifetime, jti: randomUUID() });
    if (principal.sessionId !== null) payload.sid = principal.sessionId;
    return new SignJWT(payload).setProtectedHeader({ alg: this.key.alg, kid: this.key.kid, typ: 'JWT' }).sign(this.key.privateKey);
  }
}

/** Configures template tokens for identityRouter() and `req.auth.getToken({ template })`. */
export function tokenTemplates(options: TokenTemplatesOptions): TokenTemplates {
  assertKnownKeys('tokenTemplates()', options, ['issuer', 'templates', 'signingKey', 'alg', 'clock']);
  return new TokenTemplates(options);
}
