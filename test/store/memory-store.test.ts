import request from 'supertest';
import { guardedApp, expectError } from '../helpers';
import { memoryStore, type SessionEvent, type SessionStore } from '../../src';
import { useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' }, oidc: { kind: 'oidc' } });

function setup(ttlSeconds = 3600) {
  const clock = { now: Date.now() };
  const store = memoryStore({ clock: () => clock.now, maxTokenLifetimeSeconds: 600 });
  const events: SessionEvent[] = [];
  const { app } = guardedApp({
    providers: [issuers.workos.provider(), issuers.oidc.provider()],
    store,
    statusCacheTtlSeconds: ttlSeconds,
    clock: () => clock.now,
    onEvent: (event) => events.push(event),
  });
  const get = (token: string) => request(app).get('/me').set('Authorization', `Bearer ${token}`);
  return { store, clock, events, get };
}

test('suspend, ban and reinstate apply at once, despite a long status cache', async () => {
  const { store, get } = setup();
  const token = await issuers.workos.sessionToken({ sub: 'user_m1' });
  expect((await get(token)).status).toBe(200);
  await store.suspend('user_m1', { until: new Date('2099-01-01T00:00:00Z'), reason: 'review' });
  const suspended = await get(token);
  expectError(suspended, 403, 'account_suspended', 'review');
  expect(suspended.body.suspended_until).toBe('2099-01-01T00:00:00.000Z');
  await store.ban('user_m1', { reason: 'abuse' });
  expectError(await get(token), 403, 'account_banned', 'abuse');
  await store.reinstate('user_m1');
  expect((await get(token)).status).toBe(200);
});

test('a suspension ends by itself; a revocation lasts until the token it blocks has expired', async () => {
  const { store, clock, get } = setup(1);
  const token = await issuers.workos.sessionToken({ sub: 'user_m2', sid: 'sess_m2', expiresIn: 3600 });
  await store.suspend('user_m2', { until: clock.now + 10_000 });
  expectError(await get(token), 403, 'account_suspended', 'suspended');
  clock.now += 10_001;
  expect((await get(token)).status).toBe(200);

  await store.revokeSession('sess_m2', { expiresAt: clock.now + 60_000 });
  expectError(await get(token), 401, 'session_revoked', 'session_revoked');
  expect(await store.isRevoked({ sessionId: 'sess_m2', tokenId: null })).toBe(true);
  clock.now += 60_001;
  expect(await store.isRevoked({ sessionId: 'sess_m2', tokenId: null })).toBe(false);

  await store.revokeToken('jti_m2'); // no expiresAt: kept for maxTokenLifetimeSeconds (600 s here)
  clock.now += 599_000;
  expect(await store.isRevoked({ sessionId: null, tokenId: 'jti_m2' })).toBe(true);
  clock.now += 1_001;
  expect(await store.isRevoked({ sessionId: null, tokenId: 'jti_m2' })).toBe(false);
});

test('a revoked token id is a 401 session_revoked, also when the token was cached as verified', async () => {
  const { store, events, get } = setup();
  const token = await issuers.oidc.sessionToken({ sub: 'user_m3', claims: { sid: undefined, jti: 'jti_m3' } });
  expect((await get(token)).status).toBe(200);
  await store.revokeToken('jti_m3');
  expectError(await get(token), 401, 'session_revoked', 'token_revoked');
  expect(events).toContainEqual({ type: 'token_cache', provider: 'oidc', hit: true, method: 'GET', path: '/me' });
});

test('an OIDC user is named with its issuer; a plain id names the canonical (WorkOS) user', async () => {
  const { store, get } = setup();
  const oidcToken = await issuers.oidc.sessionToken({ sub: 'same_id' });
  const workosToken = await issuers.workos.sessionToken({ sub: 'same_id' });
  await store.ban('same_id', { reason: 'workos user' });
  expect((await get(oidcToken)).status).toBe(200);
  expectError(await get(workosToken), 403, 'account_banned', 'workos user');
  await store.ban({ issuer: issuers.oidc.issuer, subject: 'same_id' }, { reason: 'oidc user' });
  expectError(await get(oidcToken), 403, 'account_banned', 'oidc user');
});

test('bad arguments are clear errors', async () => {
  const { store } = setup();
  await expect(store.suspend('user_m5', { until: 'soon' })).rejects.toThrow(/until must be a Date/);
  await expect(store.ban({ issuer: '', subject: 'x' })).rejects.toThrow(/subject.issuer must be a non-empty string/);
  await expect(store.revokeToken('', {})).rejects.toThrow(/tokenId must be a non-empty string/);
  expect(() => memoryStore({ maxTokenLifetimeSeconds: -1 })).toThrow(/maxTokenLifetimeSeconds/);
});

test('a change that lands while a lookup is in flight is applied, not answered with a 503', async () => {
  const inner = memoryStore();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let first = true;
  // A store whose first read answers what was true before the change, and only after it.
  const slow: SessionStore = {
    ...inner,
    suspend: (subject, options) => inner.suspend(subject, options),
    subscribe: (listener) => inner.subscribe(listener),
    isRevoked: (lookup) => inner.isRevoked(lookup),
    status: async (subject) => {
      const answer = await inner.status(subject);
      if (first) {
        first = false;
        await gate;
      }
      return answer;
    },
  };
  const { app } = guardedApp({ providers: [issuers.workos.provider()], store: slow });
  const token = await issuers.workos.sessionToken({ sub: 'user_race' });
  const pending = request(app).get('/me').set('Authorization', `Bearer ${token}`).then((res) => res);
  while (first) await new Promise((resolve) => setImmediate(resolve));
  await slow.suspend('user_race', { until: '2099-01-01T00:00:00Z', reason: 'raced' });
  release();
  expectError(await pending, 403, 'account_suspended', 'raced');
});
