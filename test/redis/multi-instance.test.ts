import { join } from 'node:path';
import request from 'supertest';
import { expectError } from '../helpers';
import { redisStore } from '../../src/redis';
import { RedisServer } from './redis-server';
import { startAppProcess, stopAppProcess, type AppProcess } from './app-process';
import { connectClient, nextReady, type RedisClient } from './helpers';
import { createTestIssuer, type TestIssuer } from '../support/issuers';

const STATUS_TTL_SECONDS = 60; // far longer than 1 s: only the pub/sub message can make the deadline

let redis: RedisServer;
let issuer: TestIssuer;
let adminClient: RedisClient;
let instances: AppProcess[];

function startInstance(): Promise<AppProcess> {
  return startAppProcess(join(__dirname, 'instance.ts'), { REDIS_URL: redis.url, JWKS_URL: issuer.jwksUrl, CLIENT_ID: 'client_test', STATUS_TTL_SECONDS: String(STATUS_TTL_SECONDS) });
}

const get = (instance: AppProcess, token: string) => request(instance.url).get('/me').set('Authorization', `Bearer ${token}`);

/** Asks every instance until each answers `status`; fails if one hasn't within `withinMs`. */
async function allAnswer(token: string, status: number, withinMs: number) {
  const deadline = Date.now() + withinMs;
  return Promise.all(
    instances.map(async (instance) => {
      for (;;) {
        const res = await get(instance, token);
        if (res.status === status) return res;
        if (Date.now() > deadline) throw new Error(`${instance.url} still answers ${res.status} after ${withinMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }),
  );
}

beforeAll(async () => {
  [redis, issuer] = await Promise.all([RedisServer.start(), createTestIssuer({ kind: 'workos' })]);
  adminClient = await connectClient(redis.url);
  instances = await Promise.all([startInstance(), startInstance()]);
}, 30_000);
afterAll(async () => {
  await Promise.all((instances ?? []).map(stopAppProcess));
  adminClient?.destroy();
  await Promise.all([redis?.close(), issuer?.close()]);
});

test('two processes share one Redis: a suspension and a revocation are enforced by both within 1 s; an outage fails closed, then both recover', async () => {
  const admin = redisStore({ client: adminClient });
  const suspended = await issuer.sessionToken({ sub: 'user_multi_a', expiresIn: 3600 });
  const revoked = await issuer.sessionToken({ sub: 'user_multi_b', sid: 'sess_multi_b', expiresIn: 3600 });
  const healthy = await issuer.sessionToken({ sub: 'user_multi_c', expiresIn: 3600 });
  for (const token of [suspended, revoked, healthy]) await allAnswer(token, 200, 5_000); // caches warm on both

  await admin.suspend('user_multi_a', { until: '2099-01-01T00:00:00Z', reason: 'moderation' });
  for (const res of await allAnswer(suspended, 403, 1_000)) expectError(res, 403, 'account_suspended', 'moderation');

  await admin.revokeSession('sess_multi_b');
  for (const res of await allAnswer(revoked, 401, 1_000)) expectError(res, 401, 'session_revoked', 'session_revoked');

  await redis.stop();
  for (const instance of instances) expect((await get(instance, healthy)).status).toBe(200); // cached decisions hold
  for (const instance of instances) expectError(await get(instance, suspended), 403, 'account_suspended', 'moderation');
  await Promise.all(instances.map((instance) => request(instance.url).post(`/__clock/${STATUS_TTL_SECONDS * 1000 + 1}`).expect(200)));
  for (const instance of instances) expectError(await get(instance, healthy), 503, 'service_unavailable', 'status_unavailable');

  await redis.start();
  await allAnswer(healthy, 200, 10_000); // no restart: both reconnected by themselves
  if (!adminClient.isReady) await nextReady(adminClient);
  for (const res of await allAnswer(suspended, 403, 1_000)) expectError(res, 403, 'account_suspended', 'moderation');
  for (const res of await allAnswer(revoked, 401, 1_000)) expectError(res, 401, 'session_revoked', 'session_revoked');
});
