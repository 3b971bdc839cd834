/** The verified-token cache never lets a token through that would fail now; tested on the framework-free verifier. */
import { createVerifier, type SessionEvent, type SessionGuardOptions, type SessionPrincipal, type SessionVerifier } from '../../src';
import { manualClock, useIssuers } from '../support/issuers';
import { authenticate, expectRejection, statusOf } from './support';
import { collectingLogger } from '../support/logger';

const issuers = useIssuers({ workos: { kind: 'workos' }, other: { kind: 'oidc', issuer: 'https://idp.other.test', name: 'other' } });

/** A verifier recording whether each request hit the verified-token cache. */
function verifierWithCacheEvents(options: Partial<SessionGuardOptions> = {}, providerOverrides: Record<string, unknown> = {}) {
  const hits: boolean[] = [];
  const verifier = createVerifier({
    providers: [issuers.workos.provider(providerOverrides), issuers.other.provider()],
    logger: collectingLogger(),
    onEvent: (event: SessionEvent) => {
      if (event.type === 'token_cache') hits.push(event.hit);
    },
    ...options,
  });
  return { verifier, hits };
}

const get = authenticate;

/** The provider that verified a token (throws if it was refused). */
async function providerOf(verifier: SessionVerifier, token: string): Promise<string> {
  return ((await get(verifier, token)) as SessionPrincipal).provider;
}

test('a repeated token is served from the cache', async () => {
  const { verifier, hits } = verifierWithCacheEvents();
  const token = await issuers.workos.sessionToken();
  expect(statusOf(await get(verifier, token))).toBe(200);
  expect(statusOf(await get(verifier, token))).toBe(200);
  expect(hits).toEqual([false, true]);
});

test('an expired token that is in the cache is refused', async () => {
  const clock = manualClock();
  const { verifier, hits } = verifierWithCacheEvents({ clock: clock.now }, { clockToleranceSeconds: 0 });
  const token = await issuers.workos.sign({ iss: issuers.workos.issuer, sub: 'user_01A', sid: 's', auth_time: clock.seconds(), iat: clock.seconds(), exp: clock.seconds() + 60 });
  expect(statusOf(await get(verifier, token))).toBe(200);
  clock.advance(60);
  expectRejection(await get(verifier, token), 401, 'token_expired');
  // The refusal came from the cached entry: the time check runs on every hit.
  expect(hits).toEqual([false, true]);
});

test('an expired token is refused whatever the cache holds (default tolerance)', async () => {
  const clock = manualClock();
  const { verifier } = verifierWithCacheEvents({ clock: clock.now });
  // exp from the manual clock, not from Date.now(): a second that ticks over before the signing would move exp past the check.
  const token = await issuers.workos.sign({ iss: issuers.workos.issuer, sub: 'user_01A', sid: 's', auth_time: clock.seconds(), iat: clock.seconds(), exp: clock.seconds() + 60 });
  expect(statusOf(await get(verifier, token))).toBe(200);
  clock.advance(65); // the default 5 s of tolerance used up to the second
  expectRejection(await get(verifier, token), 401, 'token_expired');
});

test('the cache is keyed on the whole token: the same payload with another signature is refused', async () => {
  const { verifier, hits } = verifierWithCacheEvents();
  const token = await issuers.workos.sessionToken();
  expect(statusOf(await get(verifier, token))).toBe(200);
  const [header, payload] = token.split('.');
  const impostor = await issuers.workos.createDetachedKey('RS256', issuers.workos.key.kid);
  const forged = await issuers.workos.sign(JSON.parse(Buffer.from(payload!, 'base64url').toString()), { key: impostor });
  expect(forged.split('.').slice(0, 2).join('.')).toBe(`${header}.${payload}`);
  expectRejection(await get(verifier, forged), 401, 'invalid_token', 'signature_invalid');
  expect(hits).toEqual([false, false]);
  // The genuine token still verifies.
  expect(statusOf(await get(verifier, token))).toBe(200);
});

test('a signature with one character changed is refused after the genuine token was cached', async () => {
  const { verifier } = verifierWithCacheEvents();
  const token = await issuers.workos.sessionToken();
  expect(statusOf(await get(verifier, token))).toBe(200);
  const at = token.lastIndexOf('.') + 10;
  const tampered = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
  expectRejection(await get(verifier, tampered), 401, 'invalid_token', 'signature_invalid');
});

test('tokenCache: false verifies every request', async () => {
  const { verifier, hits } = verifierWithCacheEvents({ tokenCache: false });
  const token = await issuers.workos.sessionToken();
  expect(statusOf(await get(verifier, token))).toBe(200);
  expect(statusOf(await get(verifier, token))).toBe(200);
  expect(hits).toEqual([]);
});

test('tokenCache.maxTtlSeconds bounds how long an entry is reused', async () => {
  const clock = manualClock();
  const { verifier, hits } = verifierWithCacheEvents({ clock: clock.now, tokenCache: { maxTtlSeconds: 10 } });
  const token = await issuers.workos.sessionToken({ expiresIn: 3600 });
  expect(statusOf(await get(verifier, token))).toBe(200);
  clock.advance(5);
  expect(statusOf(await get(verifier, token))).toBe(200);
  clock.advance(6);
  expect(statusOf(await get(verifier, token))).toBe(200);
  expect(hits).toEqual([false, true, false]);
});

test('tokenCache.max bounds the entries', async () => {
  const { verifier, hits } = verifierWithCacheEvents({ tokenCache: { max: 2 } });
  const tokens = await Promise.all([1, 2, 3].map((i) => issuers.workos.sessionToken({ sub: `user_01M${i}` })));
  for (const token of tokens) expect(statusOf(await get(verifier, token))).toBe(200);
  expect(statusOf(await get(verifier, tokens[0]!))).toBe(200);
  expect(hits).toEqual([false, false, false, false]);
});

test('revocation is re-checked on a cache hit', async () => {
  const revoked = new Set<string>();
  const { verifier, hits } = verifierWithCacheEvents({ isRevoked: ({ sessionId }) => sessionId !== null && revoked.has(sessionId) });
  const token = await issuers.workos.sessionToken({ sid: 'session_CACHED' });
  expect(statusOf(await get(verifier, token))).toBe(200);
  revoked.add('session_CACHED');
  verifier.invalidate({ revocations: true });
  expectRejection(await get(verifier, token), 401, 'session_revoked', 'session_revoked');
  expect(hits).toEqual([false, true]);
});

test('a revocation lookup that throws is a 503, even for a cached token', async () => {
  let down = false;
  const { verifier } = verifierWithCacheEvents({
    statusCacheTtlSeconds: 0,
    isRevoked: () => {
      if (down) throw new Error('revocation store down');
      return false;
    },
  });
  const token = await issuers.workos.sessionToken();
  expect(statusOf(await get(verifier, token))).toBe(200);
  down = true;
  expectRejection(await get(verifier, token), 503, 'service_unavailable', 'status_unavailable');
});

test.each<[string, unknown]>([
  ['a string', 'true'],
  ['a number', 1],
  ['undefined', undefined],
])('a revocation answer that is %s, not a boolean, is a 503, never a pass', async (_title, answer) => {
  const { verifier } = verifierWithCacheEvents({ isRevoked: () => answer as boolean });
  expectRejection(await get(verifier, await issuers.workos.sessionToken()), 503, 'service_unavailable', 'status_unavailable');
});

test('a token id (jti) revoked without a session is a 401 session_revoked, reason token_revoked', async () => {
  const { verifier } = verifierWithCacheEvents({ isRevoked: ({ tokenId }) => tokenId === 'jti_REVOKED' });
  const token = await issuers.other.sessionToken({ claims: { sid: undefined, jti: 'jti_REVOKED' } });
  expectRejection(await get(verifier, token), 401, 'session_revoked', 'token_revoked');
});

test('two providers never share an entry: a token is only ever verified by its issuer', async () => {
  const { verifier } = verifierWithCacheEvents();
  const a = await issuers.workos.sessionToken({ sub: 'user_01X' });
  const b = await issuers.other.sessionToken({ sub: 'user_01X' });
  expect(await providerOf(verifier, a)).toBe('workos');
  expect(await providerOf(verifier, b)).toBe('other');
  expect(await providerOf(verifier, a)).toBe('workos');
});
