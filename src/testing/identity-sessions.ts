import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIdentityService, type IdentityService } from '../core/identity/identity-service.js';
import { memorySessions } from '../core/sessions/memory-sessions.js';
import type { SessionsOptions } from '../core/sessions/sessions-options.js';
import type { SessionStore } from '../core/store/types.js';
import { identitySessions, type IdentitySessionsProvider } from '../core/providers/identity-sessions.js';
import type { CreatedSession } from '../core/first-party/first-party-sessions.js';

export const TEST_SESSIONS_PROJECT_ID = 'project-test-5e0c7a1b-2d3f-4a6b-8c9d-0e1f2a3b4c5d';
export const TEST_SESSIONS_SECRET = 'secret-test-sessions-7Hq2Lw9Zx4Nv1Bc6Mt3Rk8Py5Jd0Fs';

export interface TestIdentityServiceOptions {
  /** A shared status/revocation store (revocations then reach every guard using it). */
  store?: SessionStore;
  /** JWT lifetime in seconds (default 300, as the service's). */
  jwtLifetimeSeconds?: number;
  policy?: SessionsOptions['policy'];
}

export interface TestIdentityService {
  /** The service's base URL on 127.0.0.1; also the sessions' issuer. */
  readonly url: string;
  readonly projectId: string;
  /** A secret with every sessions scope (also vouching for a user id). */
  readonly secret: string;
  readonly service: IdentityService;
  /** The fake clock: `offsetMs` is added to the real time; pass `now` to the guard's `clock`. */
  readonly clock: { offsetMs: number };
  now(): number;
  /** Calls of POST /v1/sessions/authenticate over HTTP. */
  readonly authenticateCalls: number;
  /** identitySessions() for this service, keys fetched from it. */
  provider(): IdentitySessionsProvider;
  /** Creates a session for a user id the test vouches for. */
  createSession(options?: { userId?: string; roles?: string[]; durationMinutes?: number; claims?: Record<string, unknown> }): Promise<CreatedSession & { session: { session_id: string; expires_at: string } }>;
  close(): Promise<void>;
}

/**
 * An identity service with first-party sessions on 127.0.0.1, with a fake clock: a test creates a
 * session, moves the clock past the JWT's expiry and watches the guard refresh it.
 */
export async function startTestIdentityService(options: TestIdentityServiceOptions = {}): Promise<TestIdentityService> {
  const clock = { offsetMs: 0 };
  const now = (): number => Date.now() + clock.offsetMs;
  const holder: { service?: IdentityService } = {};
  let authenticateCalls = 0;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'POST' && path === '/v1/sessions/authenticate') authenticateCalls++;
    holder.service!.handle(req, path).then(
      (answer) => {
        if (answer === undefined) return void res.writeHead(404).end();
        res.writeHead(answer.status, answer.headers).end(answer.body);
      },
      () => void res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const service = (holder.service = createIdentityService({
    providers: [],
    serviceAuth: { apiKeys: [{ name: 'tests', key: 'svc_tests_0c4f7e2a9b1d46c8a3e5f7091b2d4c6e', scopes: ['sessions:verify'] }] },
    clock: now,
    ...(options.store === undefined ? {} : { store: options.store }),
    sessions: {
      store: memorySessions(),
      issuer: url,
      projectId: TEST_SESSIONS_PROJECT_ID,
      secrets: [{ secret: TEST_SESSIONS_SECRET, scopes: ['sessions:create', 'sessions:create_for_user', 'sessions:authenticate', 'sessions:revoke', 'sessions:list'] }],
      ...(options.jwtLifetimeSeconds === undefined ? {} : { jwtLifetimeSeconds: options.jwtLifetimeSeconds }),
      ...(options.policy === undefined ? {} : { policy: options.policy }),
    } as SessionsOptions,
  }));
  const authorization = `Basic ${Buffer.from(`${TEST_SESSIONS_PROJECT_ID}:${TEST_SESSIONS_SECRET}`).toString('base64')}`;
  const running = service;
  return {
    url,
    projectId: TEST_SESSIONS_PROJECT_ID,
    secret: TEST_SESSIONS_SECRET,
    service: running,
    clock,
    now,
    get authenticateCalls() {
      return authenticateCalls;
    },
    provider: () => identitySessions({ issuer: url, projectId: TEST_SESSIONS_PROJECT_ID, jwksUrl: `${url}/v1/sessions/jwks/${TEST_SESSIONS_PROJECT_ID}` }),
    createSession: async ({ userId = 'user_01TEST', roles = [], durationMinutes = 60, claims } = {}) => {
      const response = await fetch(`${url}/v1/sessions`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: userId, roles, session_duration_minutes: durationMinutes, ...(claims === undefined ? {} : { session_custom_claims: claims }) }),
      });
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status !== 200) throw new Error(`startTestIdentityService: creating a session failed: ${response.status} ${String(body.error_type)}`);
      return body as unknown as CreatedSession & { session: { session_id: string; expires_at: string } };
    },
    close: async () => {
      running.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
