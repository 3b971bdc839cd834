import express from 'express';
import request from 'supertest';
import { identityRouter, tokenTemplates, hasuraTemplate, type IdentityServiceOptions } from '../../src/identity';
import { expectError, guardedApp } from '../helpers';
import { TEST_OIDC_AUDIENCE } from '../../src/testing';
import { decodeJwt, identityClient, serve, type Served } from './harness';
import { closeIssuers, startIssuers, type TestIssuer } from '../support/issuers';

const API_KEY = 'svc_a_0123456789abcdef0123456789abcdef';
const NO_SCOPE_KEY = 'svc_x_0123456789abcdef0123456789abcdef';
const MINTER_KEY = 'svc_m_0123456789abcdef0123456789abcdef';
const SUSPENDED = 'user_01SUSPENDED';
const BANNED = 'user_01BANNED';

let issuers: { workos: TestIssuer; clerk: TestIssuer; machines: TestIssuer };
let service: Served;
let bare: Served;
let client: ReturnType<typeof identityClient>;

function options(): Omit<IdentityServiceOptions, 'serviceAuth'> {
  return {
    providers: [issuers.workos.provider(), issuers.clerk.provider()],
    resolveLegacyUser: (clerkUserId) => (clerkUserId === 'user_2clerkTEST' ? 'user_01MIGRATED' : null),
    accountStatus: (subject) =>
      subject === SUSPENDED
        ? { state: 'suspended', suspendedUntil: '2999-01-01T00:00:00.000Z', reason: 'chargeback' }
        : subject === BANNED
          ? { state: 'banned', reason: 'abuse' }
          : { state: 'active' },
  };
}

beforeAll(async () => {
  issuers = await startIssuers({ workos: { kind: 'workos' }, clerk: { kind: 'clerk' }, machines: { kind: 'oidc', issuer: 'https://m2m.sessionguard.test' } });
  const app = express();
  app.use(
    identityRouter({
      ...options(),
      serviceAuth: {
        apiKeys: [
          { name: 'service-a', key: API_KEY, scopes: ['sessions:verify'] },
          { name: 'nothing', key: NO_SCOPE_KEY, scopes: [] },
          { name: 'minter', key: MINTER_KEY, scopes: ['sessions:tokens'] },
        ],
        providers: [issuers.machines.provider()],
      },
      templates: tokenTemplates({
        issuer: 'https://identity.sessionguard.test',
        templates: [
          hasuraTemplate(),
          { name: 'broken', claims: () => { throw new Error('template bug'); } },
        ],
      }),
    }),
  );
  service = await serve(app);
  client = identityClient(service.url);
  const noTemplates = express();
  noTemplates.use(identityRouter({ ...options(), serviceAuth: { apiKeys: [{ name: 'a', key: API_KEY, scopes: ['sessions:verify'] }] } }));
  bare = await serve(noTemplates);
});
afterAll(async () => {
  await Promise.all([service.close(), bare.close()]);
  await closeIssuers(issuers);
});

const asService = `Bearer ${API_KEY}`;

/** The members a token without organization, actor or vendor extras answers with. */
const NO_EXTRAS = {
  roles: [], organization_id: null, organization_slug: null, organization_role: null, permissions: [],
  features: [], entitlements: [], feature_flags: [], actor: null, authentication_factors: [],
};

describe('POST /v1/sessions/verify', () => {
  test('answers exactly the seed schema, nulls explicit', async () => {
    const token = await issuers.workos.sessionToken({ sub: 'user_01A' });
    const res = await client.verify({ auth: asService, body: { token } });
    expect(res.status).toBe(200);
    expect(res.body).toStrictEqual({ subject: 'user_01A', type: 'user', brand_id: null, workos_user_id: 'user_01A', clerk_user_id: null, scope: '', session_id: expect.any(String), ...NO_EXTRAS });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('brand and scopes are carried; a Clerk token is mapped and keeps its Clerk id', async () => {
    const workosToken = await issuers.workos.sessionToken({ sub: 'user_01B', claims: { brand_id: 'brand_1', permissions: ['read', 'write'] } });
    const res = await client.verify({ auth: asService, body: { token: workosToken } });
    expect(res.body).toStrictEqual({ subject: 'user_01B', type: 'user', brand_id: 'brand_1', workos_user_id: 'user_01B', clerk_user_id: null, scope: 'read write', session_id: expect.any(String), ...NO_EXTRAS, permissions: ['read', 'write'] });
    const clerkToken = await issuers.clerk.sessionToken({ sub: 'user_2clerkTEST' });
    const legacy = await client.verify({ auth: asService, body: { token: clerkToken } });
    expect(legacy.body).toStrictEqual({ subject: 'user_01MIGRATED', type: 'user', brand_id: null, workos_user_id: 'user_01MIGRATED', clerk_user_id: 'user_2clerkTEST', scope: '', session_id: expect.any(String), ...NO_EXTRAS });
  });

  test('401 and 403 are the very bodies the middleware sends for the same token', async () => {
    const { app: guarded } = guardedApp(options());
    const cases = [
      [await issuers.workos.sessionToken({ expiresIn: -60 }), 401, 'token_expired', undefined],
      [await issuers.workos.sessionToken({}, { key: await issuers.workos.createDetachedKey(undefined, issuers.workos.key.kid) }), 401, 'invalid_token', 'signature_invalid'],
      [await issuers.clerk.sessionToken({ sub: 'user_2UNMAPPED' }), 401, 'invalid_token', 'user_unmapped'],
      [await issuers.machines.sign({ iss: 'https://elsewhere.test', sub: 'x', iat: 1, exp: 2 }), 401, 'invalid_token', 'issuer_unknown'],
      ['not-a-jwt', 401, 'invalid_token', 'token_malformed'],
      [await issuers.workos.sessionToken({ sub: SUSPENDED }), 403, 'account_suspended', 'chargeback'],
      [await issuers.workos.sessionToken({ sub: BANNED }), 403, 'account_banned', 'abuse'],
    ] as const;
    for (const [token, status, error, reason] of cases) {
      const res = await client.verify({ auth: asService, body: { token } });
      expectError(res, status, error, reason);
      const direct = await request(guarded).get('/me').set('Authorization', `Bearer ${token}`);
      expect(res.text).toBe(direct.text);
    }
    const suspended = await client.verify({ auth: asService, body: { token: await issuers.workos.sessionToken({ sub: SUSPENDED }) } });
    expect(suspended.body.suspended_until).toBe('2999-01-01T00:00:00.000Z');
  });

  test.each([
    ['not JSON', '{"token": ', 'body_invalid'],
    ['an array', [], 'body_invalid'],
    ['no token', {}, 'token_missing'],
    ['an empty token', { token: '' }, 'token_missing'],
    ['a token that is not a string', { token: 42 }, 'body_invalid'],
    ['a JSON string', '"eyJ"', 'body_invalid'],
  ])('a body that is %s is a 400 invalid_request', async (_name, body, reason) => {
    const res = await client.verify({ auth: asService, body });
    expectError(res, 400, 'invalid_request', reason);
  });

  test('an empty body is a 400 invalid_request', async () => {
    const res = await client.verify({ auth: asService });
    expectError(res, 400, 'invalid_request', 'token_missing');
  });

  test('a body over the limit is a 413 before it is read through', async () => {
    const res = await client.verify({ auth: asService, body: { token: 'a'.repeat(20_000) } });
    expectError(res, 413, 'invalid_request', 'body_too_large');
  });

  test('a body parser mounted first (express.json) is respected', async () => {
    const app = express();
    app.use(identityRouter({ ...options(), serviceAuth: { apiKeys: [{ name: 'a', key: API_KEY, scopes: ['sessions:verify'] }] } }));
    const parsedFirst = express();
    parsedFirst.use(express.json());
    parsedFirst.use(app);
    const token = await issuers.workos.sessionToken({ sub: 'user_01P' });
    const ok = await request(parsedFirst).post('/v1/sessions/verify').set('Authorization', asService).send({ token });
    expect(ok.status).toBe(200);
    expect(ok.body.subject).toBe('user_01P');
  });
});

describe('service callers', () => {
  test('no credential is a 401 with a service_ reason', async () => {
    const res = await client.verify({ body: { token: 'x' } });
    expectError(res, 401, 'missing_token', 'service_credential_missing');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  test('an unknown API key, or a user session token, is refused', async () => {
    const wrongKey = await client.verify({ auth: `Bearer ${API_KEY.slice(0, -1)}X`, body: { token: 'x' } });
    expectError(wrongKey, 401, 'invalid_token', 'service_credential_invalid');
    const userToken = await issuers.workos.sessionToken();
    const asUser = await client.verify({ auth: `Bearer ${userToken}`, body: { token: userToken } });
    expectError(asUser, 401, 'invalid_token', 'service_credential_invalid');
  });

  test('a key without the scope is a 403 insufficient_scope', async () => {
    const res = await client.verify({ auth: `Bearer ${NO_SCOPE_KEY}`, body: { token: 'x' } });
    expectError(res, 403, 'insufficient_scope', 'service_scope_missing');
    expect(res.headers['www-authenticate']).toContain('scope="sessions:verify"');
  });

  test('a service token from the configured issuer works when it holds the scope', async () => {
    const user = await issuers.workos.sessionToken({ sub: 'user_01S' });
    const good = await issuers.machines.sign({ iss: issuers.machines.issuer, aud: TEST_OIDC_AUDIENCE, sub: 'svc_billing', scope: 'sessions:verify', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 });
    expect((await client.verify({ auth: `Bearer ${good}`, body: { token: user } })).body.subject).toBe('user_01S');
    const unscoped = await issuers.machines.sign({ iss: issuers.machines.issuer, aud: TEST_OIDC_AUDIENCE, sub: 'svc_billing', scope: 'other', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 });
    expectError(await client.verify({ auth: `Bearer ${unscoped}`, body: { token: user } }), 403, 'insufficient_scope', 'service_scope_missing');
    const expired = await issuers.machines.sign({ iss: issuers.machines.issuer, aud: TEST_OIDC_AUDIENCE, sub: 'svc_billing', scope: 'sessions:verify', iat: 1, exp: 2 });
    expectError(await client.verify({ auth: `Bearer ${expired}`, body: { token: user } }), 401, 'invalid_token', 'service_credential_invalid');
  });

  test('two Authorization headers are a 400', async () => {
    const res = await client.verify({ auth: `Bearer ${API_KEY}, Bearer ${API_KEY}`, body: { token: 'x' } });
    expectError(res, 400, 'invalid_request', 'duplicate_authorization');
  });

  test('the verify scope is configurable', async () => {
    const app = express();
    app.use(identityRouter({ ...options(), serviceAuth: { verifyScope: 'identity:read', apiKeys: [{ name: 'a', key: API_KEY, scopes: ['sessions:verify'] }] } }));
    const res = await request(app).post('/v1/sessions/verify').set('Authorization', asService).send({ token: 'x' });
    expectError(res, 403, 'insufficient_scope', 'service_scope_missing');
    expect(res.headers['www-authenticate']).toContain('scope="identity:read"');
  });

  test('bad service configuration fails at start-up', () => {
    expect(() => identityRouter({ ...options(), serviceAuth: {} })).toThrow(/at least one API key/);
    expect(() => identityRouter({ ...options(), serviceAuth: { apiKeys: [{ name: 'short', key: 'abc', scopes: [] }] } })).toThrow(/at least 32 characters/);
    expect(() => identityRouter({ ...options(), serviceAuth: { providers: [issuers.workos.provider({ name: 'svc' })] } })).toThrow(/also a session provider's/);
    expect(() => identityRouter({ ...options(), serviceAuth: { verifyScope: 'two scopes', apiKeys: [{ name: 'a', key: API_KEY, scopes: [] }] } })).toThrow(/one scope name/);
  });
});

describe('POST /v1/sessions/{session_id}/verify', () => {
  test('the token must belong to that session', async () => {
    const token = await issuers.workos.sessionToken({ sub: 'user_01C', sid: 'session_01C' });
    const ok = await client.verifySession('session_01C', { auth: asService, body: { token } });
    expect(ok.status).toBe(200);
    expect(ok.body.subject).toBe('user_01C');
    const other = await client.verifySession('session_01OTHER', { auth: asService, body: { token } });
    expectError(other, 403, 'forbidden', 'session_mismatch');
    const expired = await client.verifySession('session_01C', { auth: asService, body: { token: await issuers.workos.sessionToken({ sid: 'session_01C', expiresIn: -60 }) } });
    expectError(expired, 401, 'token_expired');
  });
});

describe('POST /v1/sessions/{session_id}/tokens/{template_name}', () => {
  test('the session itself mints a Hasura token signed by the service key', async () => {
    const token = await issuers.workos.sessionToken({ sub: 'user_01H', sid: 'session_01H', claims: { role: 'editor' } });
    const res = await client.mint('session_01H', 'custom_hasura', { auth: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('token');
    const { header, payload } = decodeJwt(res.body.jwt);
    const jwks = await client.jwks();
    expect(header).toEqual({ alg: 'ES256', kid: jwks.body.keys[0].kid, typ: 'JWT' });
    expect(payload).toMatchObject({ iss: 'https://identity.sessionguard.test', sub: 'user_01H', sid: 'session_01H', jti: expect.any(String) });
    expect((payload.exp as number) - (payload.iat as number)).toBe(60);
    expect(payload['https://hasura.io/jwt/claims']).toEqual({
      'x-hasura-user-id': 'user_01H',
      'x-hasura-default-role': 'user',
      'x-hasura-allowed-roles': ['user', 'editor'],
    });
  });

  test('expires_in_seconds sets the lifetime within 30..315360000', async () => {
    const token = await issuers.workos.sessionToken({ sid: 'session_01E' });
    const res = await client.mint('session_01E', 'custom_hasura', { auth: `Bearer ${token}`, body: { expires_in_seconds: 3600 } });
    const { payload } = decodeJwt(res.body.jwt);
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);
    for (const bad of [29, 315_360_001, 30.5, '60', null, -1]) {
      const refused = await client.mint('session_01E', 'custom_hasura', { auth: `Bearer ${token}`, body: { expires_in_seconds: bad } });
      expectError(refused, 400, 'invalid_request', 'expires_in_seconds_invalid');
    }
    expectError(await client.mint('session_01E', 'custom_hasura', { auth: `Bearer ${token}`, body: '[1]' }), 400, 'invalid_request', 'body_invalid');
    expectError(await client.mint('session_01E', 'custom_hasura', { auth: `Bearer ${token}`, body: '{oops' }), 400, 'invalid_request', 'body_invalid');
  });

  test('another session, an unknown template, or no credential is refused', async () => {
    const token = await issuers.workos.sessionToken({ sid: 'session_01M' });
    expectError(await client.mint('session_01OTHER', 'custom_hasura', { auth: `Bearer ${token}` }), 403, 'forbidden', 'session_mismatch');
    expectError(await client.mint('session_01M', 'nope', { auth: `Bearer ${token}` }), 404, 'not_found', 'template_unknown');
    expectError(await client.mint('session_01M', 'custom_hasura'), 401, 'missing_token');
    const expired = await issuers.workos.sessionToken({ sid: 'session_01M', expiresIn: -60 });
    expectError(await client.mint('session_01M', 'custom_hasura', { auth: `Bearer ${expired}` }), 401, 'token_expired');
  });

  test('a service with the tokens scope mints for a session whose token it sends', async () => {
    const token = await issuers.workos.sessionToken({ sub: 'user_01V', sid: 'session_01V' });
    const res = await client.mint('session_01V', 'custom_hasura', { auth: `Bearer ${MINTER_KEY}`, body: { token, expires_in_seconds: 120 } });
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.jwt).payload).toMatchObject({ sub: 'user_01V', sid: 'session_01V' });
    expectError(await client.mint('session_01V', 'custom_hasura', { auth: `Bearer ${MINTER_KEY}` }), 400, 'invalid_request', 'token_missing');
    expectError(await client.mint('session_01OTHER', 'custom_hasura', { auth: `Bearer ${MINTER_KEY}`, body: { token } }), 403, 'forbidden', 'session_mismatch');
    expectError(await client.mint('session_01V', 'custom_hasura', { auth: asService, body: { token } }), 403, 'insufficient_scope', 'service_scope_missing');
  });

  test('a template that throws is a 503, never a 500', async () => {
    const token = await issuers.workos.sessionToken({ sid: 'session_01B' });
    expectError(await client.mint('session_01B', 'broken', { auth: `Bearer ${token}` }), 503, 'service_unavailable', 'internal_error');
  });

  test('without templates: tokens and JWKS are 404', async () => {
    const noTemplates = identityClient(bare.url);
    const token = await issuers.workos.sessionToken({ sid: 'session_01N' });
    expectError(await noTemplates.mint('session_01N', 'custom_hasura', { auth: `Bearer ${token}` }), 404, 'not_found', 'templates_disabled');
    expectError(await noTemplates.jwks(), 404, 'not_found', 'templates_disabled');
  });
});

test('GET /.well-known/jwks.json publishes only the public signing key', async () => {
  const res = await client.jwks();
  expect(res.status).toBe(200);
  expect(res.body.keys).toHaveLength(1);
  expect(res.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
  expect(res.body.keys[0].d).toBeUndefined();
  expect(res.headers['cache-control']).toBe('public, max-age=300');
});
