import type { SessionGuardOptions } from '../options.js';
import { buildProvider } from '../providers/build.js';
import { readSessionAccess, readSessionClaim } from '../providers/identity-sessions.js';
import type { Provider } from '../providers/types.js';
import { buildPrincipalBase, createPrincipal } from '../principal/principal.js';
import { deepFreeze } from '../deep-freeze.js';
import { isRemoteProvider } from '../remote/remote-provider.js';
import type { TokenTemplates } from '../templates/token-templates.js';
import { SessionJwts } from '../sessions/session-jwt.js';
import { SessionService } from '../sessions/session-service.js';
import { resolveSessionsOptions, type ResolvedSessions, type SessionsOptions } from '../sessions/sessions-options.js';
import type { SessionVerifier } from '../verifier.js';
import { accountCheck } from './account-check.js';
import type { BodyRequest } from './json-body.js';
import { ProjectAuthenticator } from './project-auth.js';
import { SessionsEndpoints } from './sessions-endpoints.js';

/** The provider name the service's own session JWTs verify under (`principal.provider`). */
export const SESSIONS_PROVIDER_NAME = 'sessions';

/** Largest clock tolerance a verifier may allow: a revocation outlives every JWT it blocks by this much. */
const MAX_CLOCK_TOLERANCE_SECONDS = 300;

function fail(message: string): never {
  throw new TypeError(`sessionguard: createIdentityService(): sessions: ${message}`);
}

/** A key's public members, to tell one key configured twice from two keys. */
function keyIdentity(jwk: Readonly<Record<string, unknown>>): string {
  return JSON.stringify([jwk.kty, jwk.crv, jwk.n, jwk.e, jwk.x, jwk.y]);
}

function checkAgainstTemplates(resolved: ResolvedSessions, templates: TokenTemplates | undefined): void {
  if (templates === undefined) return;
  if (templates.issuer === resolved.issuer) fail("issuer must differ from the templates' issuer: a template token must never pass as a session JWT.");
  const templateKey = templates.jwks().keys[0]!;
  for (const key of resolved.keys) {
    if (key.kid === templateKey.kid) fail(`the signing key id "${key.kid}" is also the templates' key id: each published kid must be unique.`);
    if (keyIdentity(key.publicJwk) === keyIdentity(templateKey)) fail('a signing key is also the templates\' key: give sessions their own key.');
  }
}

/** The service's sessions, set up from its options: their JWT provider for the verifier, then the endpoints. */
export class PreparedSessions {
  readonly resolved: ResolvedSessions;
  readonly jwts: SessionJwts;
  /** Verifies the service's own session JWTs (on /v1/sessions/verify) without being listed in `providers`. */
  readonly provider: Provider;

  constructor(options: SessionsOptions, templates: TokenTemplates | undefined) {
    this.resolved = resolveSessionsOptions(options);
    checkAgainstTemplates(this.resolved, templates);
    this.jwts = new SessionJwts(this.resolved.keys, this.resolved.issuer, this.resolved.projectId, this.resolved.jwtLifetimeSeconds);
    const algorithms = [...new Set(this.resolved.keys.map((key) => key.alg))];
    // Stytch-shaped session JWTs: roles and session id come from the session claim. Subjects are canonical
    // user ids (as WorkOS's are): a status recorded for the user id applies to the session's JWTs.
    // Grants come only from the session claim, as identitySessions() reads them: a custom claim named scope or brand_id grants nothing.
    const provider = buildProvider(
      { name: SESSIONS_PROVIDER_NAME, jwks: this.jwts.jwks(), algorithms, audience: this.resolved.projectId },
      {
        kind: 'stytch',
        issuers: [this.resolved.issuer],
        ownKeys: [],
        defaultJwksUrl: undefined,
        defaultAlgorithms: algorithms,
        requireSessionId: true,
        legacyUsers: false,
        subjectIsWorkosUser: true,
        readClaims: readSessionClaim,
      },
    );
    this.provider = Object.freeze({ ...provider, readAccess: readSessionAccess });
  }

  /**
   * The verifier's options with the sessions' provider added. Without a status store, revocation
   * of the service's own JWTs is answered from the sessions store (this process's view).
   */
  guardOptions(options: SessionGuardOptions): SessionGuardOptions {
    const providers = [...options.providers, this.provider];
    if (options.store !== undefined) return { ...options, providers };
    const { store } = this.resolved;
    const issuer = this.resolved.issuer;
    const now = options.clock ?? Date.now;
    const theirs = options.isRevoked;
    return {
      ...options,
      providers,
      isRevoked: async (query) => {
        if (query.issuer === issuer && query.sessionId !== null && (await store.findById(query.sessionId, now())) === undefined) return true;
        return theirs === undefined ? false : theirs(query);
      },
    };
  }

  endpoints(verifier: SessionVerifier, options: SessionGuardOptions, templates: TokenTemplates | undefined, readBody: (request: BodyRequest) => Promise<unknown>): SessionsEndpoints {
    const now = options.clock ?? Date.now;
    const provider = this.provider;
    const principalOf = (record: Parameters<SessionJwts['payload']>[0]) =>
      createPrincipal(buildPrincipalBase(provider, deepFreeze(this.jwts.payload(record, now()))), provider, { subject: record.userId, workosUserId: record.userId, clerkUserId: null });
    const localProviders = options.providers.filter((entry): entry is Provider => !isRemoteProvider(entry));
    const service = new SessionService(this.resolved, this.jwts, {
      now,
      brandClaims: new Set(['brand_id', ...localProviders.map((entry) => entry.brandClaim)]),
      checkAccount: accountCheck(options, now, principalOf),
      statusStore: options.store,
      revocationTtlMs: (this.resolved.jwtLifetimeSeconds + MAX_CLOCK_TOLERANCE_SECONDS) * 1000,
      onRevoked: (sessionId) => verifier.invalidate({ sessionId }),
    });
    return new SessionsEndpoints({
      service,
      auth: new ProjectAuthenticator(this.resolved.projectId, this.resolved.secrets),
      projectId: this.resolved.projectId,
      verifier,
      ownIssuers: new Set([this.resolved.issuer, ...(templates === undefined ? [] : [templates.issuer])]),
      oidcProviders: new Set(localProviders.filter((entry) => entry.kind === 'oidc').map((entry) => entry.name)),
      readBody,
      policy: this.resolved.policy.document,
    });
  }
}
