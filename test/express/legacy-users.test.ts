/** CONTRACT.md section 3: Clerk users mapped to WorkOS ids through resolveLegacyUser, cached. */
import request from 'supertest';
import { expectError, guardedApp, listen } from '../helpers';
import type { SessionGuardOptions } from '../../src';
import { manualClock, useIssuers } from '../support/issuers';

const issuers = useIssuers({ clerk: { kind: 'clerk' }, workos: { kind: 'workos' } });

const MAPPING: Record<string, string> = { user_2ALICE: 'user_01ALICE', user_2BOB: 'user_01BOB' };

/** An app whose resolver records every call. */
function appWithResolver(resolver?: SessionGuardOptions['resolveLegacyUser'], options: Partial<SessionGuardOptions> = {}) {
  const calls: string[] = [];
  const { app } = guardedApp({
    providers: [issuers.clerk.provider(), issuers.workos.provider()],
    resolveLegacyUser: async (clerkUserId) => {
      calls.push(clerkUserId);
      return resolver ? resolver(clerkUserId) : (MAPPING[clerkUserId] ?? null);
    },
    ...options,
  });
  return { app, calls };
}

function get(app: Parameters<typeof request>[0], token: string) {
  return request(app).get('/me').set('Authorization', `Bearer ${token}`);
}

test('a mapped legacy Clerk user: subject is the WorkOS id, clerkUserId the Clerk id', async () => {
  const { app } = appWithResolver();
  const res = await get(app, await issuers.clerk.sessionToken({ sub: 'user_2ALICE', sid: 'sess_2ALICE' }));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    subject: 'user_01ALICE',
    workosUserId: 'user_01ALICE',
    clerkUserId: 'user_2ALICE',
    sessionId: 'sess_2ALICE',
    provider: 'clerk',
    type: 'user',
  });
  expect(res.body.claims.sub).toBe('user_2ALICE');
});

test('an unmapped legacy Clerk user is a 401 user_unmapped', async () => {
  const { app } = appWithResolver();
  const res = await get(app, await issuers.clerk.sessionToken({ sub: 'user_2NOBODY' }));
  expectError(res, 401, 'invalid_token', 'user_unmapped');
});

test('a WorkOS user never goes through the resolver', async () => {
  const { app, calls } = appWithResolver();
  const res = await get(app, await issuers.workos.sessionToken({ sub: 'user_01CAROL' }));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ subject: 'user_01CAROL', clerkUserId: null });
  expect(calls).toEqual([]);
});

test('mappings are cached: the resolver is called once for many tokens of one user', async () => {
  const { app, calls } = appWithResolver();
  for (let i = 0; i < 3; i++) {
    const res = await get(app, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' }));
    expect(res.body.subject).toBe('user_01ALICE');
  }
  const res = await get(app, await issuers.clerk.sessionToken({ sub: 'user_2BOB' }));
  expect(res.body.subject).toBe('user_01BOB');
  expect(calls).toEqual(['user_2ALICE', 'user_2BOB']);
});

test('concurrent first requests of one user share one resolver call', async () => {
  const { app, calls } = appWithResolver();
  const tokens = await Promise.all(Array.from({ length: 10 }, () => issuers.clerk.sessionToken({ sub: 'user_2ALICE' })));
  const { server, close } = await listen(app);
  try {
    const responses = await Promise.all(tokens.map((token) => get(server, token)));
    expect(responses.map((res) => res.status)).toEqual(tokens.map(() => 200));
  } finally {
    await close();
  }
  expect(calls).toEqual(['user_2ALICE']);
});

test('"no mapping" is cached too', async () => {
  const { app, calls } = appWithResolver();
  for (let i = 0; i < 2; i++) {
    expectError(await get(app, await issuers.clerk.sessionToken({ sub: 'user_2NOBODY' })), 401, 'invalid_token', 'user_unmapped');
  }
  expect(calls).toEqual(['user_2NOBODY']);
});

test('a mapping is read again after legacyUserCache.ttlSeconds', async () => {
  const clock = manualClock();
  const { app, calls } = appWithResolver(undefined, { clock: clock.now, legacyUserCache: { ttlSeconds: 60 } });
  expect((await get(app, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' }))).status).toBe(200);
  clock.advance(30);
  expect((await get(app, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' }))).status).toBe(200);
  expect(calls).toHaveLength(1);
  clock.advance(31);
  expect((await get(app, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' }))).status).toBe(200);
  expect(calls).toHaveLength(2);
});

test('a resolver that throws is a 503 with Retry-After, never a 500 or a pass, and is not cached', async () => {
  let down = true;
  const { app, calls } = appWithResolver(async (clerkUserId) => {
    if (down) throw new Error('directory unreachable');
    return MAPPING[clerkUserId] ?? null;
  });
  const res = await get(app, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' }));
  expectError(res, 503, 'service_unavailable', 'user_mapping_unavailable');
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  down = false;
  const again = await get(app, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' }));
  expect(again.status).toBe(200);
  expect(again.body.subject).toBe('user_01ALICE');
  expect(calls).toHaveLength(2);
});

test.each([
  ['a number', 42],
  ['an empty string', ''],
  ['an object', { id: 'user_01ALICE' }],
])('a resolver returning %s is a 503, never a pass', async (_title, value) => {
  const { app } = appWithResolver(() => value as unknown as string);
  expectError(await get(app, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' })), 503, 'service_unavailable', 'user_mapping_unavailable');
});

test('a forged Clerk token never reaches the resolver', async () => {
  const { app, calls } = appWithResolver();
  const key = await issuers.clerk.createDetachedKey('RS256', issuers.clerk.key.kid);
  expectError(await get(app, await issuers.clerk.sessionToken({ sub: 'user_2ALICE' }, { key })), 401, 'invalid_token', 'signature_invalid');
  expect(calls).toEqual([]);
});
