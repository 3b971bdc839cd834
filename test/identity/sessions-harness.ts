import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import express from 'express';
import request from 'supertest';
import { memorySessions, type SessionGuardOptions, type SessionsOptions } from '../../src';
import { createIdentityService, identityRouter, type IdentityService, type IdentityServiceOptions } from '../../src/identity';
import { createTestIssuer, type TestIssuer } from '../../src/testing';
import { listen } from '../conformance/apps';
import { expectDocumented } from './api-document';

export const PROJECT_ID = 'project-test-0f6a3c2e-5b1d-4e8f-9a7c-2d4b6e8f0a1c';
/** A bare secret: the four default scopes. */
export const SECRET = 'secret-test-4q2ZyV0cNw8pL3sR7tB1xK9mJ5hD6fGa';
/** May also create sessions for a user id it vouches for. */
export const VOUCHING_SECRET = 'secret-test-vouch-8nT2bQ6wE4rY1uI9oP3aS5dF7gH0jKl';
/** What the middleware's refresh holds: authenticate only. */
export const REFRESH_SECRET = 'secret-test-refresh-3mN5bV7cX9zL1kJ2hG4fD6sA8pO0iU';

export const POLICY: SessionsOptions['policy'] = {
  roles: [
    { role_id: 'viewer', permissions: [{ resource_id: 'documents', actions: ['read'] }] },
    { role_id: 'editor', permissions: [{ resource_id: 'documents', actions: ['read', 'write'] }] },
    { role_id: 'admin', permissions: [{ resource_id: 'documents', actions: ['*'] }, { resource_id: 'billing', actions: ['*'] }] },
  ],
  resources: [
    { resource_id: 'documents', actions: ['read', 'write', 'delete'] },
    { resource_id: 'billing', actions: ['read', 'write'] },
  ],
};

export function basic(projectId: string, secret: string): string {
  return `Basic ${Buffer.from(`${projectId}:${secret}`).toString('base64')}`;
}

/** The document's path template for a sessions request, or undefined for other paths. */
export function documentedPath(method: string, path: string): { method: 'get' | 'post'; template: string } | undefined {
  if (method === 'GET' && (path === '/v1/sessions' || path === '/v1/rbac/policy')) return { method: 'get', template: path };
  if (method === 'GET' && /^\/v1\/sessions\/jwks\/[^/]+$/.test(path)) return { method: 'get', template: '/v1/sessions/jwks/{project_id}' };
  if (method === 'POST' && ['/v1/sessions', '/v1/sessions/authenticate', '/v1/sessions/revoke', '/v1/sessions/verify'].includes(path)) return { method: 'post', template: path };
  return undefined;
}

/** Express middleware keeping every sessions answer it sees, to check them all against the document. */
function recordAnswers(answers: { method: string; path: string; status: number; headers: Record<string, string>; body: string }[]) {
  return (req: express.Request, res: express.Response, next: () => void) => {
    const end = res.end.bind(res) as (...args: unknown[]) => express.Response;
    res.end = ((...args: unknown[]) => {
      const chunk = args[0];
      const headers = Object.fromEntries(Object.entries(res.getHeaders()).map(([name, value]) => [name, String(value)]));
      answers.push({ method: req.method, path: req.path, status: res.statusCode, headers, body: typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString() : '' });
      return end(...args);
    }) as typeof res.end;
    next();
  };
}

export interface SessionsRig {
  url: string;
  issuer: TestIssuer;
  service: IdentityService;
  /** Moves the service's clock (ms added to the real time). */
  clock: { offsetMs: number };
  /** Requests seen, by "METHOD path". */
  calls: Map<string, number>;
  /** Checks every sessions answer the server gave (also those to Stytch's SDK) against openapi/identity.json; returns how many. */
  expectAllDocumented(): number;
  close(): Promise<void>;
}

type RigOptions = Partial<Omit<IdentityServiceOptions, 'sessions'>> & { sessions?: Partial<SessionsOptions> } & Pick<Partial<SessionGuardOptions>, 'store'>;

/** The identity service with first-party sessions, mounted at `/` on 127.0.0.1; its sessions' issuer is its base URL. */
export async function startSessions(options: RigOptions = {}): Promise<SessionsRig> {
  const issuer = await createTestIssuer({ kind: 'workos' });
  const calls = new Map<string, number>();
  // The service's issuer is the server's own URL, so the router is plugged in once the port is known.
  const mounted: { handler?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void } = {};
  const app = express();
  app.use((req, _res, next) => {
    const key = `${req.method} ${req.path}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    next();
  });
  const answers: Parameters<typeof recordAnswers>[0] = [];
  app.use(recordAnswers(answers));
  app.use((req, res, next) => mounted.handler!(req, res, next));
  const running = await listen(createServer(app));
  const clock = { offsetMs: 0 };
  const { sessions, ...rest } = options;
  const service = createIdentityService({
    providers: [issuer.provider()],
    serviceAuth: { apiKeys: [{ name: 'orders', key: 'svc_orders_5b3f0c2e9d4a47e1a6f8c0b2d7e9f1a3', scopes: ['sessions:verify'] }] },
    clock: () => Date.now() + clock.offsetMs,
    ...rest,
    sessions: {
      store: memorySessions(),
      issuer: running.url,
      projectId: PROJECT_ID,
      secrets: [SECRET, { secret: VOUCHING_SECRET, scopes: ['sessions:create', 'sessions:create_for_user', 'sessions:authenticate', 'sessions:revoke', 'sessions:list'] }, { secret: REFRESH_SECRET, scopes: ['sessions:authenticate'] }],
      policy: POLICY,
      ...sessions,
    },
  });
  mounted.handler = identityRouter(service);
  return {
    url: running.url,
    issuer,
    service,
    clock,
    calls,
    expectAllDocumented: () => {
      let checked = 0;
      for (const answer of answers) {
        const documented = documentedPath(answer.method, answer.path);
        if (documented === undefined) continue;
        expectDocumented({ status: answer.status, headers: answer.headers, body: JSON.parse(answer.body) }, documented.method, documented.template);
        checked++;
      }
      return checked;
    },
    close: async () => {
      service.close();
      await running.close();
      await issuer.close();
    },
  };
}

export interface SessionsCall {
  auth?: string | null;
  body?: unknown;
}

/** Calls the sessions endpoints with the project's Basic credentials, checking every answer against openapi/identity.json. */
export function sessionsClient(base: string, defaultAuth = basic(PROJECT_ID, SECRET)) {
  async function post(path: string, options: SessionsCall = {}) {
    let call = request(base).post(path).set('Content-Type', 'application/json');
    const auth = options.auth === undefined ? defaultAuth : options.auth;
    if (auth !== null) call = call.set('Authorization', auth);
    const res = await (options.body === undefined ? call : call.send(typeof options.body === 'string' ? options.body : JSON.stringify(options.body)));
    expectDocumented(res, 'post', path);
    return res;
  }
  return {
    create: (body: unknown, options: Omit<SessionsCall, 'body'> = {}) => post('/v1/sessions', { ...options, body }),
    authenticate: (body: unknown, options: Omit<SessionsCall, 'body'> = {}) => post('/v1/sessions/authenticate', { ...options, body }),
    revoke: (body: unknown, options: Omit<SessionsCall, 'body'> = {}) => post('/v1/sessions/revoke', { ...options, body }),
    async list(query: string, options: Omit<SessionsCall, 'body'> = {}) {
      let call = request(base).get(`/v1/sessions${query}`);
      const auth = options.auth === undefined ? defaultAuth : options.auth;
      if (auth !== null) call = call.set('Authorization', auth);
      const res = await call;
      expectDocumented(res, 'get', '/v1/sessions');
      return res;
    },
    async policy(options: Omit<SessionsCall, 'body'> = {}) {
      let call = request(base).get('/v1/rbac/policy');
      const auth = options.auth === undefined ? defaultAuth : options.auth;
      if (auth !== null) call = call.set('Authorization', auth);
      const res = await call;
      expectDocumented(res, 'get', '/v1/rbac/policy');
      return res;
    },
    async projectJwks(projectId: string) {
      const res = await request(base).get(`/v1/sessions/jwks/${encodeURIComponent(projectId)}`);
      expectDocumented(res, 'get', '/v1/sessions/jwks/{project_id}');
      return res;
    },
  };
}

/** Asserts a Stytch-dialect error: status, error_type, a request id, a docs URL, and none of `secrets` echoed. */
export function expectStytchError(res: { status: number; body: Record<string, unknown>; text: string; headers: Record<string, string> }, status: number, errorType: string, ...secrets: string[]): void {
  expect({ status: res.status, status_code: res.body.status_code, error_type: res.body.error_type }).toEqual({ status, status_code: status, error_type: errorType });
  expect(Object.keys(res.body).sort()).toEqual(['error_message', 'error_type', 'error_url', 'request_id', 'status_code']);
  expect(res.body.request_id).toMatch(/^request-id-/);
  expect(res.body.error_url).toMatch(/^https:\/\/stytch\.com\/docs\/api\/errors\//);
  expect(typeof res.body.error_message).toBe('string');
  const visible = `${res.text}\n${JSON.stringify(res.headers)}`;
  for (const secret of secrets) expect(visible.includes(secret)).toBe(false);
}
