/** CONTRACT.md section 5: optional authentication. */
import request from 'supertest';
import express, { type Express } from 'express';
import { expectError } from '../helpers';
import { sessionGuard } from '../../src/express';
import { collectingLogger } from '../support/logger';
import { useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' }, down: { kind: 'oidc', issuer: 'https://idp.down.test', name: 'down' } });
let app: Express;

beforeAll(async () => {
  issuers.down.jwksOverride = { status: 500, body: '{}' };
  const guard = sessionGuard({
    providers: [issuers.workos.provider(), issuers.down.provider()],
    // The down key host is logged: kept here, not printed.
    logger: collectingLogger(),
    accountStatus: (subject) => (subject === 'user_01BANNED' ? { state: 'banned', reason: 'fraud' } : { state: 'active' }),
  });
  app = express();
  app.get('/feed', guard.optional(), (req, res) => res.json({ anonymous: req.auth === undefined, auth: req.auth ?? null }));
  app.get('/me', guard, (req, res) => res.json(req.auth));
});

test('no token: anonymous, req.auth undefined, the route runs', async () => {
  const res = await request(app).get('/feed');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ anonymous: true, auth: null });
});

test('another scheme or an empty cookie also counts as no token', async () => {
  for (const [name, value] of [
    ['Authorization', 'Basic dXNlcjpwYXNz'],
    ['Cookie', '__session='],
  ] as const) {
    const res = await request(app).get('/feed').set(name, value);
    expect(res.status).toBe(200);
    expect(res.body.anonymous).toBe(true);
  }
});

test('a valid token attaches the principal', async () => {
  const token = await issuers.workos.sessionToken({ sub: 'user_01ALICE' });
  const res = await request(app).get('/feed').set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  expect(res.body.anonymous).toBe(false);
  expect(res.body.auth.subject).toBe('user_01ALICE');
});

test('a bad token is still a 401', async () => {
  expectError(await request(app).get('/feed').set('Authorization', 'Bearer not.a.jwt'), 401, 'invalid_token', 'token_malformed');
  const forged = await issuers.workos.sessionToken({}, { key: await issuers.workos.createDetachedKey('RS256', issuers.workos.key.kid) });
  expectError(await request(app).get('/feed').set('Cookie', `__session=${forged}`), 401, 'invalid_token', 'signature_invalid');
});

test('an expired token is still a 401 token_expired (the client should refresh, not go anonymous)', async () => {
  const token = await issuers.workos.sessionToken({ expiresIn: -60 });
  expectError(await request(app).get('/feed').set('Authorization', `Bearer ${token}`), 401, 'token_expired');
});

test('ambiguous credentials are still a 400', async () => {
  expectError(await request(app).get('/feed').set('Authorization', 'Bearer '), 400, 'invalid_request', 'empty_bearer');
  expectError(await request(app).get('/feed').set('Cookie', '__session=a.b.c; __session=d.e.f'), 400, 'invalid_request', 'duplicate_cookie');
});

test('a banned account with a valid token is still a 403', async () => {
  const token = await issuers.workos.sessionToken({ sub: 'user_01BANNED' });
  expectError(await request(app).get('/feed').set('Authorization', `Bearer ${token}`), 403, 'account_banned', 'fraud');
});

test('a token that cannot be checked is a 503, not anonymous', async () => {
  const token = await issuers.down.sessionToken();
  expectError(await request(app).get('/feed').set('Authorization', `Bearer ${token}`), 503, 'service_unavailable', 'jwks_unavailable');
});

test('the required guard on the same app still refuses anonymous requests', async () => {
  expectError(await request(app).get('/me'), 401, 'missing_token');
});
