import express, { type Express } from 'express';
import request from 'supertest';
import { oidc, remote } from '../../src';
import { sessionGuard } from '../../src/express';
import { identityRouter, tokenTemplates, hasuraTemplate } from '../../src/identity';
import { expectError, guardedApp } from '../helpers';
import { decodeJwt, identityClient, serve, type Served } from './harness';
import { closeIssuers, startIssuers, type TestIssuer } from '../support/issuers';

const API_KEY = 'svc_a_0123456789abcdef0123456789abcdef';
const TEMPLATE_ISSUER = 'https://identity.sessionguard.test';

let issuers: { workos: TestIssuer };
let identity: Served;
let verifyCalls = 0;
let stub: Served;
let stubAnswer: (res: express.Response) => void;
const servers: Served[] = [];

beforeAll(async () => {
  issuers = await startIssuers({ workos: { kind: 'workos' } });
  const b = express();
  b.use('/v1/sessions/verify', (_req, _res, next) => {
    verifyCalls++;
    next();
  });
  b.use(
    identityRouter({
      providers: [issuers.workos.provider()],
      accountStatus: (subject) => (subject === 'user_01BANNED' ? { state: 'banned', reason: 'abuse' } : { state: 'active' }),
      serviceAuth: { apiKeys: [{ name: 'service-a', key: API_KEY, scopes: ['sessions:verify'] }] },
      templates: tokenTemplates({ issuer: TEMPLATE_ISSUER, templates: [hasuraTemplate()] }),
    }),
  );
  identity = await serve(b);
  // A remote that misbehaves on demand (outages, garbage, hangs).
  const broken = express();
  broken.post('/v1/sessions/verify', (_req, res) => stubAnswer(res));
  stub = await serve(broken);
});
afterAll(async () => {
  await Promise.all([identity.close(), stub.close(), ...servers.map((s) => s.close())]);
  await closeIssuers(issuers);
});

/** Service A: remote mode against B (or another URL), served on 127.0.0.1. */
async function serviceA(options: Partial<Parameters<typeof remote>[0]> = {}, clock?: () => number): Promise<{ app: Express; url: string }> {
  const { app } = guardedApp({ providers: [remote({ url: identity.url, credentials: API_KEY, ...options })], ...(clock ? { clock } : {}) });
  const served = await serve(app);
  servers.push(served);
  return { app, url: served.url };
}

describe('two services: A in remote mode, B running identityRouter', () => {
  test('A accepts a session B verifies, and builds the principal from the 200 and the token', async () => {
    const a = await serviceA();
    const token = await issuers.workos.sessionToken({ sub: 'user_01A', sid: 'session_01A', claims: { brand_id: 'brand_1', permissions: ['read'], role: 'admin' } });
    const before = verifyCalls;
    const res = await request(a.url).get('/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      subject: 'user_01A',
      workosUserId: 'user_01A',
      clerkUserId: null,
      brandId: 'brand_1',
      scope: 'read',
      scopes: ['read'],
      roles: ['admin'],
      sessionId: 'session_01A',
      provider: 'remote',
      issuer: issuers.workos.issuer,
    });
    expect(JSON.stringify(res.body)).not.toContain(token);
    expect(verifyCalls).toBe(before + 1);
  });

  test('A caches the verdict: a repeat, and concurrent requests, make one call', async () => {
    const a = await serviceA();
    const token = await issuers.workos.sessionToken({ sub: 'user_01C' });
    const before = verifyCalls;
    const answers = await Promise.all(Array.from({ length: 5 }, () => request(a.url).get('/me').set('Authorization', `Bearer ${token}`)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await request(a.url).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect(verifyCalls).toBe(before + 1);
  });

  test("B's 401 and 403 bodies reach A's caller unchanged", async () => {
    const a = await serviceA();
    const b = identityClient(identity.url);
    const tokens = [
      [await issuers.workos.sessionToken({ expiresIn: -60 }), 401, 'token_expired', undefined],
      [await issuers.workos.sessionToken({}, { key: await issuers.workos.createDetachedKey(undefined, issuers.workos.key.kid) }), 401, 'invalid_token', 'signature_invalid'],
      [await issuers.workos.sessionToken({ sub: 'user_01BANNED' }), 403, 'account_banned', 'abuse'],
    ] as const;
    for (const [token, status, error, reason] of tokens) {
      const direct = await b.verify({ auth: `Bearer ${API_KEY}`, body: { token } });
      const viaA = await request(a.url).get('/me').set('Authorization', `Bearer ${token}`);
      expectError(viaA, status, error, reason);
      expect(viaA.text).toBe(direct.text);
      if (status === 401) expect(viaA.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
    }
  });

  test('A refuses a malformed token itself, without calling B', async () => {
    const a = await serviceA();
    const before = verifyCalls;
    expectError(await request(a.url).get('/me').set('Authorization', 'Bearer not.a.jwt!'), 401, 'invalid_token', 'token_malformed');
    expectError(await request(a.url).get('/me').set('Authorization', `Bearer ${'a'.repeat(9000)}.b.c`), 401, 'invalid_token', 'token_too_large');
    expectError(await request(a.url).get('/me'), 401, 'missing_token');
    expect(verifyCalls).toBe(before);
  });

  test('A with a wrong credential gets a 503, not a verdict on the user', async () => {
    const a = await serviceA({ credentials: 'svc_wrong_0123456789abcdef0123456789ab' });
    const token = await issuers.workos.sessionToken();
    const res = await request(a.url).get('/me').set('Authorization', `Bearer ${token}`);
    expectError(res, 503, 'service_unavailable', 'identity_unavailable');
    expect(res.headers['retry-after']).toBe('5');
  });

  test('credentials may come from a function (e.g. a client-credentials token source)', async () => {
    const a = await serviceA({ credentials: async () => API_KEY });
    const res = await request(a.url).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken({ sub: 'user_01F' })}`);
    expect(res.body.subject).toBe('user_01F');
    const failing = await serviceA({ credentials: () => Promise.reject(new Error('vault down')) });
    const refused = await request(failing.url).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`);
    expectError(refused, 503, 'service_unavailable', 'identity_unavailable');
  });

  test('the cache lives no longer than the token, nor than maxTtlSeconds', async () => {
    let now = Date.now();
    const a = await serviceA({ cache: { maxTtlSeconds: 60 } }, () => now);
    const shortLived = await issuers.workos.sessionToken({ expiresIn: 20 });
    const ask = () => request(a.url).get('/me').set('Authorization', `Bearer ${shortLived}`);
    const before = verifyCalls;
    await ask();
    now += 10_000;
    await ask();
    expect(verifyCalls).toBe(before + 1);
    now += 15_000; // past the token's exp: the entry is gone, B is asked again
    await ask();
    expect(verifyCalls).toBe(before + 2);

    const longLived = await issuers.workos.sessionToken({ expiresIn: 300 });
    const askLong = () => request(a.url).get('/me').set('Authorization', `Bearer ${longLived}`);
    await askLong();
    now += 59_000;
    await askLong();
    expect(verifyCalls).toBe(before + 3);
    now += 2_000; // past maxTtlSeconds
    await askLong();
    expect(verifyCalls).toBe(before + 4);
  });

  test('with the cache off, every request asks B', async () => {
    const a = await serviceA({ cache: false });
    const token = await issuers.workos.sessionToken();
    const before = verifyCalls;
    await request(a.url).get('/me').set('Authorization', `Bearer ${token}`);
    await request(a.url).get('/me').set('Authorization', `Bearer ${token}`);
    expect(verifyCalls).toBe(before + 2);
  });

  test('req.auth.getToken() in remote mode returns the incoming token', async () => {
    const app = express();
    app.use(sessionGuard({ providers: [remote({ url: identity.url, credentials: API_KEY })] }));
    app.get('/token', async (req, res) => {
      res.json({ token: await req.auth!.getToken() });
    });
    const token = await issuers.workos.sessionToken();
    expect((await request(app).get('/token').set('Authorization', `Bearer ${token}`)).body.token).toBe(token);
  });
});

describe('an unreachable or failing remote is a 503 identity_unavailable, never a pass or a 500', () => {
  test('connection refused', async () => {
    const closed = await serve(express());
    await closed.close();
    const { app } = guardedApp({ providers: [remote({ url: closed.url, credentials: API_KEY })] });
    const res = await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`);
    expectError(res, 503, 'service_unavailable', 'identity_unavailable');
    expect(res.headers['retry-after']).toBe('5');
  });

  test.each([
    ['a 500', (res: express.Response) => res.status(500).send('<html>oops</html>')],
    ['a 502 with JSON', (res: express.Response) => res.status(502).json({ error: 'bad_gateway' })],
    ['a 200 that is not the schema', (res: express.Response) => res.json({ subject: 'user_01X' })],
    ['a 200 with an empty workos_user_id', (res: express.Response) =>
      res.json({ subject: 'user_01X', type: 'user', brand_id: null, workos_user_id: '', clerk_user_id: null, scope: '' })],
    ['a 200 with roles that are not a list of strings', (res: express.Response) =>
      res.json({ subject: 'user_01X', type: 'user', brand_id: null, workos_user_id: null, clerk_user_id: null, scope: '', roles: [1] })],
    ['a 200 that is not JSON', (res: express.Response) => res.status(200).send('yes')],
    ['a 401 without the error schema', (res: express.Response) => res.status(401).json({ nope: true })],
    ['a body over the cap', (res: express.Response) => res.json({ pad: 'x'.repeat(40_000) })],
    ['a redirect', (res: express.Response) => res.redirect(307, 'http://127.0.0.1:1/elsewhere')],
  ])('%s', async (_name, answer) => {
    stubAnswer = answer;
    const { app } = guardedApp({ providers: [remote({ url: stub.url, credentials: API_KEY, cache: false })] });
    const res = await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`);
    expectError(res, 503, 'service_unavailable', 'identity_unavailable');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
  });

  test("the remote's own Retry-After is kept (bounded)", async () => {
    stubAnswer = (res) => res.status(503).set('Retry-After', '42').json({ error: 'service_unavailable', message: 'down' });
    const { app } = guardedApp({ providers: [remote({ url: stub.url, credentials: API_KEY })] });
    const res = await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`);
    expectError(res, 503, 'service_unavailable', 'identity_unavailable');
    expect(res.headers['retry-after']).toBe('42');
  });

  test('a remote that never answers times out', async () => {
    stubAnswer = () => undefined;
    const { app } = guardedApp({ providers: [remote({ url: stub.url, credentials: API_KEY, timeoutMs: 100 })] });
    const res = await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`);
    expectError(res, 503, 'service_unavailable', 'identity_unavailable');
    expect(res.body.message).toContain('timed out');
  });
});

test('cookie-carried unsafe requests in remote mode honour authorizedParties', async () => {
  const { app } = guardedApp({ providers: [remote({ url: identity.url, credentials: API_KEY, authorizedParties: ['https://app.example'] })] });
  const token = await issuers.workos.sessionToken();
  const bad = await request(app).post('/me').set('Cookie', `__session=${token}`).set('Origin', 'https://evil.example');
  expectError(bad, 403, 'forbidden', 'csrf_origin');
  const good = await request(app).post('/me').set('Cookie', `__session=${token}`).set('Origin', 'https://app.example');
  expect(good.status).toBe(200);
});

test('remote() must be alone, and leaves status and revocation to the identity service', () => {
  const local = issuers.workos.provider();
  const far = remote({ url: identity.url, credentials: API_KEY });
  expect(() => guardedApp({ providers: [far, local] })).toThrow(/remote\(\) must be the only provider/);
  expect(() => guardedApp({ providers: [far], accountStatus: () => ({ state: 'active' }) })).toThrow(/accountStatus cannot be used with remote\(\)/);
  expect(() => remote({ url: 'http://identity.example.com', credentials: API_KEY })).toThrow(/https/);
  expect(() => remote({ url: identity.url, credentials: 'two words' })).toThrow(/credentials/);
  expect(() => remote({ url: identity.url, credentials: API_KEY, timeoutMs: 0 })).toThrow(/timeoutMs/);
});

test('template tokens minted by B are verified by a third app with oidc() against B\'s JWKS', async () => {
  const token = await issuers.workos.sessionToken({ sub: 'user_01T', sid: 'session_01T' });
  const minted = await identityClient(identity.url).mint('session_01T', 'custom_hasura', { auth: `Bearer ${token}` });
  const jwt = minted.body.jwt as string;
  const { app: third } = guardedApp({ providers: [oidc({ audience: false, issuer: TEMPLATE_ISSUER, jwksUrl: `${identity.url}/.well-known/jwks.json`, algorithms: ['ES256'] })] });
  const thirdServed = await serve(third);
  servers.push(thirdServed);
  const res = await request(thirdServed.url).get('/me').set('Authorization', `Bearer ${jwt}`);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ subject: 'user_01T', sessionId: 'session_01T', provider: 'oidc', issuer: TEMPLATE_ISSUER });
  expect(res.body.claims['https://hasura.io/jwt/claims']['x-hasura-user-id']).toBe('user_01T');
  expect(decodeJwt(jwt).header.kid).toEqual(expect.any(String));

  // The third app does not take B's template token for anything else, nor a token B did not sign.
  const impostor = await issuers.workos.createDetachedKey('ES256', decodeJwt(jwt).header.kid as string);
  const forged = await issuers.workos.sign({ ...decodeJwt(jwt).payload }, { key: impostor });
  expectError(await request(thirdServed.url).get('/me').set('Authorization', `Bearer ${forged}`), 401, 'invalid_token', 'signature_invalid');
  const a = await serviceA();
  expectError(await request(a.url).get('/me').set('Authorization', `Bearer ${jwt}`), 401, 'invalid_token', 'issuer_unknown');
});

test('remote-mode rejections are reported without the token', async () => {
  const events: unknown[] = [];
  stubAnswer = (res) => res.status(500).end();
  const { app } = guardedApp({ providers: [remote({ url: stub.url, credentials: API_KEY })], onEvent: (event) => events.push(event) });
  const token = await issuers.workos.sessionToken();
  expectError(await request(app).get('/me').set('Authorization', `Bearer ${token}`), 503, 'service_unavailable', 'identity_unavailable');
  expect(events).toContainEqual(expect.objectContaining({ type: 'rejection', status: 503, reason: 'identity_unavailable' }));
  const logged = JSON.stringify(events);
  expect(logged).not.toContain(token.split('.')[1]);
  expect(logged).not.toContain(API_KEY);
});
