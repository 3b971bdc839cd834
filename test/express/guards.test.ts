import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { sessionGuard, requireBrand, requirePermission, requireRole, requireScope } from '../../src/express';
import { expectError } from '../helpers';
import { createTestIssuer, type TestIssuer } from '../support/issuers';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'workos' });
});
afterAll(() => issuer.close());

const bearer = (token: string) => `Bearer ${token}`;
const RBAC = { roles: { editor: [{ resource: 'documents', actions: ['read', 'write'] }] } };

function appErrors(app: express.Express): Error[] {
  const errors: Error[] = [];
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    errors.push(error);
    res.status(418).json({ app: 'handled' });
  });
  return errors;
}

test('req.auth is the typed principal in a guarded route', async () => {
  const app = express();
  app.get('/me', sessionGuard({ providers: [issuer.provider()] }), requireScope('read'), (req, res) => {
    // @ts-expect-error req.auth is the principal, not any: unknown fields do not type-check.
    void req.auth?.notAPrincipalField;
    res.json({ subject: req.auth?.subject });
  });
  const res = await request(app).get('/me').set('Authorization', bearer(await issuer.sessionToken({ sub: 'user_01X', claims: { scope: 'read' } })));
  expect(res.body).toEqual({ subject: 'user_01X' });
});

test('a guard resolver that throws goes to the app\'s error handler, not a 403', async () => {
  const app = express();
  app.get(
    '/',
    sessionGuard({ providers: [issuer.provider()] }),
    requireBrand(() => {
      throw new Error('brand lookup failed');
    }),
    (_req, res) => res.json({ unreachable: true }),
  );
  const errors = appErrors(app);
  const res = await request(app).get('/').set('Authorization', bearer(await issuer.sessionToken({ claims: { brand_id: 'b1' } })));
  expect(res.status).toBe(418);
  expect(errors.map((error) => error.message)).toEqual(['brand lookup failed']);
});

test('an error thrown after a guard passed reaches the app\'s error handler', async () => {
  const app = express();
  app.get('/', sessionGuard({ providers: [issuer.provider()] }), requireRole('admin'), () => {
    throw new Error('handler failure');
  });
  const errors = appErrors(app);
  const res = await request(app).get('/').set('Authorization', bearer(await issuer.sessionToken({ claims: { role: 'admin' } })));
  expect(res.status).toBe(418);
  expect(errors.map((error) => error.message)).toEqual(['handler failure']);
});

test('grantingRoles belongs to one request: a cached token on another route does not carry it', async () => {
  const app = express();
  const guard = sessionGuard({ providers: [issuer.provider()], rbac: RBAC });
  app.use(guard);
  app.get('/write', guard.requirePermission({ resource: 'documents', action: 'write' }), (req, res) => res.json({ granting: req.auth?.grantingRoles ?? null }));
  app.get('/plain', (req, res) => res.json({ granting: req.auth?.grantingRoles ?? null }));
  const token = await issuer.sessionToken({ claims: { roles: ['viewer', 'editor'] } });
  expect((await request(app).get('/write').set('Authorization', bearer(token))).body).toEqual({ granting: ['editor'] });
  expect((await request(app).get('/plain').set('Authorization', bearer(token))).body).toEqual({ granting: null });
});

test('standalone requirePermission uses the policy of the middleware that ran', async () => {
  const app = express();
  app.use(sessionGuard({ providers: [issuer.provider()], rbac: RBAC }));
  app.get('/write', requirePermission({ resource: 'documents', action: 'write' }), (req, res) => res.json({ granting: req.auth?.grantingRoles }));
  const editor = await request(app).get('/write').set('Authorization', bearer(await issuer.sessionToken({ claims: { role: 'editor' } })));
  expect(editor.body).toEqual({ granting: ['editor'] });
});

test('standalone requirePermission with no policy anywhere refuses (fails closed)', async () => {
  const app = express();
  app.use(sessionGuard({ providers: [issuer.provider()] }));
  app.get('/write', requirePermission({ resource: 'documents', action: 'write' }), (_req, res) => res.json({ ok: true }));
  const res = await request(app).get('/write').set('Authorization', bearer(await issuer.sessionToken({ claims: { role: 'editor' } })));
  expectError(res, 403, 'forbidden', 'permission_denied');
});

test('a provider roleClaim replaces the default role claims', async () => {
  const app = express();
  const guard = sessionGuard({ providers: [issuer.provider({ roleClaim: 'https://example.com/roles' })], rbac: RBAC });
  app.get('/write', guard, guard.requirePermission({ resource: 'documents', action: 'write' }), (req, res) => res.json({ roles: req.auth?.roles }));
  const custom = await issuer.sessionToken({ claims: { 'https://example.com/roles': 'viewer editor' } });
  expect((await request(app).get('/write').set('Authorization', bearer(custom))).body).toEqual({ roles: ['viewer', 'editor'] });
  // The WorkOS `role` claim is no longer read once roleClaim is set.
  const workosRole = await issuer.sessionToken({ claims: { role: 'editor' } });
  expectError(await request(app).get('/write').set('Authorization', bearer(workosRole)), 403, 'forbidden', 'permission_denied');
});

test('the realm of the middleware is used by standalone guards after it', async () => {
  const app = express();
  app.use(sessionGuard({ providers: [issuer.provider()], realm: 'orders' }).optional());
  app.get('/orders', requireScope('orders:read'), (_req, res) => res.json({ ok: true }));
  const anonymous = await request(app).get('/orders');
  expectError(anonymous, 401, 'missing_token');
  expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="orders"');
  const token = await issuer.sessionToken();
  // The first request verifies the token, the second is answered from the cache (synchronously):
  // the guard finds the realm through the principal, with no per-request side table.
  for (let i = 0; i < 2; i++) {
    const scopeless = await request(app).get('/orders').set('Authorization', bearer(token));
    expectError(scopeless, 403, 'insufficient_scope');
    expect(scopeless.headers['www-authenticate']).toBe('Bearer realm="orders", error="insufficient_scope", scope="orders:read"');
    expect(scopeless.body.message).toBe('This request needs the scope: orders:read.');
  }
});
