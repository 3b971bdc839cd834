/**
 * Requests from anywhere: a Node request, a Fetch API `Request` (Hono, Next.js route handlers,
 * Bun, Deno), a plain object with headers, a serverless request with empty rawHeaders; and a
 * TypeError at the call for anything else, never a misleading 401.
 */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { createVerifier, isSessionError, type SessionVerifier } from '../../src';
import { createTestIssuer, type TestIssuer } from '../../src/testing';

const ORIGIN = 'https://app.sessionguard.test';
let workos: TestIssuer;
let clerk: TestIssuer;
let verifier: SessionVerifier;
let token: string;
let clerkToken: string;

beforeAll(async () => {
  [workos, clerk] = await Promise.all([createTestIssuer({ kind: 'workos' }), createTestIssuer({ kind: 'clerk' })]);
  verifier = createVerifier({ providers: [workos.provider(), clerk.provider({ authorizedParties: [ORIGIN] })], resolveLegacyUser: () => 'user_01MAPPED' });
  token = await workos.sessionToken({ sub: 'user_01SHAPES' });
  clerkToken = await clerk.sessionToken();
});
afterAll(() => Promise.all([workos.close(), clerk.close()]));

/** The SessionError a rejected authentication carries, as status, error and reason. */
async function rejection(request: Parameters<SessionVerifier['authenticate']>[0]): Promise<unknown> {
  const error: unknown = await verifier.authenticate(request).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSessionError(error)) throw new Error(`expected a SessionError, got ${String(error)}`);
  return { status: error.status, error: error.error, reason: error.reason };
}

describe('a Fetch Request', () => {
  test('a bearer token', async () => {
    const principal = await verifier.authenticate(new Request('http://api.test/me', { headers: { Authorization: `Bearer ${token}` } }));
    expect(principal?.subject).toBe('user_01SHAPES');
  });

  test('the session cookie, split back when Headers joined two Cookie lines', async () => {
    const headers = new Headers();
    headers.append('cookie', 'theme=dark');
    headers.append('cookie', `__session=${token}`);
    expect((await verifier.authenticate(new Request('http://api.test/me', { headers })))?.subject).toBe('user_01SHAPES');
  });

  test('two Authorization lines (joined by Headers with ", ") are a 400, not a 401', async () => {
    const headers = new Headers();
    headers.append('authorization', `Bearer ${token}`);
    headers.append('authorization', `Bearer ${token}`);
    expect(await rejection(new Request('http://api.test/me', { headers }))).toEqual({ status: 400, error: 'invalid_request', reason: 'duplicate_authorization' });
  });

  test("the method is the Request's: a cookie POST from a foreign origin is refused, from the app's origin accepted", async () => {
    const post = (origin: string) => new Request('http://api.test/me', { method: 'POST', headers: { cookie: `__session=${clerkToken}`, origin } });
    expect(await rejection(post('https://evil.example'))).toEqual({ status: 403, error: 'forbidden', reason: 'csrf_origin' });
    expect((await verifier.authenticate(post(ORIGIN)))?.subject).toBe('user_01MAPPED');
  });

  test('no token is 401 missing_token, and anonymous in optional mode', async () => {
    expect(await rejection(new Request('http://api.test/me'))).toEqual({ status: 401, error: 'missing_token', reason: undefined });
    expect(await verifier.authenticate(new Request('http://api.test/me'), true)).toBeUndefined();
  });
});

describe('plain objects', () => {
  test('{ headers } with a header object, with a Fetch Headers, and with a method', async () => {
    expect((await verifier.authenticate({ headers: { authorization: `Bearer ${token}` } }))?.subject).toBe('user_01SHAPES');
    expect((await verifier.authenticate({ headers: new Headers({ authorization: `Bearer ${token}` }) }))?.subject).toBe('user_01SHAPES');
    const foreignPost = { method: 'post', headers: { cookie: `__session=${clerkToken}`, origin: 'https://evil.example' } };
    expect(await rejection(foreignPost)).toEqual({ status: 403, error: 'forbidden', reason: 'csrf_origin' });
  });

  test('two Authorization values in a header object are a 400', async () => {
    expect(await rejection({ headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] } })).toEqual({ status: 400, error: 'invalid_request', reason: 'duplicate_authorization' });
  });
});

describe('a Node request', () => {
  function nodeRequest(rawHeaders: string[], headers: Record<string, string>): IncomingMessage {
    const request = new IncomingMessage(new Socket());
    request.rawHeaders = rawHeaders;
    Object.assign(request.headers, headers);
    return request;
  }

  test('with empty rawHeaders (serverless-http) its headers are read', async () => {
    expect((await verifier.authenticate(nodeRequest([], { authorization: `Bearer ${token}` })))?.subject).toBe('user_01SHAPES');
  });

  test('with rawHeaders, they are what counts (two lines are a 400 even where headers folded them)', async () => {
    const request = nodeRequest(['Authorization', `Bearer ${token}`, 'authorization', `Bearer ${token}`], { authorization: `Bearer ${token}` });
    expect(await rejection(request)).toEqual({ status: 400, error: 'invalid_request', reason: 'duplicate_authorization' });
  });
});

describe('anything else is a TypeError at the call', () => {
  test.each([
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a string', `Bearer ${'x'.repeat(20)}`, 'string'],
    ['an object without headers', { authorization: 'Bearer x' }, 'an object with no headers'],
    ['an array', [], 'an array'],
  ])('%s', (_name, value, what) => {
    const call = () => verifier.authenticate(value as never);
    expect(call).toThrow(TypeError);
    expect(call).toThrow(`sessionguard needs a Node request, a Fetch Request or an object with headers; it got ${what}.`);
    // Never the value itself: it may be a token.
    expect(call).not.toThrow(/Bearer/);
  });

  test('extract() says the same', () => {
    expect(() => verifier.extract({} as never)).toThrow(TypeError);
  });
});
