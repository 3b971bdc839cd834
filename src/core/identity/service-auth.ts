import { assertKnownKeys } from '../options-keys.js';
import { timingSafeEqual } from 'node:crypto';
import { sha256Bytes } from '../hash.js';
import type { ErrorFactory } from '../errors.js';
import { SessionVerifier } from '../verifier.js';
import { checkTokenShape, decodeToken } from '../token/decode.js';
import type { Provider } from '../providers/types.js';
import type { SessionEventListener } from '../events.js';

/** A static API key of a calling service. */
export interface ServiceApiKey {
  /** For logs: which service this key belongs to. */
  name: string;
  /** The secret, at least 32 characters (e.g. `openssl rand -base64 32`). */
  key: string;
  scopes: readonly string[];
}

/** How calling services authenticate to the identity service (every verify call, and template minting for others' sessions). */
export interface ServiceAuthOptions {
  /** Issuers of service tokens, e.g. oidc({ issuer, jwksUrl }) for your machine-to-machine IdP. */
  providers?: readonly Provider[];
  /** Static API keys, compared in constant time. */
  apiKeys?: readonly ServiceApiKey[];
  /** Scope needed for POST /v1/sessions/verify and /v1/sessions/{id}/verify (default `sessions:verify`). */
  verifyScope?: string;
  /** Scope a service needs to mint template tokens for a session it holds the token of (default `sessions:tokens`). */
  tokensScope?: string;
}

/** An authenticated calling service. */
export interface ServiceCaller {
  readonly name: string;
  readonly scopes: readonly string[];
}

const MIN_API_KEY_LENGTH = 32;
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

function fail(message: string): never {
  throw new TypeError(`sessionguard: identityRouter(): serviceAuth: ${message}`);
}

/** The unverified `iss` of a JWT-shaped credential (only to route it). */
function issuerOf(credential: string): unknown {
  return checkTokenShape(credential) === undefined ? decodeToken(credential)?.payload.iss : undefined;
}


/** Authenticates the service calling the identity service: an API key or a token of a configured service issuer. */
export class ServiceAuthenticator {
  readonly verifyScope: string;
  readonly tokensScope: string;
  private readonly keys: { name: string; digest: Buffer; scopes: readonly string[] }[];
  private readonly serviceIssuers: ReadonlySet<string>;
  private readonly tokens: SessionVerifier | undefined;

  constructor(
    options: ServiceAuthOptions,
    private readonly errors: ErrorFactory,
    shared: { realm?: string; clock?: () => number; onEvent?: SessionEventListener },
  ) {
    if (typeof options !== 'object' || options === null) fail('required: { apiKeys } and/or { providers }.');
    assertKnownKeys('serviceAuth', options, ['providers', 'apiKeys', 'verifyScope', 'tokensScope']);
    const providers = options.providers ?? [];
    const apiKeys = options.apiKeys ?? [];
    if (!Array.isArray(providers) || !Array.isArray(apiKeys)) fail('providers and apiKeys must be lists.');
    if (providers.length === 0 && apiKeys.length === 0) fail('give at least one API key or one service token provider.');
    this.keys = apiKeys.map((entry) => {
      if (typeof entry?.name !== 'string' || entry.name === '') fail('each API key needs a name.');
      assertKnownKeys(`serviceAuth.apiKeys "${entry.name}"`, entry, ['name', 'key', 'scopes']);
      if (typeof entry.key !== 'string' || entry.key.length < MIN_API_KEY_LENGTH || /[\s,]/.test(entry.key)) {
        fail(`API key "${entry.name}" must be at least ${MIN_API_KEY_LENGTH} characters without spaces or commas.`);
      }
      if (!Array.isArray(entry.scopes) || (entry.scopes as unknown[]).some((scope) => typeof scope !== 'string' || !SCOPE.test(scope))) {
        fail(`API key "${entry.name}": scopes must be a list of scope names.`);
      }
      return { name: entry.name, digest: sha256Bytes(entry.key), scopes: Object.freeze([...entry.scopes]) };
    });
    this.verifyScope = this.scopeOption('verifyScope', options.verifyScope, 'sessions:verify');
    this.tokensScope = this.scopeOption('tokensScope', options.tokensScope, 'sessions:tokens');
    this.serviceIssuers = new Set(providers.flatMap((provider) => provider.issuers));
    this.tokens = providers.length === 0 ? undefined : new SessionVerifier({ providers, ...shared });
  }

  private scopeOption(name: string, value: string | undefined, fallback: string): string {
    const scope = value ?? fallback;
    if (typeof scope !== 'string' || !SCOPE.test(scope)) fail(`${name} must be one scope name.`);
    return scope;
  }

  /** Whether a bearer credential is meant as a service credential (an API key, or a token of a service issuer). */
  isServiceCredential(credential: string): boolean {
    if (this.matchKey(credential) !== undefined) return true;
    const iss = issuerOf(credential);
    return typeof iss === 'string' && this.serviceIssuers.has(iss);
  }

  /** The calling service holding `scope`, or a SessionError whose reason starts with `service_`. */
  async authenticate(credential: string | undefined, scope: string): Promise<ServiceCaller> {
    if (credential === undefined) {
      throw this.errors.missingToken().withReason('service_credential_missing');
    }
    const caller = this.matchKey(credential) ?? (await this.verifyServiceToken(credential));
    if (!caller.scopes.includes(scope)) throw this.errors.insufficientScope([scope]).withReason('service_scope_missing');
    return caller;
  }

  close(): void {
    this.tokens?.close();
  }

  /** Compares against every key, whatever matched, so timing says nothing about which or whether. */
  private matchKey(credential: string): ServiceCaller | undefined {
    const presented = sha256Bytes(credential);
    let found: ServiceCaller | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(presented, key.digest) && found === undefined) found = { name: key.name, scopes: key.scopes };
    }
    return found;
  }

  private async verifyServiceToken(credential: string): Promise<ServiceCaller> {
    const iss = issuerOf(credential);
    if (this.tokens === undefined || typeof iss !== 'string' || !this.serviceIssuers.has(iss)) {
      throw this.errors.invalidToken('service_credential_invalid', 'The service credential is not a known API key or service token.');
    }
    let principal;
    try {
      principal = await this.tokens.verify(credential);
    } catch (error) {
      const rejection = this.tokens.reject(error);
      if (rejection.status === 503) throw rejection;
      throw this.errors.invalidToken('service_credential_invalid', `The service token was refused: ${rejection.message}`);
    }
    return { name: principal.subject, scopes: principal.scopes };
  }
}
