/**
 * Two app processes with first-party sessions share one Redis with the identity service: a sign-out
 * on one instance (which revokes the session) is enforced by the other within 1 s, on a JWT that has
 * not expired, and the other clears the browser's cookies.
 */
import { join } from 'node:path';
import request from 'supertest';
import { redisStore } from '../../src/redis';
import { startTestIdentityService, type TestIdentityService } from '../../src/testing';
import { RedisServer } from './redis-server';
import { startAppProcess, stopAppProcess, type AppProcess } from './app-process';
import { connectClient, type RedisClient } from './helpers';

let redis: RedisServer;
let client: RedisClient;
let identity: TestIdentityService;
let instances: AppProcess[];

function startInstance(): Promise<AppProcess> {
  return startAppProcess(join(__dirname, 'first-party-instance.ts'), { REDIS_URL: redis.url, IDENTITY_URL: identity.url, PROJECT_ID: identity.projectId, SECRET: identity.secret });
}

beforeAll(async () => {
  redis = await RedisServer.start();
  client = await connectClient(redis.url);
  identity = await startTestIdentityService({ store: redisStore({ client }) });
  instances = await Promise.all([startInstance(), startInstance()]);
}, 30_000);
afterAll(async () => {
  await Promise.all((instances ?? []).map(stopAppProcess));
  await identity?.close();
  client?.destroy();
  await redis?.close();
});

test('a sign-out on one instance is seen by the other within 1 s: 401 session_revoked, both cookies cleared, no refresh call', async () => {
  const created = await identity.createSession();
  const cookie = `sg_session=${created.session_jwt}; sg_session_token=${created.session_token}`;
  for (const instance of instances) expect((await request(instance.url).get('/me').set('Cookie', cookie)).status).toBe(200);

  const [first, second] = instances as [AppProcess, AppProcess];
  const out = await request(first.url).post('/signout').set('Cookie', cookie).set('Origin', first.url);
  expect(out.body).toEqual({ revoked: true });
  const revokedAt = Date.now();
  for (;;) {
    const res = await request(second.url).get('/me').set('Cookie', cookie);
    if (res.status === 401) {
      expect(res.body).toMatchObject({ error: 'session_revoked', reason: 'session_revoked' });
      expect(res.headers['set-cookie']).toEqual(['sg_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax', 'sg_session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax']);
      break;
    }
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(identity.authenticateCalls).toBe(0);
});
