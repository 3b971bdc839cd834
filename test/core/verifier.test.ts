/** The framework-free core: createVerifier().verify() and authenticate() without any framework. */
import { createVerifier, isSessionError, SessionError, toHttpResponse } from '../../src';
import { createTestIssuer, manualClock, type TestIssuer } from '../support/issuers';
import { collectingLogger } from '../support/logger';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'workos', alg: 'ES256' });
});
afterAll(() => issuer.close());

async function rejection(promise: Promise<unknown>): Promise<SessionError> {
  try {
    await promise;
  } catch (error) {
    expect(isSessionError(error)).toBe(true);
    return error as SessionError;
  }
  throw new Error('expected a SessionError');
}

test('verify(token) returns the principal', async () => {
  const verifier = createVerifier({ providers: [issuer.provider()] });
  const principal = await verifier.verify(await issuer.sessionToken({ sub: 'user_01CORE' }));
  expect(principal).toMatchObject({ subject: 'user_01CORE', provider: 'workos', type: 'user' });
  expect(Object.isFrozen(principal.claims)).toBe(true);
});

test('verify() throws a SessionError carrying status, error, reason, message and headers', async () => {
  const verifier = createVerifier({ providers: [issuer.provider()], realm: 'orders' });
  const error = await rejection(verifier.verify(await issuer.sessionToken({ expiresIn: -30 })));
  expect({ status: error.status, error: error.error, reason: error.reason }).toEqual({ status: 401, error: 'token_expired', reason: undefined });
  expect(error.message).toMatch(/expired/);
  expect(error.headers['WWW-Authenticate']).toMatch(/^Bearer realm="orders", error="invalid_token"/);
  const http = toHttpResponse(error);
  expect(http.status).toBe(401);
  expect(http.headers['Content-Type']).toBe('application/json; charset=utf-8');
  expect(JSON.parse(http.body)).toEqual({ error: 'token_expired', message: error.message });
});

test('authenticate() reads a plain Node-like request, and optional mode returns undefined', async () => {
  const verifier = createVerifier({ providers: [issuer.provider()] });
  const token = await issuer.sessionToken({ sub: 'user_01RAW' });
  const principal = await verifier.authenticate({ method: 'GET', headers: { authorization: `Bearer ${token}` } });
  expect(principal?.subject).toBe('user_01RAW');
  await expect(verifier.authenticate({ headers: {} }, true)).resolves.toBeUndefined();
  const missing = await rejection(verifier.authenticate({ headers: {} }));
  expect([missing.status, missing.error]).toEqual([401, 'missing_token']);
  const duplicate = await rejection(
    verifier.authenticate({ headers: { authorization: `Bearer ${token}` }, rawHeaders: ['Authorization', `Bearer ${token}`, 'authorization', 'Bearer x'] }),
  );
  expect([duplicate.status, duplicate.reason]).toEqual([400, 'duplicate_authorization']);
});

test('reject() turns an unexpected error into a 503, never a 500', () => {
  const verifier = createVerifier({ providers: [issuer.provider()] });
  const error = verifier.reject(new Error('boom'));
  expect(error.status).toBe(503);
  expect(error.error).toBe('service_unavailable');
  expect(error.message).not.toMatch(/boom/);
});

test('with an injected clock, the status cache expires exactly at its TTL (no stale cached time)', async () => {
  const clock = manualClock();
  let calls = 0;
  const verifier = createVerifier({
    providers: [issuer.provider()],
    clock: clock.now,
    statusCacheTtlSeconds: 10,
    accountStatus: () => {
      calls++;
      return { state: 'active' };
    },
  });
  const token = await issuer.sessionToken({ expiresIn: 3600 });
  await verifier.verify(token);
  await verifier.verify(token);
  expect(calls).toBe(1);
  clock.advance(11);
  await verifier.verify(token);
  expect(calls).toBe(2);
});

test('with an injected clock, a cached token expires exactly at exp', async () => {
  const clock = manualClock();
  const verifier = createVerifier({ providers: [issuer.provider({ clockToleranceSeconds: 0 })], clock: clock.now });
  const token = await issuer.sign({ iss: issuer.issuer, sub: 'u', sid: 's', auth_time: clock.seconds(), iat: clock.seconds(), exp: clock.seconds() + 10 });
  await verifier.verify(token);
  clock.advance(10);
  const error = await rejection(verifier.verify(token));
  expect(error.error).toBe('token_expired');
});

test.each([
  ['a space inside', (token: string) => `${token.slice(0, 20)} ${token.slice(20)}`],
  ['a trailing newline', (token: string) => `${token}\n`],
  ['a leading space', (token: string) => ` ${token}`],
  ['a comma and a second token', (token: string) => `${token},${token}`],
])('verify(token) with %s: 401 invalid_token token_malformed (no Authorization header was involved)', async (_title, spoil) => {
  const verifier = createVerifier({ providers: [issuer.provider()] });
  const error = await rejection(verifier.verify(spoil(await issuer.sessionToken())));
  expect([error.status, error.error, error.reason]).toEqual([401, 'invalid_token', 'token_malformed']);
});

test('verify() answers a key set that cannot be had as a 503 SessionError, not a raw error', async () => {
  const down = await createTestIssuer({ kind: 'workos', alg: 'ES256' });
  down.jwksOverride = { status: 500, body: 'down' };
  const logger = collectingLogger();
  const verifier = createVerifier({ providers: [down.provider()], logger });
  const error = await rejection(verifier.verify(await down.sessionToken()));
  expect([error.status, error.error, error.reason]).toEqual([503, 'service_unavailable', 'jwks_unavailable']);
  // The key host's failure is logged once, as a line a user must not miss.
  expect(logger.lines.map((line) => line.fields.sessionguard)).toEqual(['key_fetch_failed']);
  await down.close();
});
