/**
 * Two app processes with first-party sessions share one Redis with the identity service: a sign-out
 * on one instance (which revokes the session) is enforced by the other within 1 s, on a JWT that has
 * not expired, and the other clears the browser's cookies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { redisStore } from '../../src/redis';
import { startTestIdentityService, type TestIdentityService } from '../../src/testing';
import { RedisServer } from './redis-server';
import { connectClient, type RedisClient } from './helpers';

interface Instance {
  child: ChildProcess;
  url: string;
}

let redis: RedisServer;
let client: RedisClient;
let identity: TestIdentityService;
let instances: Instance[];

function startInstance(): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'first-party-instance.ts')], {
    env: { ...process.env, REDIS_URL: redis.url, IDENTITY_URL: identity.url, PROJECT_ID: identity.projectId, SECRET: identity.secret },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(chunk.toString())?.[1];
      if (port !== undefined) resolve({ child, url: `http://127.0.0.1:${port}` });
    });
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
  });
}

function stopInstance({ child }: Instance): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

beforeAll(async () => {
  redis = await RedisServer.start();
  client = await connectClient(redis.url);
  identity = await startTestIdentityService({ store: redisStore({ client }) });
  instances = await Promise.all([startInstance(), startInstance()]);
}, 30_000);
afterAll(async () => {
  await Promise.all((instances ?? []).map(stopInstance));
  await identity?.close();
  client?.destroy();
  await redis?.close();
});

test('a sign-out on one instance is seen by the other within 1 s: 401 session_revoked, both cookies cleared, no refresh call', async () => {
  const created = await identity.createSession();
  const cookie = `sg_session=${created.session_jwt}; sg_session_token=${created.session_token}`;
  for (const instance of instances) expect((await request(instance.url).get('/me').set('Cookie', cookie)).status).toBe(200);

  const [first, second] = instances as [Instance, Instance];
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
