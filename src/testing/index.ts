import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { JsonWebKeySet, PublicJwk } from '../core/jwk.js';
import { clerk } from '../core/providers/clerk.js';
import { workos } from '../core/providers/workos.js';
import { oidc } from '../core/providers/oidc.js';
import { stytch } from '../core/providers/stytch.js';
import { STYTCH_SESSION_CLAIM } from '../core/providers/stytch-claims.js';
import type { Provider } from '../core/providers/types.js';

export type TestIssuerKind = 'clerk' | 'workos' | 'stytch' | 'oidc';

/** The `aud` of an oidc test issuer's tokens, and the audience its provider() requires. */
export const TEST_OIDC_AUDIENCE = 'https://api.sessionguard.test';
export type TestAlgorithm = 'RS256' | 'ES256' | 'EdDSA' | 'PS256';

export interface TestIssuerOptions {
  kind?: TestIssuerKind;
  /** The `iss` the issuer signs with (default depends on kind). */
  issuer?: string;
  /** WorkOS client id (default client_test), or Stytch project id (default project-test-00000000-0000-0000-0000-000000000000). */
  clientId?: string;
  alg?: TestAlgorithm;
  /** Provider name (default the kind). */
  name?: string;
}

export interface SignOptions {
  /** Extra or overriding protected-header members (`kid: undefined` removes the kid). */
  header?: Record<string, unknown>;
  /** Sign with this key instead of the current one (e.g. `issuer.createDetachedKey()`). */
  key?: TestKey;
}

export interface SessionTokenOptions {
  /** Subject: the WorkOS user id (workos) or Clerk user id (clerk). */
  sub?: string;
  sid?: string;
  /** Seconds from now until expiry (default 300; negative for an expired token). */
  expiresIn?: number;
  /** Seconds from now for iat (default 0). */
  issuedAt?: number;
  /** Any claims: these override the defaults; `undefined` removes a claim. */
  claims?: Record<string, unknown>;
}

export interface TestKey {
  readonly kid: string;
  readonly alg: TestAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: PublicJwk;
  readonly publicPem: string;
}

async function createKey(alg: TestAlgorithm, kid: string = `key_${randomUUID()}`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as PublicJwk;
  return { kid, alg, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

/**
 * A local issuer for tests and demos: real keys, a real JWKS over HTTP on
 * 127.0.0.1, and session tokens shaped like Clerk's or WorkOS's.
 */
export class TestIssuer {
  /** How many times the JWKS was requested. */
  jwksRequests = 0;
  /** Answer JWKS requests with this instead of the key set (status and body), e.g. to simulate an outage. */
  jwksOverride: { status: number; body: string; contentType?: string } | undefined;
  private published: TestKey[];

  private constructor(
    readonly kind: TestIssuerKind,
    readonly issuer: string,
    readonly clientId: string,
    readonly name: string,
    private readonly server: Server,
    readonly jwksUrl: string,
    private current: TestKey,
  ) {
    this.published = [current];
  }

  static async create(options: TestIssuerOptions = {}): Promise<TestIssuer> {
    const kind = options.kind ?? 'workos';
    const clientId = options.clientId ?? (kind === 'stytch' ? 'project-test-00000000-0000-0000-0000-000000000000' : 'client_test');
    const defaultIssuers: Record<TestIssuerKind, string> = {
      clerk: 'https://clerk.sessionguard.test',
      workos: `https://api.workos.com/user_management/${clientId}`,
      stytch: `stytch.com/${clientId}`,
      oidc: 'https://idp.sessionguard.test',
    };
    const issuer = options.issuer ?? defaultIssuers[kind];
    const key = await createKey(options.alg ?? 'RS256');
    const holder: { self?: TestIssuer } = {};
    const server = createServer((req, res) => holder.self?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
    holder.self = new TestIssuer(kind, issuer, clientId, options.name ?? kind, server, jwksUrl, key);
    return holder.self;
  }

  /**
   * The key set is served where each vendor's SDK looks for it, so an SDK pointed at this server
   * verifies with the same keys: `/.well-known/jwks.json`, Clerk's Backend API `/v1/jwks`, WorkOS
   * `/sso/jwks/<clientId>`, Stytch `/v1/sessions/jwks/<projectId>` and `/v1/b2b/sessions/jwks/<projectId>`.
   */
  private servesKeySet(path: string | undefined): boolean {
    const id = encodeURIComponent(this.clientId);
    const paths = ['/.well-known/jwks.json', '/v1/jwks', `/sso/jwks/${id}`, `/v1/sessions/jwks/${id}`, `/v1/b2b/sessions/jwks/${id}`];
    return path !== undefined && paths.includes(path);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (!this.servesKeySet(req.url)) {
      res.writeHead(404).end();
      return;
    }
    this.jwksRequests++;
    if (this.jwksOverride !== undefined) {
      res.writeHead(this.jwksOverride.status, { 'content-type': this.jwksOverride.contentType ?? 'application/json' });
      res.end(this.jwksOverride.body);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(this.jwks()));
  }

  /** The published key set. */
  jwks(): JsonWebKeySet {
    return { keys: this.published.map((key) => key.publicJwk) };
  }

  /** The current signing key. */
  get key(): TestKey {
    return this.current;
  }

  /** A sessionguard provider for this issuer (its JWKS URL points at this server). */
  provider(overrides: Record<string, unknown> = {}): Provider {
    const common = { name: this.name, jwksUrl: this.jwksUrl, algorithms: [this.current.alg], ...overrides };
    if (this.kind === 'clerk') return clerk({ issuer: this.issuer, ...common });
    if (this.kind === 'workos') return workos({ clientId: this.clientId, ...common });
    if (this.kind === 'stytch') return stytch({ projectId: this.clientId, ...common });
    return oidc({ issuer: this.issuer, audience: TEST_OIDC_AUDIENCE, ...common });
  }

  /** A key this issuer does not publish (for "signed with another key" cases). */
  createDetachedKey(alg: TestAlgorithm = this.current.alg, kid?: string): Promise<TestKey> {
    return createKey(alg, kid);
  }

  /** Publishes a new current key; `keepOld` keeps the previous one published too. */
  async rotate({ keepOld = false }: { keepOld?: boolean } = {}): Promise<TestKey> {
    const next = await createKey(this.current.alg);
    this.published = keepOld ? [...this.published, next] : [next];
    this.current = next;
    return next;
  }

  /** Signs any payload as a compact JWS with the current (or given) key. */
  async sign(payload: Record<string, unknown>, options: SignOptions = {}): Promise<string> {
    const key = options.key ?? this.current;
    const header: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: 'JWT', ...options.header };
    for (const name of Object.keys(header)) if (header[name] === undefined) delete header[name];
    return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
  }

  /** The claims of a session token of this issuer's kind, before overrides. */
  sessionClaims(options: SessionTokenOptions = {}): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    const iat = now + (options.issuedAt ?? 0);
    const claims: Record<string, unknown> = {
      iss: this.issuer,
      sub: options.sub ?? (this.kind === 'clerk' ? 'user_2clerkTEST' : this.kind === 'stytch' ? 'user-test-00000000-0000-0000-0000-000000000001' : 'user_01TESTWORKOS'),
      sid: options.sid ?? (this.kind === 'clerk' ? `sess_${randomUUID()}` : `session_${randomUUID()}`),
      iat,
      nbf: iat,
      exp: now + (options.expiresIn ?? 300),
      jti: randomUUID(),
    };
    if (this.kind === 'clerk') claims.azp = 'https://app.sessionguard.test';
    if (this.kind === 'workos') claims.auth_time = iat;
    if (this.kind === 'oidc') claims.aud = TEST_OIDC_AUDIENCE;
    if (this.kind === 'stytch') {
      // Stytch session tokens carry no `sid`: the session is described by its own claim.
      const sessionId = options.sid ?? `session-test-${randomUUID()}`;
      delete claims.sid;
      claims.aud = [this.clientId];
      claims[STYTCH_SESSION_CLAIM] = {
        id: sessionId,
        started_at: new Date(iat * 1000).toISOString(),
        last_accessed_at: new Date(iat * 1000).toISOString(),
        expires_at: new Date((now + (options.expiresIn ?? 300)) * 1000).toISOString(),
        attributes: { ip_address: '', user_agent: '' },
        authentication_factors: [{ type: 'magic_link', delivery_method: 'email', last_authenticated_at: new Date(iat * 1000).toISOString() }],
        roles: ['stytch_user'],
      };
    }
    Object.assign(claims, options.claims ?? {});
    for (const name of Object.keys(claims)) if (claims[name] === undefined) delete claims[name];
    return claims;
  }

  /** A signed session token shaped like the issuer kind's (Clerk, WorkOS, Stytch; WorkOS-shaped with an `aud` for oidc). */
  sessionToken(options: SessionTokenOptions = {}, sign: SignOptions = {}): Promise<string> {
    const header = this.kind === 'clerk' ? { cat: 'cl_B7d4PD111AAA', ...sign.header } : sign.header;
    return this.sign(this.sessionClaims(options), { ...sign, header });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

/** Starts a local test issuer on 127.0.0.1. */
export function createTestIssuer(options?: TestIssuerOptions): Promise<TestIssuer> {
  return TestIssuer.create(options);
}
export { startTestIdentityService, TEST_SESSIONS_PROJECT_ID, TEST_SESSIONS_SECRET, type TestIdentityService, type TestIdentityServiceOptions } from './identity-sessions.js';
