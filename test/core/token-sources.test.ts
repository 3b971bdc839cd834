/** CONTRACT.md section 1: where the token comes from, precedence, and the 400 cases; on the framework-free verifier. */
import { createVerifier, type SessionPrincipal, type SessionVerifier } from '../../src';
import { useIssuers } from '../support/issuers';
import { authenticateRequest, expectRejection, statusOf } from './support';
import { collectingLogger } from '../support/logger';

const issuers = useIssuers({ workos: { kind: 'workos' } });
let verifier: SessionVerifier;
let alice: string;
let bob: string;

beforeAll(async () => {
  verifier = createVerifier({ providers: [issuers.workos.provider()], logger: collectingLogger() });
  alice = await issuers.workos.sessionToken({ sub: 'user_01ALICE' });
  bob = await issuers.workos.sessionToken({ sub: 'user_01BOB' });
});

/** A GET with the given headers, as an adapter hands it to the verifier. */
function get(headers: Record<string, string>, on: SessionVerifier = verifier) {
  return authenticateRequest(on, { method: 'GET', headers });
}

const subjectOf = (outcome: unknown): string => (outcome as SessionPrincipal).subject;

describe('Authorization header', () => {
  test.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('scheme %s is accepted (case-insensitive)', async (scheme) => {
    const outcome = await get({ authorization: `${scheme} ${alice}` });
    expect(statusOf(outcome)).toBe(200);
    expect(subjectOf(outcome)).toBe('user_01ALICE');
  });

  test('spaces around and inside the header value are trimmed', async () => {
    const outcome = await get({ authorization: `   Bearer    ${alice}   ` });
    expect(statusOf(outcome)).toBe(200);
    expect(subjectOf(outcome)).toBe('user_01ALICE');
  });

  test('another scheme alone counts as no token', async () => {
    expectRejection(await get({ authorization: 'Basic dXNlcjpwYXNz' }), 401, 'missing_token');
  });

  test('another scheme with a session cookie: the cookie is used', async () => {
    const outcome = await get({ authorization: 'Basic dXNlcjpwYXNz', cookie: `__session=${bob}` });
    expect(statusOf(outcome)).toBe(200);
    expect(subjectOf(outcome)).toBe('user_01BOB');
  });

  test('"Bearer" with only spaces after it is a 400 empty_bearer', async () => {
    expectRejection(await get({ authorization: 'Bearer' }), 400, 'invalid_request', 'empty_bearer');
  });

  test('two credentials in one header are a 400', async () => {
    expectRejection(await get({ authorization: `Bearer ${alice}, Bearer ${bob}` }), 400, 'invalid_request', 'duplicate_authorization');
  });
});

describe('session cookie', () => {
  test('is read among other cookies', async () => {
    const outcome = await get({ cookie: `theme=dark; __session=${alice}; lang=en` });
    expect(statusOf(outcome)).toBe(200);
    expect(subjectOf(outcome)).toBe('user_01ALICE');
  });

  test('the same session cookie twice is not ambiguous', async () => {
    expect(statusOf(await get({ cookie: `__session=${alice}; __session=${alice}` }))).toBe(200);
  });

  test('two different session cookies are a 400', async () => {
    expectRejection(await get({ cookie: `__session=${alice}; __session=${bob}` }), 400, 'invalid_request', 'duplicate_cookie');
  });

  test('a quoted cookie value is unquoted', async () => {
    const outcome = await get({ cookie: `__session="${alice}"` });
    expect(statusOf(outcome)).toBe(200);
    expect(subjectOf(outcome)).toBe('user_01ALICE');
  });

  test('an empty session cookie counts as no token', async () => {
    expectRejection(await get({ cookie: '__session=' }), 401, 'missing_token');
  });

  test('a cookie whose name only contains the session cookie name is not it', async () => {
    expectRejection(await get({ cookie: `x__session=${alice}; __session_other=${alice}` }), 401, 'missing_token');
  });

  test('a custom cookieName is read, and __session is then ignored', async () => {
    const custom = createVerifier({ providers: [issuers.workos.provider()], cookieName: 'sg_token', logger: collectingLogger() });
    const ok = await get({ cookie: `sg_token=${alice}` }, custom);
    expect(statusOf(ok)).toBe(200);
    expect(subjectOf(ok)).toBe('user_01ALICE');
    expectRejection(await get({ cookie: `__session=${alice}` }, custom), 401, 'missing_token');
  });
});

describe('precedence', () => {
  test('the header wins over the cookie', async () => {
    const outcome = await get({ authorization: `Bearer ${alice}`, cookie: `__session=${bob}` });
    expect(statusOf(outcome)).toBe(200);
    expect(subjectOf(outcome)).toBe('user_01ALICE');
  });

  test('an invalid header token never falls back to a valid cookie', async () => {
    expectRejection(await get({ authorization: 'Bearer not.a.token', cookie: `__session=${bob}` }), 401, 'invalid_token', 'token_malformed');
  });

  test('an expired header token never falls back to a valid cookie', async () => {
    const expired = await issuers.workos.sessionToken({ sub: 'user_01ALICE', expiresIn: -60 });
    expectRejection(await get({ authorization: `Bearer ${expired}`, cookie: `__session=${bob}` }), 401, 'token_expired');
  });

  test('an empty Bearer header does not fall back to the cookie', async () => {
    expectRejection(await get({ authorization: 'Bearer ', cookie: `__session=${bob}` }), 400, 'invalid_request', 'empty_bearer');
  });
});
