/**
 * A keep-alive connection that sends the very Authorization value of its last verified token again
 * is answered from its memo without parsing the header (TokenCache.repeatedOn). Only that one
 * exact value on its own takes this way: anything else on the connection is read as on any request.
 */
import { createVerifier, isSessionError, type SessionEvent, type SessionPrincipal } from '../../src';
import type { RequestLike } from '../../src/core/request/credentials';
import { createTestIssuer, type TestIssuer } from '../support/issuers';

let workos: TestIssuer;
beforeAll(async () => {
  workos = await createTestIssuer({ kind: 'workos' });
});
afterAll(() => workos.close());

/** A request on `connection` as Node parses it: rawHeaders as sent, the connection as `socket`; `headers` is never read. */
function onConnection(connection: object, ...rawHeaders: string[]): RequestLike {
  return {
    method: 'GET',
    rawHeaders: ['Host', 'api.test', ...rawHeaders],
    socket: connection,
    get headers(): never {
      throw new Error('request.headers was read');
    },
  };
}

/** The verdict of one request: the principal, or the SessionError it was refused with. */
async function verdict(run: () => unknown): Promise<{ subject?: string; status?: number; error?: string; reason?: string }> {
  try {
    const principal = (await run()) as SessionPrincipal;
    return { subject: principal.subject };
  } catch (error) {
    if (!isSessionError(error)) throw error;
    return { status: error.status, error: error.error, reason: error.reason };
  }
}

/** token_cache events: hits and misses, in order. */
function cacheEvents(): { onEvent: (event: SessionEvent) => void; seen: string[] } {
  const seen: string[] = [];
  return { seen, onEvent: (event) => event.type === 'token_cache' && seen.push(event.hit ? 'hit' : 'miss') };
}

test('the same value again is answered at once, with its own principal, and reported as a cache hit', async () => {
  const { onEvent, seen } = cacheEvents();
  const verifier = createVerifier({ providers: [workos.provider()], onEvent });
  const connection = {};
  const token = await workos.sessionToken({ sub: 'user_01REPEAT' });
  await verifier.authenticateNow(onConnection(connection, 'Authorization', `Bearer ${token}`));
  const first = verifier.authenticateNow(onConnection(connection, 'Authorization', `Bearer ${token}`)) as SessionPrincipal;
  const second = verifier.authenticateNow(onConnection(connection, 'authorization', `Bearer ${token}`)) as SessionPrincipal;
  expect(first).not.toBeInstanceOf(Promise);
  expect([first.subject, second.subject]).toEqual(['user_01REPEAT', 'user_01REPEAT']);
  expect(first).not.toBe(second); // a principal of its own per request
  expect(await first.getToken()).toBe(token);
  expect(seen).toEqual(['miss', 'hit', 'hit']);
});

test('the same token in another spelling of the header is read in full, and still that session', async () => {
  const verifier = createVerifier({ providers: [workos.provider()] });
  const connection = {};
  const token = await workos.sessionToken({ sub: 'user_01SPELLING' });
  await verifier.authenticateNow(onConnection(connection, 'Authorization', `Bearer ${token}`));
  for (const value of [`bearer ${token}`, `Bearer  ${token}`, ` Bearer ${token} `, `Bearer ${token}`]) {
    expect(await verdict(() => verifier.authenticateNow(onConnection(connection, 'Authorization', value)))).toEqual({ subject: 'user_01SPELLING' });
  }
});

test('the remembered value sent twice is a 400 duplicate_authorization, as on any connection', async () => {
  const verifier = createVerifier({ providers: [workos.provider()] });
  const connection = {};
  const value = `Bearer ${await workos.sessionToken()}`;
  await verifier.authenticateNow(onConnection(connection, 'Authorization', value));
  const twice = await verdict(() => verifier.authenticateNow(onConnection(connection, 'Authorization', value, 'Authorization', value)));
  expect(twice).toEqual({ status: 400, error: 'invalid_request', reason: 'duplicate_authorization' });
});

test('the remembered value with a second credential in it is not the remembered value: 400 duplicate_authorization', async () => {
  const verifier = createVerifier({ providers: [workos.provider()] });
  const connection = {};
  const token = await workos.sessionToken();
  await verifier.authenticateNow(onConnection(connection, 'Authorization', `Bearer ${token}`));
  const joined = await verdict(() => verifier.authenticateNow(onConnection(connection, 'Authorization', `Bearer ${token}, Bearer ${token}`)));
  expect(joined).toEqual({ status: 400, error: 'invalid_request', reason: 'duplicate_authorization' });
});

test('a cookie-only request on the connection is judged by its cookie, not by the remembered header', async () => {
  const verifier = createVerifier({ providers: [workos.provider()] });
  const connection = {};
  const [alice, bob] = await Promise.all([workos.sessionToken({ sub: 'user_01ALICE' }), workos.sessionToken({ sub: 'user_01BOB' })]);
  await verifier.authenticateNow(onConnection(connection, 'Authorization', `Bearer ${alice}`));
  expect(await verdict(() => verifier.authenticateNow(onConnection(connection, 'Cookie', `__session=${bob}`)))).toEqual({ subject: 'user_01BOB' });
  expect(await verdict(() => verifier.authenticateNow(onConnection(connection, 'Cookie', '__session=not-a-jwt')))).toEqual({
    status: 401,
    error: 'invalid_token',
    reason: 'token_malformed',
  });
  expect(await verdict(() => verifier.authenticateNow(onConnection(connection, 'Authorization', `Bearer ${alice}`)))).toEqual({ subject: 'user_01ALICE' });
});

test('with the app\'s getToken, the header is never the source, remembered or not: 401 missing_token', async () => {
  const token = await workos.sessionToken();
  let answer: string | undefined = token;
  const verifier = createVerifier({ providers: [workos.provider()], getToken: () => answer });
  const connection = {};
  await verifier.authenticateNow(onConnection(connection, 'Authorization', `Bearer ${token}`));
  answer = undefined;
  const refused = await verdict(() => verifier.authenticateNow(onConnection(connection, 'Authorization', `Bearer ${token}`)));
  expect(refused).toEqual({ status: 401, error: 'missing_token', reason: undefined });
});

test('the remembered value is refused once its token expired: 401 token_expired', async () => {
  let now = (Math.floor(Date.now() / 1000) + 1) * 1000;
  const verifier = createVerifier({ providers: [workos.provider({ clockToleranceSeconds: 0 })], clock: () => now });
  const connection = {};
  const value = `Bearer ${await workos.sessionToken({ expiresIn: 60 })}`;
  await verifier.authenticateNow(onConnection(connection, 'Authorization', value));
  expect(verifier.authenticateNow(onConnection(connection, 'Authorization', value))).not.toBeInstanceOf(Promise);
  now += 61_000;
  expect(await verdict(() => verifier.authenticateNow(onConnection(connection, 'Authorization', value)))).toEqual({ status: 401, error: 'token_expired', reason: undefined });
});
