import type { Server } from 'node:http';
import { Hono } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import { sessionGuard, requireBrand, requireScope, type SessionGuardEnv } from '../../src/hono';
import { createVerifier, type SessionPrincipal } from '../../src';
import { createTestIssuer, type TestIssuer } from '../../src/testing';
import { listen, type RunningApp } from '../conformance/apps';

let issuer: TestIssuer;
let token: string;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'workos' });
  token = await issuer.sessionToken({ sub: 'user_01HONO', claims: { brand_id: 'b1', scope: 'read' } });
});
afterAll(() => issuer.close());

const running: RunningApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

/** Serves the app on Hono's Node server, on 127.0.0.1, and sends one request. */
async function call(app: Hono<SessionGuardEnv>, path: string, headers: Record<string, string> = {}) {
  const server = await listen(createAdaptorServer({ fetch: app.fetch }) as Server);
  running.push(server);
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}
const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

test("c.get('auth') is the principal, typed without casts", async () => {
  const app = new Hono<SessionGuardEnv>();
  app.use('*', sessionGuard({ providers: [issuer.provider()] }));
  app.get('/me', (c) => {
    const auth: SessionPrincipal | undefined = c.get('auth');
    // @ts-expect-error c.get('auth') is the principal, not any: unknown fields do not type-check.
    void c.get('auth')?.notAPrincipalField;
    return c.json({ subject: auth?.subject, brand: c.get('auth')?.brandId });
  });
  expect(await call(app, '/me', bearer(token))).toMatchObject({ status: 200, body: { subject: 'user_01HONO', brand: 'b1' } });
  const missing = await call(app, '/me');
  expect([missing.status, missing.body.error, missing.headers.get('www-authenticate')]).toEqual([401, 'missing_token', 'Bearer realm="api"']);
  expect([missing.headers.get('content-type'), missing.headers.get('cache-control')]).toEqual(['application/json; charset=utf-8', 'no-store']);
});

test('optional mode: no token goes on anonymously; a bad token is still a 401', async () => {
  const app = new Hono<SessionGuardEnv>();
  app.get('/feed', sessionGuard({ providers: [issuer.provider()] }).optional(), (c) => c.json({ anonymous: c.get('auth') === undefined }));
  expect(await call(app, '/feed')).toMatchObject({ status: 200, body: { anonymous: true } });
  expect(await call(app, '/feed', bearer('not.a.token'))).toMatchObject({ status: 401, body: { error: 'invalid_token', reason: 'token_malformed' } });
});

test('guards read the context; the bound ones answer with the middleware realm', async () => {
  const app = new Hono<SessionGuardEnv>();
  const guard = sessionGuard({ providers: [issuer.provider()], realm: 'shop' });
  app.use('*', guard);
  app.get('/read', requireScope('read'), (c) => c.json({ ok: true }));
  app.get('/admin', guard.requireScope('admin'), (c) => c.json({ ok: true }));
  app.get('/brands/:brand', requireBrand((c) => c.req.param('brand')), (c) => c.json({ ok: true }));
  expect((await call(app, '/read', bearer(token))).status).toBe(200);
  const admin = await call(app, '/admin', bearer(token));
  expect([admin.status, admin.body.error, admin.headers.get('www-authenticate')]).toEqual([403, 'insufficient_scope', 'Bearer realm="shop", error="insufficient_scope", scope="admin"']);
  expect((await call(app, '/brands/b1', bearer(token))).status).toBe(200);
  expect((await call(app, '/brands/b2', bearer(token))).body.reason).toBe('brand_mismatch');
});

test("errors after authentication are the app's: a throwing resolver and a throwing handler reach app.onError", async () => {
  const app = new Hono<SessionGuardEnv>();
  app.use('*', sessionGuard({ providers: [issuer.provider()] }));
  app.onError((_error, c) => c.json({ error: 'app_error' }, 500));
  const broken = requireBrand(() => {
    throw new Error('the resolver failed');
  });
  app.get('/resolver', broken, (c) => c.json({ ok: true }));
  app.get('/boom', () => {
    throw new Error('the route failed');
  });
  // Twice each: the first request verifies, the second takes the cached, synchronous path.
  for (let i = 0; i < 2; i++) {
    for (const path of ['/resolver', '/boom']) expect(await call(app, path, bearer(token))).toMatchObject({ status: 500, body: { error: 'app_error' } });
  }
});

test('sessionGuard accepts an existing verifier; warm() and ready', async () => {
  const verifier = createVerifier({ providers: [issuer.provider()] });
  const guard = sessionGuard(verifier);
  expect(guard.verifier).toBe(verifier);
  expect(await guard.warm()).toBe(true);
  expect(guard.ready).toBe(true);
});
