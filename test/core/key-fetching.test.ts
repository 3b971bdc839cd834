/** CONTRACT.md section 6 basics: zero fetches for unknown issuers, single flight, rotation and cooldown, outages; on the framework-free verifier. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier, type SessionGuardOptions, type SessionPrincipal, type SessionVerifier } from '../../src';
import { closeIssuers, createTestIssuer, manualClock, type TestIssuer } from '../support/issuers';
import { authenticate, expectRejection, statusOf } from './support';
import { collectingLogger } from '../support/logger';

const opened: TestIssuer[] = [];
afterAll(() => closeIssuers(Object.fromEntries(opened.map((issuer, i) => [String(i), issuer]))));

/** A fresh issuer per test, so its jwksRequests counts only that test's fetches (ES256: fast key generation). */
async function freshIssuer(): Promise<TestIssuer> {
  const issuer = await createTestIssuer({ kind: 'workos', alg: 'ES256' });
  opened.push(issuer);
  return issuer;
}

/** A verifier for the given options; what it logs (a key host down) is kept by a collecting logger. */
function verifierWith(options: SessionGuardOptions): SessionVerifier {
  return createVerifier({ logger: collectingLogger(), ...options });
}

function verifierFor(issuer: TestIssuer, options: Partial<SessionGuardOptions> = {}): SessionVerifier {
  return verifierWith({ providers: [issuer.provider()], ...options });
}

const get = authenticate;

test('a token from an unknown issuer makes zero key fetches', async () => {
  const issuer = await freshIssuer();
  const verifier = verifierFor(issuer);
  const token = await issuer.sessionToken({ claims: { iss: 'https://attacker.example' } });
  for (let i = 0; i < 3; i++) expectRejection(await get(verifier, token), 401, 'invalid_token', 'issuer_unknown');
  expect(issuer.jwksRequests).toBe(0);
});

test('issuer routing is an exact string compare: a trailing slash or another case is unknown, with no fetch', async () => {
  const issuer = await freshIssuer();
  const verifier = verifierFor(issuer);
  for (const iss of [`${issuer.issuer}/`, issuer.issuer.toUpperCase(), ` ${issuer.issuer}`]) {
    expectRejection(await get(verifier, await issuer.sessionToken({ claims: { iss } })), 401, 'invalid_token', 'issuer_unknown');
  }
  expect(issuer.jwksRequests).toBe(0);
});

test('malformed tokens and refused algorithms make zero key fetches', async () => {
  const issuer = await freshIssuer();
  const verifier = verifierFor(issuer);
  expectRejection(await get(verifier, 'a.b'), 401, 'invalid_token', 'token_malformed');
  const ed = await issuer.createDetachedKey('EdDSA');
  expectRejection(await get(verifier, await issuer.sessionToken({}, { key: ed })), 401, 'invalid_token', 'alg_not_allowed');
  expect(issuer.jwksRequests).toBe(0);
});

test('50 concurrent cold requests make exactly one key fetch', async () => {
  const issuer = await freshIssuer();
  const verifier = verifierFor(issuer);
  const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => issuer.sessionToken({ sub: `user_01C${i}` })));
  const outcomes = await Promise.all(tokens.map((token) => get(verifier, token)));
  expect(outcomes.map(statusOf)).toEqual(tokens.map(() => 200));
  expect(new Set(outcomes.map((outcome) => (outcome as SessionPrincipal).subject)).size).toBe(50);
  expect(issuer.jwksRequests).toBe(1);
});

test('warm() fetches ahead of traffic; requests then make no fetch', async () => {
  const issuer = await freshIssuer();
  const verifier = verifierFor(issuer);
  expect(verifier.ready).toBe(false);
  await expect(verifier.warm()).resolves.toBe(true);
  expect(verifier.ready).toBe(true);
  expect(statusOf(await get(verifier, await issuer.sessionToken()))).toBe(200);
  expect(issuer.jwksRequests).toBe(1);
});

describe('keys named in the token header are never trusted', () => {
  test.each(['jku', 'x5u'])('a %s pointing at an attacker key set is never fetched', async (member) => {
    const victim = await freshIssuer();
    const attacker = await freshIssuer();
    const verifier = verifierFor(victim);
    const token = await attacker.sessionToken({ claims: { iss: victim.issuer } }, { header: { [member]: attacker.jwksUrl } });
    expectRejection(await get(verifier, token), 401, 'invalid_token', 'kid_unknown');
    expect(attacker.jwksRequests).toBe(0);
  });

  test('an embedded jwk is ignored, also under the real kid', async () => {
    const victim = await freshIssuer();
    const verifier = verifierFor(victim);
    const forger = await victim.createDetachedKey('ES256', victim.key.kid);
    const token = await victim.sessionToken({}, { key: forger, header: { jwk: forger.publicJwk } });
    expectRejection(await get(verifier, token), 401, 'invalid_token', 'signature_invalid');
  });

  test('an x5c chain is ignored', async () => {
    const victim = await freshIssuer();
    const verifier = verifierFor(victim);
    const forger = await victim.createDetachedKey('ES256', victim.key.kid);
    const token = await victim.sessionToken({}, { key: forger, header: { x5c: ['MIIBfake'] } });
    expectRejection(await get(verifier, token), 401, 'invalid_token', 'signature_invalid');
  });
});

describe('rotation and the unknown-kid cooldown', () => {
  test('a rotated key is picked up at once, a second after the first fetch; the next unknown kid waits for the cooldown (default 30 s)', async () => {
    const issuer = await freshIssuer();
    const clock = manualClock();
    const verifier = verifierFor(issuer, { clock: clock.now });
    const oldToken = await issuer.sessionToken({ expiresIn: 3600 });
    expect(statusOf(await get(verifier, oldToken))).toBe(200);
    expect(issuer.jwksRequests).toBe(1);

    await issuer.rotate();
    const newToken = await issuer.sessionToken({ expiresIn: 3600 });
    clock.advance(1);
    expect(statusOf(await get(verifier, newToken))).toBe(200);
    expect(issuer.jwksRequests).toBe(2);

    // The old key is no longer published: its token, though cached as verified, stops verifying (no refetch within the cooldown).
    expectRejection(await get(verifier, oldToken), 401, 'invalid_token', 'kid_unknown');
    expect(issuer.jwksRequests).toBe(2);

    await issuer.rotate();
    const newerToken = await issuer.sessionToken({ expiresIn: 3600 });
    clock.advance(28);
    for (let i = 0; i < 5; i++) expectRejection(await get(verifier, newerToken), 401, 'invalid_token', 'kid_unknown');
    expect(issuer.jwksRequests).toBe(2);
    clock.advance(2); // 30 s after the refetch the first rotation caused
    expect(statusOf(await get(verifier, newerToken))).toBe(200);
    expect(issuer.jwksRequests).toBe(3);
  });

  test('keySets.cooldownMs sets the period', async () => {
    const issuer = await freshIssuer();
    const clock = manualClock();
    const verifier = verifierFor(issuer, { clock: clock.now, keySets: { cooldownMs: 2000 } });
    expect(statusOf(await get(verifier, await issuer.sessionToken()))).toBe(200);
    await issuer.rotate({ keepOld: true });
    expect(statusOf(await get(verifier, await issuer.sessionToken()))).toBe(200);
    expect(issuer.jwksRequests).toBe(2);
    await issuer.rotate({ keepOld: true });
    const newToken = await issuer.sessionToken();
    clock.advance(1);
    expectRejection(await get(verifier, newToken), 401, 'invalid_token', 'kid_unknown');
    expect(issuer.jwksRequests).toBe(2);
    clock.advance(1);
    expect(statusOf(await get(verifier, newToken))).toBe(200);
    expect(issuer.jwksRequests).toBe(3);
  });

  test('a flood of unknown kids refetches at most once per cooldown', async () => {
    const issuer = await freshIssuer();
    const clock = manualClock();
    const verifier = verifierFor(issuer, { clock: clock.now });
    expect(statusOf(await get(verifier, await issuer.sessionToken()))).toBe(200);
    clock.advance(31);
    const stranger = await issuer.createDetachedKey();
    const strangers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => issuer.sessionToken({}, { key: stranger, header: { kid: `unknown_${i}` } })),
    );
    const outcomes = await Promise.all(strangers.map((token) => get(verifier, token)));
    for (const outcome of outcomes) expectRejection(outcome, 401, 'invalid_token', 'kid_unknown');
    expect(issuer.jwksRequests).toBe(2);
  });
});

describe('outages', () => {
  test('a key set that cannot be fetched is a 503 jwks_unavailable, and the failure is not cached as success', async () => {
    const issuer = await freshIssuer();
    const clock = manualClock();
    const verifier = verifierFor(issuer, { clock: clock.now });
    const token = await issuer.sessionToken({ expiresIn: 3600 });
    issuer.jwksOverride = { status: 503, body: 'maintenance', contentType: 'text/plain' };
    const down = await get(verifier, token);
    const rejection = expectRejection(down, 503, 'service_unavailable', 'jwks_unavailable');
    expect(Number(rejection.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    // Within the backoff no request hammers the key host.
    expectRejection(await get(verifier, token), 503, 'service_unavailable', 'jwks_unavailable');
    expect(issuer.jwksRequests).toBe(1);

    issuer.jwksOverride = undefined;
    clock.advance(2);
    expect(statusOf(await get(verifier, token))).toBe(200);
    expect(issuer.jwksRequests).toBe(2);
  });

  test.each([
    ['not JSON', { status: 200, body: '<html>oops</html>', contentType: 'text/html' }],
    ['JSON without keys', { status: 200, body: '{"nope":[]}' }],
    ['only symmetric keys', { status: 200, body: '{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"k"}]}' }],
    ['a 302 status', { status: 302, body: '' }],
  ])('a key set answered as %s is a 503, never a 500', async (_title, override) => {
    const issuer = await freshIssuer();
    issuer.jwksOverride = override;
    const verifier = verifierFor(issuer);
    expectRejection(await get(verifier, await issuer.sessionToken()), 503, 'service_unavailable', 'jwks_unavailable');
  });

  test('a key set over 64 KiB is refused (503)', async () => {
    const issuer = await freshIssuer();
    issuer.jwksOverride = { status: 200, body: JSON.stringify({ ...issuer.jwks(), padding: 'x'.repeat(65 * 1024) }) };
    const verifier = verifierFor(issuer);
    expectRejection(await get(verifier, await issuer.sessionToken()), 503, 'service_unavailable', 'jwks_unavailable');
  });

  test('a key set with more than 100 keys is refused (503)', async () => {
    const issuer = await freshIssuer();
    const keys = Array.from({ length: 101 }, (_, i) => ({ ...issuer.key.publicJwk, kid: i === 0 ? issuer.key.kid : `k${i}` }));
    issuer.jwksOverride = { status: 200, body: JSON.stringify({ keys }) };
    const verifier = verifierFor(issuer);
    expectRejection(await get(verifier, await issuer.sessionToken()), 503, 'service_unavailable', 'jwks_unavailable');
  });

  test('a redirect is not followed, even to the real key set (503)', async () => {
    const issuer = await freshIssuer();
    const redirecting: Server = createServer((_req, res) => res.writeHead(302, { location: issuer.jwksUrl }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirecting.address() as AddressInfo;
      const verifier = verifierWith({ providers: [issuer.provider({ jwksUrl: `http://127.0.0.1:${port}/jwks` })] });
      expectRejection(await get(verifier, await issuer.sessionToken()), 503, 'service_unavailable', 'jwks_unavailable');
      expect(issuer.jwksRequests).toBe(0);
    } finally {
      redirecting.closeAllConnections();
      await new Promise((resolve) => redirecting.close(resolve));
    }
  });

  test('held keys keep verifying when a refresh fails (stale-if-error)', async () => {
    const issuer = await freshIssuer();
    const clock = manualClock();
    const verifier = verifierFor(issuer, { clock: clock.now, keySets: { maxAgeMs: 60_000, maxStaleMs: 600_000 }, tokenCache: false });
    expect(statusOf(await get(verifier, await issuer.sessionToken({ expiresIn: 3600 })))).toBe(200);
    issuer.jwksOverride = { status: 500, body: '{}' };
    clock.advance(120);
    // Past maxAge a refresh is attempted (and fails); the held keys still verify.
    expect(statusOf(await get(verifier, await issuer.sessionToken({ expiresIn: 3600, issuedAt: -1 })))).toBe(200);
    // Past maxAge + maxStale the held keys are no longer trusted.
    clock.advance(600);
    const outcome = await get(verifier, await issuer.sessionToken({ expiresIn: 3600, issuedAt: -1 }));
    expectRejection(outcome, 503, 'service_unavailable', 'jwks_unavailable');
  });

  test('during an outage an unknown kid is a 503 (it may be a rotation we cannot see), known kids still verify', async () => {
    const issuer = await freshIssuer();
    const clock = manualClock();
    const verifier = verifierFor(issuer, { clock: clock.now });
    const known = await issuer.sessionToken({ expiresIn: 3600 });
    expect(statusOf(await get(verifier, known))).toBe(200);
    issuer.jwksOverride = { status: 500, body: '{}' };
    clock.advance(31);
    const stranger = await issuer.sessionToken({ expiresIn: 3600 }, { key: await issuer.createDetachedKey() });
    expectRejection(await get(verifier, stranger), 503, 'service_unavailable', 'jwks_unavailable');
    expect(statusOf(await get(verifier, await issuer.sessionToken({ expiresIn: 3600 })))).toBe(200);
  });

  test('warm() reports false while the key host is down, and ready stays false', async () => {
    const issuer = await freshIssuer();
    issuer.jwksOverride = { status: 500, body: '{}' };
    const verifier = verifierFor(issuer);
    await expect(verifier.warm()).resolves.toBe(false);
    expect(verifier.ready).toBe(false);
  });

  test('a key host that never answers is cut off by the fetch timeout (503)', async () => {
    const hanging: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const issuer = await freshIssuer();
      const { port } = hanging.address() as AddressInfo;
      const verifier = verifierWith({
        providers: [issuer.provider({ jwksUrl: `http://127.0.0.1:${port}/jwks` })],
        keySets: { fetchTimeoutMs: 200 },
      });
      expectRejection(await get(verifier, await issuer.sessionToken()), 503, 'service_unavailable', 'jwks_unavailable');
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
