import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { sessionGuard, requireBrand, requireScope } from '../../src/fastify';
import { createVerifier, memoryStore, type SessionPrincipal } from '../../src';
import { createTestIssuer, type TestIssuer } from '../../src/testing';

let issuer: TestIssuer;
let token: string;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'workos' });
  token = await issuer.sessionToken({ sub: 'user_01FASTIFY', claims: { brand_id: 'b1', scope: 'read' } });
});
afterAll(() => issuer.close());

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
/** A real request over 127.0.0.1 (the app listens on first use). */
async function call(app: FastifyInstance, url: string, headers: Record<string, string> = {}) {
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}${url}`, { headers });
  const text = await response.text();
  const answered: Record<string, string> = {};
  response.headers.forEach((value, name) => (answered[name] = value));
  return { statusCode: response.status, headers: answered, json: () => JSON.parse(text) };
}

function newApp(): FastifyInstance {
  const app = Fastify();
  apps.push(app);
  return app;
}

test('request.auth is the principal on every route of the scope, typed without casts', async () => {
  const app = newApp();
  await app.register(sessionGuard, { providers: [issuer.provider()] });
  app.get('/me', async (request) => {
    const auth: SessionPrincipal | null = request.auth;
    // @ts-expect-error request.auth is the principal, not any: unknown fields do not type-check.
    void request.auth?.notAPrincipalField;
    return { subject: auth?.subject, brand: request.auth?.brandId };
  });
  const ok = await call(app, '/me', bearer(token));
  expect([ok.statusCode, ok.json()]).toEqual([200, { subject: 'user_01FASTIFY', brand: 'b1' }]);
  const missing = await call(app, '/me');
  expect([missing.statusCode, missing.json().error, missing.headers['www-authenticate']]).toEqual([401, 'missing_token', 'Bearer realm="api"']);
  expect(missing.headers['content-type']).toBe('application/json; charset=utf-8');
});

test("Fastify's register options are set aside, and a prefix does not narrow the guarded routes", async () => {
  const app = newApp();
  await app.register(sessionGuard, { providers: [issuer.provider()], prefix: '/api', logLevel: 'silent', logSerializers: {} });
  app.get('/outside-the-prefix', async (request) => ({ subject: request.auth?.subject }));
  expect((await call(app, '/outside-the-prefix')).statusCode).toBe(401);
  expect((await call(app, '/outside-the-prefix', bearer(token))).json()).toEqual({ subject: 'user_01FASTIFY' });
});

test('encapsulation narrows it: a sibling scope without the plugin is not guarded, and its auth is not decorated', async () => {
  const app = newApp();
  await app.register(async (api) => {
    await api.register(sessionGuard, { providers: [issuer.provider()] });
    api.get('/api/me', async (request) => ({ subject: request.auth?.subject }));
  });
  app.get('/health', async (request) => ({ ok: true, auth: request.auth ?? 'not decorated' }));
  expect((await call(app, '/api/me')).statusCode).toBe(401);
  expect((await call(app, '/health')).json()).toEqual({ ok: true, auth: 'not decorated' });
});

test('optional mode: no token goes on with request.auth null; a bad token is still a 401', async () => {
  const app = newApp();
  await app.register(sessionGuard, { providers: [issuer.provider()], optional: true });
  app.get('/feed', async (request) => ({ auth: request.auth }));
  expect((await call(app, '/feed')).json()).toEqual({ auth: null });
  const bad = await call(app, '/feed', bearer('not.a.token'));
  expect([bad.statusCode, bad.json().error, bad.json().reason]).toEqual([401, 'invalid_token', 'token_malformed']);
});

test('guards are preHandlers; the bound ones answer with the plugin realm', async () => {
  const app = newApp();
  await app.register(sessionGuard, { providers: [issuer.provider()], realm: 'shop' });
  app.get('/read', { preHandler: requireScope('read') }, async () => ({ ok: true }));
  app.get('/admin', { preHandler: app.sessionGuard.requireScope('admin') }, async () => ({ ok: true }));
  app.get('/brands/:brand', { preHandler: requireBrand((request) => (request.params as { brand: string }).brand) }, async () => ({ ok: true }));
  expect((await call(app, '/read', bearer(token))).statusCode).toBe(200);
  const admin = await call(app, '/admin', bearer(token));
  expect([admin.statusCode, admin.json().error, admin.headers['www-authenticate']]).toEqual([403, 'insufficient_scope', 'Bearer realm="shop", error="insufficient_scope", scope="admin"']);
  expect((await call(app, '/brands/b1', bearer(token))).statusCode).toBe(200);
  expect((await call(app, '/brands/b2', bearer(token))).json().reason).toBe('brand_mismatch');
});

test("errors after authentication are the app's: a throwing resolver and a throwing handler reach Fastify's error handler", async () => {
  const app = newApp();
  await app.register(sessionGuard, { providers: [issuer.provider()] });
  app.setErrorHandler((_error, _request, reply) => reply.code(500).send({ error: 'app_error' }));
  const broken = requireBrand(() => {
    throw new Error('the resolver failed');
  });
  app.get('/resolver', { preHandler: broken }, async () => ({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('the route failed');
  });
  // Twice each: the first request verifies, the second takes the cached, synchronous path.
  for (let i = 0; i < 2; i++) {
    for (const url of ['/resolver', '/boom']) {
      const res = await call(app, url, bearer(token));
      expect([res.statusCode, res.json()]).toEqual([500, { error: 'app_error' }]);
    }
  }
});

test('the plugin takes a shared verifier, alone or with optional; warm() and ready are on app.sessionGuard', async () => {
  const verifier = createVerifier({ providers: [issuer.provider()] });
  const app = newApp();
  await app.register(async (api) => {
    await api.register(sessionGuard, verifier);
    api.get('/api/me', async (request) => ({ subject: request.auth?.subject }));
    expect(api.sessionGuard.verifier).toBe(verifier);
    expect(await api.sessionGuard.warm()).toBe(true);
    expect(api.sessionGuard.ready).toBe(true);
  });
  await app.register(async (site) => {
    await site.register(sessionGuard, { verifier, optional: true });
    site.get('/feed', async (request) => ({ auth: request.auth }));
  });
  expect((await call(app, '/api/me', bearer(token))).json()).toEqual({ subject: 'user_01FASTIFY' });
  expect((await call(app, '/feed')).json()).toEqual({ auth: null });
});

test("closing the app closes the verifier the plugin made (its store subscription), not a shared one", async () => {
  const store = memoryStore();
  const subscribers = () => (store as unknown as { listeners: Set<unknown> }).listeners.size;
  const shared = createVerifier({ providers: [issuer.provider()], store });
  const app = Fastify();
  await app.register(async (api) => {
    await api.register(sessionGuard, { providers: [issuer.provider()], store });
  });
  await app.register(async (site) => {
    await site.register(sessionGuard, { verifier: shared });
  });
  await app.ready();
  expect(subscribers()).toBe(2);
  await app.close();
  expect(subscribers()).toBe(1);
  shared.close();
  expect(subscribers()).toBe(0);
});

test('invalid options fail the registration with the reason', async () => {
  const app = newApp();
  await expect(app.register(sessionGuard, { providers: [] })).rejects.toThrow(/providers must be a non-empty list/);
  await expect(newApp().register(sessionGuard, { verifier: {} as never })).rejects.toThrow('sessionguard: verifier must come from createVerifier().');
});
