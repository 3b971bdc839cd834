/**
 * authenticateNow(), what the adapters call: synchronous when the caches hold every
 * answer a request needs (the token, or the key to verify it with), a promise otherwise, with
 * the same verdicts either way. Whether the token cache answered is told by its events.
 */
import { createVerifier, isSessionError, SessionError, type SessionEvent, type SessionPrincipal } from '../../src';
import type { RequestLike } from '../../src/core/request/credentials';
import { createTestIssuer, type TestIssuer } from '../support/issuers';

let workos: TestIssuer;
let clerk: TestIssuer;
beforeAll(async () => {
  [workos, clerk] = await Promise.all([createTestIssuer({ kind: 'workos' }), createTestIssuer({ kind: 'clerk' })]);
});
afterAll(() => Promise.all([workos.close(), clerk.close()]));

/** A request as Node parses it: rawHeaders as sent; `headers` must never be read (Node builds it lazily, at a cost). */
function nodeRequest(method: string, ...rawHeaders: string[]): RequestLike {
  return {
    method,
    rawHeaders,
    get headers(): never {
      throw new Error('request.headers was read');
    },
  };
}

function bearerRequest(token: string): RequestLike {
  return nodeRequest('GET', 'Host', 'api.test', 'Authorization', `Bearer ${token}`);
}

/** The outcome of a call that may answer synchronously, as a promise (a synchronous throw is a rejection). */
function settled(run: () => unknown): Promise<unknown> {
  return new Promise((resolve) => resolve(run()));
}

/** onEvent for a verifier, and how many token_cache misses it has reported: a miss is a verification in full. */
function countingMisses(): { onEvent: (event: SessionEvent) => void; misses: () => number } {
  let misses = 0;
  return {
    onEvent: (event) => {
      if (event.type === 'token_cache' && !event.hit) misses++;
    },
    misses: () => misses,
  };
}

/** The synchronous rejection, asserted to be a SessionError. */
function thrownNow(run: () => unknown): SessionError {
  try {
    run();
  } catch (error) {
    expect(isSessionError(error)).toBe(true);
    return error as SessionError;
  }
  throw new Error('expected a synchronous SessionError');
}

test('a token seen for the first time is a promise; the same token again is answered synchronously', async () => {
  const verifier = createVerifier({ providers: [workos.provider()] });
  const token = await workos.sessionToken({ sub: 'user_01HOT' });
  const first = verifier.authenticateNow(bearerRequest(token));
  expect(first).toBeInstanceOf(Promise);
  expect((await first)?.subject).toBe('user_01HOT');
  const again = verifier.authenticateNow(bearerRequest(token));
  expect(again).not.toBeInstanceOf(Promise);
  expect((again as SessionPrincipal).subject).toBe('user_01HOT');
  await expect((again as SessionPrincipal).getToken()).resolves.toBe(token);
});

test('a token not in the cache is verified without a promise once its key is fetched and imported', async () => {
  const { onEvent, misses } = countingMisses();
  const verifier = createVerifier({ providers: [workos.provider()], onEvent });
  const [first, second] = await Promise.all([workos.sessionToken({ sub: 'user_01FIRST' }), workos.sessionToken({ sub: 'user_01SECOND' })]);
  const waiting = verifier.authenticateNow(bearerRequest(first));
  expect(waiting).toBeInstanceOf(Promise); // the key set is fetched first
  await waiting;
  const now = verifier.authenticateNow(bearerRequest(second));
  expect(now).not.toBeInstanceOf(Promise);
  expect((now as SessionPrincipal).subject).toBe('user_01SECOND');
  expect(misses()).toBe(2);
  // A bad signature is refused the same way, synchronously.
  const forged = thrownNow(() => verifier.authenticateNow(bearerRequest(`${first.split('.').slice(0, 2).join('.')}.${second.split('.')[2]}`)));
  expect([forged.status, forged.error, forged.reason]).toEqual([401, 'invalid_token', 'signature_invalid']);
});

test('with the token cache off, every request is verified in full, without a promise once the key is in hand', async () => {
  const verifier = createVerifier({ providers: [workos.provider()], tokenCache: false });
  const token = await workos.sessionToken({ sub: 'user_01ABC' });
  await verifier.authenticateNow(bearerRequest(token));
  const again = verifier.authenticateNow(bearerRequest(token));
  expect(again).not.toBeInstanceOf(Promise);
  expect(again).not.toBe(await verifier.authenticateNow(bearerRequest(token)));
  expect((again as SessionPrincipal).subject).toBe('user_01ABC');
  // Full verification every time: the token's signature is checked again, not remembered.
  const at = token.length - 10; // inside the signature, away from its canonical last character
  const tampered = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
  const error = thrownNow(() => verifier.authenticateNow(bearerRequest(tampered)));
  expect([error.status, error.error, error.reason]).toEqual([401, 'invalid_token', 'signature_invalid']);
});

test('no token: optional mode answers undefined at once; otherwise a synchronous 401 missing_token', () => {
  const verifier = createVerifier({ providers: [workos.provider()] });
  expect(verifier.authenticateNow(nodeRequest('GET', 'Host', 'api.test'), true)).toBeUndefined();
  const error = thrownNow(() => verifier.authenticateNow(nodeRequest('GET', 'Host', 'api.test')));
  expect([error.status, error.error, error.reason]).toEqual([401, 'missing_token', undefined]);
});

test('a cached token is not answered from the cache after its exp: 401 token_expired', async () => {
  // The verifier's clock starts at the next whole second: the token's iat (the real second it is minted in)
  // is then never in the verifier's future, which with no tolerance would be iat_in_future.
  let now = (Math.floor(Date.now() / 1000) + 1) * 1000;
  const { onEvent, misses } = countingMisses();
  const verifier = createVerifier({ providers: [workos.provider({ clockToleranceSeconds: 0 })], clock: () => now, onEvent });
  const token = await workos.sessionToken({ expiresIn: 60 });
  await verifier.authenticateNow(bearerRequest(token));
  expect(verifier.authenticateNow(bearerRequest(token))).not.toBeInstanceOf(Promise);
  expect(misses()).toBe(1);
  now += 61_000;
  // The cache entry lived no longer than exp: the token goes the full way again, and is refused.
  await expect(settled(() => verifier.authenticateNow(bearerRequest(token)))).rejects.toMatchObject({ status: 401, error: 'token_expired', reason: undefined });
  expect(misses()).toBe(2);
});

describe('a keep-alive connection that sends its token again', () => {
  /** Requests on one connection: Node gives each the same `socket` object. */
  const onConnection = (connection: object, token: string): RequestLike => Object.assign(bearerRequest(token), { socket: connection });
  /** `token`'s header and payload with another token's signature. */
  const withSignatureOf = (token: string, other: string) => `${token.split('.').slice(0, 2).join('.')}.${other.split('.')[2]}`;

  test('gets its own principal back, and any other token on it is verified on its own', async () => {
    const verifier = createVerifier({ providers: [workos.provider()] });
    const connection = {};
    const [alice, bob] = await Promise.all([workos.sessionToken({ sub: 'user_01ALICE' }), workos.sessionToken({ sub: 'user_01BOB' })]);
    await verifier.authenticateNow(onConnection(connection, alice));
    expect((verifier.authenticateNow(onConnection(connection, alice)) as SessionPrincipal).subject).toBe('user_01ALICE');
    // Bob's claims under Alice's signature, on the connection that last sent Alice's token.
    const forged = settled(() => verifier.authenticateNow(onConnection(connection, withSignatureOf(bob, alice))));
    await expect(forged).rejects.toMatchObject({ status: 401, error: 'invalid_token', reason: 'signature_invalid' });
    expect((verifier.authenticateNow(onConnection(connection, alice)) as SessionPrincipal).subject).toBe('user_01ALICE');
    await verifier.authenticateNow(onConnection(connection, bob));
    expect((verifier.authenticateNow(onConnection(connection, bob)) as SessionPrincipal).subject).toBe('user_01BOB');
    // Another connection with Alice's token gets Alice, whatever this one sent last.
    expect((verifier.authenticateNow(onConnection({}, alice)) as SessionPrincipal).subject).toBe('user_01ALICE');
  });

  test('is refused once the token expired: the memo only names a cache entry, which is gone', async () => {
    // Starts at the next whole second, so the token's iat is never in the verifier's future (no tolerance here).
    let now = (Math.floor(Date.now() / 1000) + 1) * 1000;
    const verifier = createVerifier({ providers: [workos.provider({ clockToleranceSeconds: 0 })], clock: () => now });
    const connection = {};
    const token = await workos.sessionToken({ expiresIn: 60 });
    await verifier.authenticateNow(onConnection(connection, token));
    expect(verifier.authenticateNow(onConnection(connection, token))).not.toBeInstanceOf(Promise);
    now += 61_000;
    await expect(settled(() => verifier.authenticateNow(onConnection(connection, token)))).rejects.toMatchObject({ status: 401, error: 'token_expired', reason: undefined });
  });

  test('is verified again once its cache entry is evicted by another token (tokenCache.max)', async () => {
    const { onEvent, misses } = countingMisses();
    const verifier = createVerifier({ providers: [workos.provider()], tokenCache: { max: 1 }, onEvent });
    const [first, second] = [{}, {}];
    const [alice, bob] = await Promise.all([workos.sessionToken({ sub: 'user_01ALICE' }), workos.sessionToken({ sub: 'user_01BOB' })]);
    await verifier.authenticateNow(onConnection(first, alice));
    verifier.authenticateNow(onConnection(first, alice));
    expect(misses()).toBe(1);
    await verifier.authenticateNow(onConnection(second, bob)); // the one entry is Bob's now
    expect(misses()).toBe(2);
    await expect(settled(() => verifier.authenticateNow(onConnection(first, alice)))).resolves.toMatchObject({ subject: 'user_01ALICE' });
    expect(misses()).toBe(3);
  });

  test('is verified again after tokenCache.maxTtlSeconds, as a token from a new connection would be', async () => {
    let now = Date.now();
    const { onEvent, misses } = countingMisses();
    const verifier = createVerifier({ providers: [workos.provider()], tokenCache: { maxTtlSeconds: 60 }, clock: () => now, onEvent });
    const connection = {};
    const token = await workos.sessionToken({ expiresIn: 3600 });
    await verifier.authenticateNow(onConnection(connection, token));
    now += 60_000;
    expect(verifier.authenticateNow(onConnection(connection, token))).not.toBeInstanceOf(Promise);
    expect(misses()).toBe(1);
    now += 1;
    await expect(settled(() => verifier.authenticateNow(onConnection(connection, token)))).resolves.toMatchObject({ workosUserId: expect.any(String) });
    expect(misses()).toBe(2);
  });

  test('leaves the connection as it was to anyone looking: no enumerable property, nothing in its JSON', async () => {
    const verifier = createVerifier({ providers: [workos.provider()] });
    const connection = { id: 7 };
    const token = await workos.sessionToken();
    await verifier.authenticateNow(onConnection(connection, token));
    expect(verifier.authenticateNow(onConnection(connection, token))).not.toBeInstanceOf(Promise);
    expect(Object.keys(connection)).toEqual(['id']);
    expect(JSON.stringify(connection)).toBe('{"id":7}');
  });

  test('that cannot take a memo (frozen) is still answered, from the token cache', async () => {
    const verifier = createVerifier({ providers: [workos.provider()] });
    const connection = Object.freeze({});
    const token = await workos.sessionToken({ sub: 'user_01FROZEN' });
    await expect(verifier.authenticateNow(onConnection(connection, token))).resolves.toMatchObject({ subject: 'user_01FROZEN' });
    const again = verifier.authenticateNow(onConnection(connection, token));
    expect(again).not.toBeInstanceOf(Promise);
    expect((again as SessionPrincipal).subject).toBe('user_01FROZEN');
  });

  test('keeps one memo per verifier: two guards on one connection each answer for their own issuer', async () => {
    const forWorkos = createVerifier({ providers: [workos.provider()] });
    const forClerk = createVerifier({ providers: [clerk.provider()], resolveLegacyUser: () => 'user_01FROMCLERK' });
    const connection = {};
    const [workosToken, clerkToken] = await Promise.all([workos.sessionToken({ sub: 'user_01W' }), clerk.sessionToken({ sub: 'user_2CLERK' })]);
    await forWorkos.authenticateNow(onConnection(connection, workosToken));
    await forClerk.authenticateNow(onConnection(connection, clerkToken));
    expect((forWorkos.authenticateNow(onConnection(connection, workosToken)) as SessionPrincipal).subject).toBe('user_01W');
    expect((forClerk.authenticateNow(onConnection(connection, clerkToken)) as SessionPrincipal).clerkUserId).toBe('user_2CLERK');
    await expect(settled(() => forWorkos.authenticateNow(onConnection(connection, clerkToken)))).rejects.toMatchObject({ status: 401, error: 'invalid_token', reason: 'issuer_unknown' });
  });

  test('is refused once its signing key is withdrawn from the key set: 401 kid_unknown', async () => {
    const issuer = await createTestIssuer({ kind: 'workos' });
    try {
      const verifier = createVerifier({ providers: [issuer.provider()], keySets: { cooldownMs: 0 } });
      const connection = {};
      const old = await issuer.sessionToken({ expiresIn: 3600 });
      await verifier.authenticateNow(onConnection(connection, old));
      expect(verifier.authenticateNow(onConnection(connection, old))).not.toBeInstanceOf(Promise);
      await issuer.rotate();
      // A token under the new kid makes the verifier fetch the key set again, which no longer has the old key.
      await expect(verifier.authenticateNow(bearerRequest(await issuer.sessionToken()))).resolves.toBeDefined();
      await expect(settled(() => verifier.authenticateNow(onConnection(connection, old)))).rejects.toMatchObject({ status: 401, error: 'invalid_token', reason: 'kid_unknown' });
    } finally {
      await issuer.close();
    }
  });

  test('is refused once the session is revoked, as on any other connection', async () => {
    const revoked = new Set<string>();
    const verifier = createVerifier({ providers: [workos.provider()], isRevoked: ({ sessionId }) => sessionId !== null && revoked.has(sessionId) });
    const connection = {};
    const token = await workos.sessionToken({ sid: 'sess_01MEMO' });
    await verifier.authenticateNow(onConnection(connection, token));
    expect(verifier.authenticateNow(onConnection(connection, token))).not.toBeInstanceOf(Promise);
    revoked.add('sess_01MEMO');
    verifier.invalidate({ sessionId: 'sess_01MEMO' });
    await expect(verifier.authenticateNow(onConnection(connection, token))).rejects.toMatchObject({ status: 401, error: 'session_revoked', reason: 'session_revoked' });
  });
});

describe('with account status and revocation hooks', () => {
  const statuses: Record<string, { state: 'active' } | { state: 'banned'; reason: string }> = {};
  const revokedSessions = new Set<string>();
  let lookups = 0;
  const verifier = () =>
    createVerifier({
      providers: [workos.provider()],
      accountStatus: (subject) => {
        lookups++;
        return statuses[subject] ?? { state: 'active' };
      },
      isRevoked: ({ sessionId }) => sessionId !== null && revokedSessions.has(sessionId),
    });

  test('synchronous only once both answers are cached, and a promise again after an invalidation', async () => {
    const guard = verifier();
    const token = await workos.sessionToken({ sub: 'user_01CACHED' });
    const before = lookups;
    await guard.authenticateNow(bearerRequest(token));
    const cached = guard.authenticateNow(bearerRequest(token));
    expect(cached).not.toBeInstanceOf(Promise);
    expect(lookups).toBe(before + 1);
    guard.invalidate({ subject: 'user_01CACHED' });
    const refetched = guard.authenticateNow(bearerRequest(token));
    expect(refetched).toBeInstanceOf(Promise);
    expect((await refetched)?.subject).toBe('user_01CACHED');
    expect(lookups).toBe(before + 2);
  });

  test('a cached ban is a synchronous 403 account_banned with its reason', async () => {
    const guard = verifier();
    statuses.user_01BANNEDNOW = { state: 'banned', reason: 'fraud' };
    const token = await workos.sessionToken({ sub: 'user_01BANNEDNOW' });
    await expect(guard.authenticateNow(bearerRequest(token))).rejects.toMatchObject({ status: 403, error: 'account_banned', reason: 'fraud' });
    const error = thrownNow(() => guard.authenticateNow(bearerRequest(token)));
    expect([error.status, error.error, error.reason]).toEqual([403, 'account_banned', 'fraud']);
  });

  test('a cached revocation is a synchronous 401 session_revoked', async () => {
    const guard = verifier();
    revokedSessions.add('session_GONE');
    const token = await workos.sessionToken({ sub: 'user_01REVOKED', sid: 'session_GONE' });
    await expect(guard.authenticateNow(bearerRequest(token))).rejects.toMatchObject({ status: 401, error: 'session_revoked', reason: 'session_revoked' });
    const error = thrownNow(() => guard.authenticateNow(bearerRequest(token)));
    expect([error.status, error.error, error.reason]).toEqual([401, 'session_revoked', 'session_revoked']);
  });
});

test('revoked and banned, both cached: the revocation (401) wins, as on the asynchronous path', async () => {
  let revoked = false;
  const verifier = createVerifier({
    providers: [workos.provider()],
    accountStatus: () => ({ state: 'banned', reason: 'fraud' }),
    isRevoked: () => revoked,
  });
  const token = await workos.sessionToken({ sub: 'user_01BOTH' });
  // First: not revoked (cached), banned (cached).
  await expect(verifier.authenticateNow(bearerRequest(token))).rejects.toMatchObject({ status: 403, error: 'account_banned' });
  // Then the session is revoked: the revocation answers are dropped, the status answer stays.
  revoked = true;
  verifier.invalidate({ revocations: true });
  await expect(verifier.authenticateNow(bearerRequest(token))).rejects.toMatchObject({ status: 401, error: 'session_revoked' });
  // Now both answers are cached: the synchronous path must answer as the asynchronous one did.
  const error = thrownNow(() => verifier.authenticateNow(bearerRequest(token)));
  expect([error.status, error.error, error.reason]).toEqual([401, 'session_revoked', 'session_revoked']);
});

test('a synchronous rejection is reported once, with a token fingerprint and never the token', async () => {
  const events: Record<string, unknown>[] = [];
  const verifier = createVerifier({ providers: [workos.provider()], isRevoked: () => true, onEvent: (event) => void events.push({ ...event }) });
  const token = await workos.sessionToken();
  await expect(verifier.authenticateNow(bearerRequest(token))).rejects.toMatchObject({ status: 401, error: 'session_revoked' });
  events.length = 0;
  thrownNow(() => verifier.authenticateNow(bearerRequest(token)));
  const rejections = events.filter((event) => event.type === 'rejection');
  expect(rejections).toEqual([{ type: 'rejection', status: 401, error: 'session_revoked', reason: 'session_revoked', method: 'GET', tokenHash: expect.stringMatching(/^[\w-]{12}$/) }]);
  expect(JSON.stringify(events)).not.toContain(token.split('.')[2]);
});

describe('the request method is read only for the CSRF check of a cookie', () => {
  /** A request whose method must not be read. */
  function methodUnread(...rawHeaders: string[]): RequestLike {
    return {
      rawHeaders,
      headers: {},
      get method(): never {
        throw new Error('request.method was read');
      },
    };
  }

  test('a bearer token never reads it, first time or cached', async () => {
    const verifier = createVerifier({ providers: [workos.provider()] });
    const token = await workos.sessionToken({ sub: 'user_01NOMETHOD' });
    await expect(verifier.authenticateNow(methodUnread('Authorization', `Bearer ${token}`))).resolves.toMatchObject({ subject: 'user_01NOMETHOD' });
    expect((verifier.authenticateNow(methodUnread('Authorization', `Bearer ${token}`)) as SessionPrincipal).subject).toBe('user_01NOMETHOD');
  });

  test('extract() still answers every field as its own, the method upper-cased', async () => {
    const verifier = createVerifier({ providers: [workos.provider()] });
    const token = await workos.sessionToken();
    expect(verifier.extract(nodeRequest('post', 'Cookie', `__session=${token}`, 'Origin', 'https://app.test'))).toEqual({
      token,
      source: 'cookie',
      method: 'POST',
      origin: 'https://app.test',
      header: expect.any(Function),
      encrypted: false,
    });
  });

  test('credentials from extract() carry what verify() needs for the CSRF check: the request\'s own origin passes, another is a 403', async () => {
    const verifier = createVerifier({ providers: [workos.provider()] });
    const token = await workos.sessionToken();
    const from = (origin: string) => verifier.extract(nodeRequest('POST', 'Host', 'api.test', 'Cookie', `__session=${token}`, 'Origin', origin))!;
    await expect(verifier.verify(from('http://api.test'))).resolves.toMatchObject({ subject: 'user_01TESTWORKOS' });
    await expect(verifier.verify(from('https://evil.test'))).rejects.toMatchObject({ status: 403, error: 'forbidden', reason: 'csrf_origin' });
  });

  test('a cookie on a POST from an origin that is not authorized is a 403 csrf_origin, cached or not', async () => {
    const verifier = createVerifier({ providers: [clerk.provider({ authorizedParties: ['https://app.test'] })], resolveLegacyUser: () => 'user_01FROMCLERK' });
    const token = await clerk.sessionToken({ claims: { azp: 'https://app.test' } });
    const post = () => nodeRequest('POST', 'Cookie', `__session=${token}`, 'Origin', 'https://evil.test');
    await expect(verifier.authenticateNow(nodeRequest('GET', 'Cookie', `__session=${token}`))).resolves.toBeDefined();
    const error = thrownNow(() => verifier.authenticateNow(post()));
    expect([error.status, error.error, error.reason]).toEqual([403, 'forbidden', 'csrf_origin']);
    const lowerCase = thrownNow(() => verifier.authenticateNow(nodeRequest('post', 'Cookie', `__session=${token}`, 'Origin', 'https://evil.test')));
    expect([lowerCase.status, lowerCase.error, lowerCase.reason]).toEqual([403, 'forbidden', 'csrf_origin']);
  });
});

describe('headers are read from rawHeaders only', () => {
  test('two Authorization headers are a 400 duplicate_authorization', async () => {
    const verifier = createVerifier({ providers: [workos.provider()] });
    const token = await workos.sessionToken();
    const error = thrownNow(() => verifier.authenticateNow(nodeRequest('GET', 'authorization', `Bearer ${token}`, 'AUTHORIZATION', `Bearer ${token}`)));
    expect([error.status, error.error, error.reason]).toEqual([400, 'invalid_request', 'duplicate_authorization']);
  });

  test('the Bearer scheme is case-insensitive and may be followed by any whitespace (each on the full, uncached path)', async () => {
    const token = await workos.sessionToken({ sub: 'user_01SCHEME' });
    for (const value of [`bearer ${token}`, `bEaReR ${token}`, `Bearer\t${token}`, `  Bearer   ${token} `, `Bearer\u00a0${token}`]) {
      const { onEvent, misses } = countingMisses();
      const verifier = createVerifier({ providers: [workos.provider()], onEvent });
      await expect(settled(() => verifier.authenticateNow(nodeRequest('GET', 'Authorization', value)))).resolves.toMatchObject({ subject: 'user_01SCHEME' });
      expect(misses()).toBe(1);
    }
    const verifier = createVerifier({ providers: [workos.provider()] });
    const bare = thrownNow(() => verifier.authenticateNow(nodeRequest('GET', 'Authorization', 'Bearer')));
    expect([bare.status, bare.error, bare.reason]).toEqual([400, 'invalid_request', 'empty_bearer']);
    // "Bearerx" is another scheme: as if no Authorization header was sent.
    const other = thrownNow(() => verifier.authenticateNow(nodeRequest('GET', 'Authorization', `Bearerx ${token}`)));
    expect([other.status, other.error, other.reason]).toEqual([401, 'missing_token', undefined]);
  });

  describe('a cookie-carried POST and its Origin', () => {
    const parties = ['https://app.sessionguard.test'];
    const guard = () =>
      createVerifier({ providers: [clerk.provider({ authorizedParties: parties })], resolveLegacyUser: () => 'user_01FROMCLERK' });

    test('from a listed Origin, the session goes through, from the cache too (the token\'s listed azp does not let it in: only Origin does)', async () => {
      const verifier = guard();
      const token = await clerk.sessionToken({ sub: 'user_2COOKIE', claims: { azp: parties[0] } });
      const post = (origin?: string) =>
        // Without Origin, the browser's Sec-Fetch-Site says it came from another site.
        nodeRequest('POST', 'Cookie', `theme=dark; __session=${token}`, ...(origin === undefined ? ['Sec-Fetch-Site', 'cross-site'] : ['Origin', origin]));
      await expect(verifier.authenticateNow(post(parties[0]))).resolves.toMatchObject({ subject: 'user_01FROMCLERK', clerkUserId: 'user_2COOKIE' });
      expect(verifier.authenticateNow(post(parties[0]))).toMatchObject({ subject: 'user_01FROMCLERK' });
      const error = thrownNow(() => verifier.authenticateNow(post()));
      expect([error.status, error.error, error.reason]).toEqual([403, 'forbidden', 'csrf_origin']);
    });

    test('two Origin headers, both listed, are read as Node joins them ("a, a"), which no listed party equals: 403 csrf_origin', async () => {
      const verifier = guard();
      const token = await clerk.sessionToken({ sub: 'user_2COOKIE' });
      const request = nodeRequest('POST', 'Cookie', `__session=${token}`, 'Origin', parties[0]!, 'origin', parties[0]!);
      await expect(verifier.authenticateNow(request)).rejects.toMatchObject({ status: 403, error: 'forbidden', reason: 'csrf_origin' });
      // Cached now, and still refused, synchronously.
      const error = thrownNow(() => verifier.authenticateNow(request));
      expect([error.status, error.error, error.reason]).toEqual([403, 'forbidden', 'csrf_origin']);
    });
  });
});

test('a session revoked while its revocation lookup is under way is refused: the lookup is asked again', async () => {
  let revoked = false;
  let release: (() => void) | undefined;
  const verifier = createVerifier({
    providers: [workos.provider()],
    // The first lookup answers "not revoked", but only after the revocation happened.
    isRevoked: async () => {
      const answer = revoked;
      if (release === undefined) await new Promise<void>((resolve) => (release = resolve));
      return answer;
    },
  });
  const token = await workos.sessionToken({ sid: 'session_RACE' });
  const pending = verifier.authenticateNow(bearerRequest(token));
  // Wait until the lookup is under way (the first request also fetches the keys).
  for (let waited = 0; release === undefined && waited < 5000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(release).toBeDefined();
  revoked = true;
  verifier.invalidate({ sessionId: 'session_RACE' });
  release!();
  await expect(pending).rejects.toMatchObject({ status: 401, error: 'session_revoked', reason: 'session_revoked' });
  // The fresh answer is the one cached: the next request is refused from the cache.
  const error = thrownNow(() => verifier.authenticateNow(bearerRequest(token)));
  expect([error.status, error.error, error.reason]).toEqual([401, 'session_revoked', 'session_revoked']);
});
