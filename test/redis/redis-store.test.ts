import request from 'supertest';
import { guardedApp, expectError } from '../helpers';
import type { SessionEvent, SessionStore } from '../../src';
import { redisStore } from '../../src/redis';
import { RedisServer } from './redis-server';
import { connectClient, malleate, nextChange, nextReady, type RedisClient } from './helpers';
import { closeIssuers, startIssuers, type TestIssuer } from '../support/issuers';

let redis: RedisServer;
let issuers: { workos: TestIssuer; es: TestIssuer; oidcA: TestIssuer; oidcB: TestIssuer };
let adminClient: RedisClient;
/** The operator's store: a separate connection, as on another machine. */
let admin: SessionStore;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  [redis, issuers] = await Promise.all([
    RedisServer.start(),
    startIssuers({
      workos: { kind: 'workos' },
      es: { kind: 'oidc', alg: 'ES256', issuer: 'https://es.sessionguard.test' },
      oidcA: { kind: 'oidc', issuer: 'https://a.sessionguard.test', name: 'a' },
      oidcB: { kind: 'oidc', issuer: 'https://b.sessionguard.test', name: 'b' },
    }),
  ]);
  adminClient = await connectClient(redis.url);
  admin = redisStore({ client: adminClient });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  if (!redis.running) await redis.start(); // a failed outage test must not fail the next ones
  if (!adminClient.isReady) await nextReady(adminClient);
  await adminClient.flushAll();
});
afterAll(async () => {
  adminClient.destroy();
  await Promise.all([redis.close(), closeIssuers(issuers)]);
});

/** Waits until `count` connections listen on the change channel. */
async function subscribed(count: number): Promise<void> {
  while ((await adminClient.pubSubNumSub('sessionguard:changes'))['sessionguard:changes'] !== count) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One app instance: its own Redis client, store, verifier and caches; a clock the test can move. */
async function instance(options: { statusCacheTtlSeconds?: number; storeFailOpen?: boolean; subscriber?: RedisClient } = {}) {
  const client = await connectClient(redis.url);
  const store = redisStore({ client, ...(options.subscriber ? { subscriber: options.subscriber } : {}) });
  const events: SessionEvent[] = [];
  const clock = { offsetMs: 0 };
  const { app, guard } = guardedApp({
    providers: Object.values(issuers).map((issuer) => issuer.provider()),
    store,
    statusCacheTtlSeconds: options.statusCacheTtlSeconds ?? 60,
    storeFailOpen: options.storeFailOpen,
    clock: () => Date.now() + clock.offsetMs,
    onEvent: (event) => events.push(event),
  });
  cleanups.push(() => client.destroy(), () => guard.verifier.close());
  const get = (token: string) => request(app).get('/me').set('Authorization', `Bearer ${token}`);
  return { app, guard, store, client, events, clock, get };
}

test('a suspension reaches a running instance through pub/sub, not through cache expiry', async () => {
  const app = await instance({ statusCacheTtlSeconds: 3600 });
  const token = await issuers.workos.sessionToken({ sub: 'user_suspend' });
  expect((await app.get(token)).status).toBe(200);

  const changed = nextChange(app.store);
  await admin.suspend('user_suspend', { until: '2099-01-01T00:00:00Z', reason: 'chargeback' });
  expect(await changed).toEqual({ type: 'status', subject: 'user_suspend' });
  const res = await app.get(token);
  expectError(res, 403, 'account_suspended', 'chargeback');
  expect(res.body.suspended_until).toBe('2099-01-01T00:00:00.000Z');

  const reinstated = nextChange(app.store);
  await admin.reinstate('user_suspend');
  await reinstated;
  expect((await app.get(token)).status).toBe(200);
});

test('a ban is a 403 account_banned with its reason, and a suspension ends by itself', async () => {
  const app = await instance({ statusCacheTtlSeconds: 60 });
  const token = await issuers.workos.sessionToken({ sub: 'user_ban' });
  await admin.ban('user_ban', { reason: 'fraud' });
  expectError(await app.get(token), 403, 'account_banned', 'fraud');

  await admin.suspend('user_short', { until: Date.now() + 200, reason: 'cool down' });
  expect(await adminClient.pTTL('sessionguard:u:user_short')).toBeGreaterThan(0);
  const short = await issuers.workos.sessionToken({ sub: 'user_short' });
  expectError(await app.get(short), 403, 'account_suspended', 'cool down');
  app.clock.offsetMs = 60_001; // past the cache TTL and the suspension's end
  await admin.suspend('user_short', { until: Date.now() - 1 }); // an ended suspension clears the record
  expect(await adminClient.exists('sessionguard:u:user_short')).toBe(0);
  expect((await app.get(short)).status).toBe(200);
});

test('a revoked session is a 401 session_revoked, also from the verified-token cache and for a malleated copy', async () => {
  const app = await instance({ statusCacheTtlSeconds: 3600 });
  const token = await issuers.es.sessionToken({ sub: 'user_es', sid: 'sess_malleable' });
  const copy = malleate(token);
  expect(copy).not.toBe(token);
  expect((await app.get(token)).status).toBe(200);
  expect((await app.get(copy)).status).toBe(200); // a different, valid token: same session

  const changed = nextChange(app.store);
  await admin.revokeSession('sess_malleable');
  await changed;
  app.events.length = 0;
  expectError(await app.get(token), 401, 'session_revoked', 'session_revoked');
  expect(app.events).toContainEqual(expect.objectContaining({ type: 'token_cache', provider: 'oidc', hit: true, method: 'GET' }));
  expectError(await app.get(copy), 401, 'session_revoked', 'session_revoked');
});

test('a revoked token (jti) is a 401 session_revoked; the entry expires with the token', async () => {
  const app = await instance({ statusCacheTtlSeconds: 3600 });
  const token = await issuers.oidcA.sessionToken({ sub: 'user_jti', claims: { sid: undefined, jti: 'jti_1' } });
  expect((await app.get(token)).status).toBe(200);

  const exp = Date.now() + 120_000;
  const changed = nextChange(app.store);
  await admin.revokeToken('jti_1', { expiresAt: exp });
  await changed;
  expectError(await app.get(token), 401, 'session_revoked', 'token_revoked');
  expect(await adminClient.pExpireTime('sessionguard:jti:jti_1')).toBe(exp);

  await admin.revokeSession('sess_default');
  const ttl = await adminClient.pTTL('sessionguard:sid:sess_default');
  expect(ttl).toBeGreaterThan(24 * 3600_000 - 60_000);
  expect(ttl).toBeLessThanOrEqual(24 * 3600_000);
});

test('OIDC subjects are keyed by issuer: the same sub at another issuer is another person', async () => {
  const app = await instance({ statusCacheTtlSeconds: 3600 });
  const [a, b, w] = await Promise.all([
    issuers.oidcA.sessionToken({ sub: 'alice' }),
    issuers.oidcB.sessionToken({ sub: 'alice' }),
    issuers.workos.sessionToken({ sub: 'alice' }),
  ]);
  await Promise.all([app.get(a), app.get(b), app.get(w)]);
  const changed = nextChange(app.store);
  await admin.suspend({ issuer: 'https://a.sessionguard.test', subject: 'alice' }, { until: '2099-01-01T00:00:00Z', reason: 'r' });
  await changed;
  expectError(await app.get(a), 403, 'account_suspended', 'r');
  expect((await app.get(b)).status).toBe(200);
  expect((await app.get(w)).status).toBe(200);
});

/** How many reads (GET, EXISTS) Redis has served. */
async function reads(): Promise<number> {
  const stats = await adminClient.info('commandstats');
  return [...stats.matchAll(/cmdstat_(get|exists):calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[2]), 0);
}

test('warm caches make no Redis round trip per request', async () => {
  const app = await instance();
  const token = await issuers.workos.sessionToken({ sub: 'user_warm' });
  expect((await app.get(token)).status).toBe(200); // fills the status and revocation caches
  const before = await reads();
  for (let i = 0; i < 20; i++) expect((await app.get(token)).status).toBe(200);
  expect(await reads()).toBe(before);
});

test('a change clears only the entries it affects: other users and sessions stay cached', async () => {
  const app = await instance({ statusCacheTtlSeconds: 3600 });
  const mine = await issuers.workos.sessionToken({ sub: 'user_kept', sid: 'sess_kept' });
  const other = await issuers.workos.sessionToken({ sub: 'user_other', sid: 'sess_other' });
  expect((await app.get(mine)).status).toBe(200);
  expect((await app.get(other)).status).toBe(200);

  const revoked = nextChange(app.store);
  await admin.revokeSession('sess_other');
  await revoked;
  const suspended = nextChange(app.store);
  await admin.suspend('user_other', { until: '2099-01-01T00:00:00Z' });
  await suspended;
  const before = await reads();
  expect((await app.get(mine)).status).toBe(200);
  expect(await reads()).toBe(before);
  expectError(await app.get(other), 401, 'session_revoked', 'session_revoked');
  expect(await reads()).toBe(before + 1);
});

test('a change whose message is lost is enforced once the cache TTL has passed', async () => {
  // The subscriber logs in as its own Redis user; while that user is off, every reconnect attempt fails.
  await adminClient.sendCommand(['ACL', 'SETUSER', 'listener', 'on', '>secret', '~*', '&*', '+@all']);
  const subscriber = await connectClient(`redis://listener:secret@127.0.0.1:${redis.port}`, { socket: { reconnectStrategy: () => 100 } });
  cleanups.push(() => subscriber.destroy(), () => adminClient.sendCommand(['ACL', 'DELUSER', 'listener']));
  const app = await instance({ statusCacheTtlSeconds: 5, subscriber });
  const token = await issuers.workos.sessionToken({ sub: 'user_lost' });
  expect((await app.get(token)).status).toBe(200);
  await subscribed(1);

  await adminClient.sendCommand(['ACL', 'SETUSER', 'listener', 'off']);
  await adminClient.clientKill({ filter: 'USER', username: 'listener' });
  await admin.suspend('user_lost', { until: '2099-01-01T00:00:00Z', reason: 'lost' });
  expect((await app.get(token)).status).toBe(200); // the cached answer: the message never arrived
  app.clock.offsetMs = 5_001;
  expectError(await app.get(token), 403, 'account_suspended', 'lost');
  expect(app.events).toContainEqual(expect.objectContaining({ type: 'store_error', operation: 'subscribe', failOpen: false }));
});

test('Redis down: cached answers hold until their TTL, then 503 (or, opted in, open); everything reconnects by itself', async () => {
  const closed = await instance({ statusCacheTtlSeconds: 5 });
  const open = await instance({ statusCacheTtlSeconds: 5, storeFailOpen: true });
  const token = await issuers.workos.sessionToken({ sub: 'user_outage' });
  expect((await closed.get(token)).status).toBe(200);
  expect((await open.get(token)).status).toBe(200);
  await subscribed(2);

  await redis.stop();
  expect((await closed.get(token)).status).toBe(200); // cached decisions hold
  closed.clock.offsetMs = open.clock.offsetMs = 5_001;
  const refused = await closed.get(token);
  expectError(refused, 503, 'service_unavailable', 'status_unavailable');
  expect(refused.headers['retry-after']).toBeDefined();
  expect(closed.events).toContainEqual(expect.objectContaining({ type: 'store_error', failOpen: false }));
  expect((await open.get(token)).status).toBe(200);
  expect(open.events).toContainEqual(expect.objectContaining({ type: 'store_error', operation: 'status', failOpen: true }));
  expect(open.events).toContainEqual(expect.objectContaining({ type: 'store_error', operation: 'isRevoked', failOpen: true }));

  const resynced = nextChange(closed.store, 'resync');
  await redis.start();
  await resynced; // the subscriber came back by itself, and forgot what it may have missed
  if (!closed.client.isReady) await nextReady(closed.client);
  if (!adminClient.isReady) await nextReady(adminClient);
  expect((await closed.get(token)).status).toBe(200);

  const changed = nextChange(closed.store, 'status');
  await admin.ban('user_outage', { reason: 'after the outage' });
  await changed;
  expectError(await closed.get(token), 403, 'account_banned', 'after the outage');
});

test('a store and accountStatus together are refused at construction', async () => {
  const store = redisStore({ client: adminClient });
  expect(() => guardedApp({ providers: [issuers.workos.provider()], store, accountStatus: () => ({ state: 'active' }) })).toThrow(
    /pass either store or accountStatus\/isRevoked/,
  );
  expect(() => redisStore({ client: {} as never })).toThrow(/node-redis client/);
  await expect(admin.suspend('user_x', { until: 'not a date' })).rejects.toThrow(/until must be a Date/);
  await expect(admin.revokeSession('')).rejects.toThrow(/sessionId must be a non-empty string/);
});

test('closing the last verifier ends the subscription: its own connection is closed, a given one is left open', async () => {
  const own = await instance();
  const given = await connectClient(redis.url);
  cleanups.push(() => given.destroy());
  const other = await instance({ subscriber: given });
  await subscribed(2);
  own.guard.verifier.close();
  other.guard.verifier.close();
  await subscribed(0);
  expect(given.isOpen).toBe(true);
  const clients = await adminClient.clientList();
  expect(clients.filter((client) => client.flags.includes('P'))).toEqual([]); // no pub/sub connection left
});
