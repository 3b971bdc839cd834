/** Clerk users mapped to WorkOS ids through resolveLegacyUser, cached; tested on the framework-free verifier. */
import { createVerifier, type SessionGuardOptions, type SessionPrincipal } from '../../src';
import { manualClock, useIssuers } from '../support/issuers';
import { authenticate, expectRejection, statusOf } from './support';
import { collectingLogger } from '../support/logger';

const issuers = useIssuers({ clerk: { kind: 'clerk' }, workos: { kind: 'workos' } });

const MAPPING: Record<string, string> = { user_2ALICE: 'user_01ALICE', user_2BOB: 'user_01BOB' };

/** A verifier whose resolver records every call. */
function verifierWithResolver(resolver?: SessionGuardOptions['resolveLegacyUser'], options: Partial<SessionGuardOptions> = {}) {
  const calls: string[] = [];
  const logger = collectingLogger();
  const verifier = createVerifier({
    logger,
    providers: [issuers.clerk.provider(), issuers.workos.provider()],
    resolveLegacyUser: async (clerkUserId) => {
      calls.push(clerkUserId);
      return resolver ? resolver(clerkUserId) : (MAPPING[clerkUserId] ?? null);
    },
    ...options,
  });
  return { verifier, calls, logger };
}

const principal = (outcome: unknown): SessionPrincipal => outcome as SessionPrincipal;

test('a mapped legacy Clerk user: subject is the WorkOS id, clerkUserId the Clerk id', async () => {
  const { verifier } = verifierWithResolver();
  const outcome = await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2ALICE', sid: 'sess_2ALICE' }));
  expect(statusOf(outcome)).toBe(200);
  expect(principal(outcome)).toMatchObject({
    subject: 'user_01ALICE',
    workosUserId: 'user_01ALICE',
    clerkUserId: 'user_2ALICE',
    sessionId: 'sess_2ALICE',
    provider: 'clerk',
    type: 'user',
  });
  expect(principal(outcome).claims.sub).toBe('user_2ALICE');
});

test('an unmapped legacy Clerk user is a 401 user_unmapped', async () => {
  const { verifier } = verifierWithResolver();
  expectRejection(await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2NOBODY' })), 401, 'invalid_token', 'user_unmapped');
});

test('a WorkOS user never goes through the resolver', async () => {
  const { verifier, calls } = verifierWithResolver();
  const outcome = await authenticate(verifier, await issuers.workos.sessionToken({ sub: 'user_01CAROL' }));
  expect(statusOf(outcome)).toBe(200);
  expect(principal(outcome)).toMatchObject({ subject: 'user_01CAROL', clerkUserId: null });
  expect(calls).toEqual([]);
});

test('mappings are cached: the resolver is called once for many tokens of one user', async () => {
  const { verifier, calls } = verifierWithResolver();
  for (let i = 0; i < 3; i++) {
    const outcome = await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' }));
    expect(principal(outcome).subject).toBe('user_01ALICE');
  }
  const outcome = await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2BOB' }));
  expect(principal(outcome).subject).toBe('user_01BOB');
  expect(calls).toEqual(['user_2ALICE', 'user_2BOB']);
});

test('concurrent first requests of one user share one resolver call', async () => {
  const { verifier, calls } = verifierWithResolver();
  const tokens = await Promise.all(Array.from({ length: 10 }, () => issuers.clerk.sessionToken({ sub: 'user_2ALICE' })));
  const outcomes = await Promise.all(tokens.map((token) => authenticate(verifier, token)));
  expect(outcomes.map(statusOf)).toEqual(tokens.map(() => 200));
  expect(calls).toEqual(['user_2ALICE']);
});

test('"no mapping" is cached too', async () => {
  const { verifier, calls } = verifierWithResolver();
  for (let i = 0; i < 2; i++) {
    expectRejection(await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2NOBODY' })), 401, 'invalid_token', 'user_unmapped');
  }
  expect(calls).toEqual(['user_2NOBODY']);
});

test('a mapping is read again after legacyUserCache.ttlSeconds', async () => {
  const clock = manualClock();
  const { verifier, calls } = verifierWithResolver(undefined, { clock: clock.now, legacyUserCache: { ttlSeconds: 60 } });
  expect(statusOf(await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' })))).toBe(200);
  clock.advance(30);
  expect(statusOf(await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' })))).toBe(200);
  expect(calls).toHaveLength(1);
  clock.advance(31);
  expect(statusOf(await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' })))).toBe(200);
  expect(calls).toHaveLength(2);
});

test('a resolver that throws is a 503 with Retry-After, never a 500 or a pass, and is not cached', async () => {
  let down = true;
  const { verifier, calls, logger } = verifierWithResolver(async (clerkUserId) => {
    if (down) throw new Error('directory unreachable');
    return MAPPING[clerkUserId] ?? null;
  });
  const rejection = expectRejection(await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' })), 503, 'service_unavailable', 'user_mapping_unavailable');
  expect(Number(rejection.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
  expect(logger.lines).toHaveLength(1);
  down = false;
  const again = await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' }));
  expect(statusOf(again)).toBe(200);
  expect(principal(again).subject).toBe('user_01ALICE');
  expect(calls).toHaveLength(2);
});

test.each([
  ['a number', 42],
  ['an empty string', ''],
  ['an object', { id: 'user_01ALICE' }],
])('a resolver returning %s is a 503, never a pass', async (_title, value) => {
  const { verifier } = verifierWithResolver(() => value as unknown as string);
  expectRejection(await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' })), 503, 'service_unavailable', 'user_mapping_unavailable');
});

test('a forged Clerk token never reaches the resolver', async () => {
  const { verifier, calls } = verifierWithResolver();
  const key = await issuers.clerk.createDetachedKey('RS256', issuers.clerk.key.kid);
  expectRejection(await authenticate(verifier, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' }, { key })), 401, 'invalid_token', 'signature_invalid');
  expect(calls).toEqual([]);
});
