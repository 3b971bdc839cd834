import request from 'supertest';
import { oidc } from '../../src';
import { redisStore } from '../../src/redis';
import { guardedApp } from '../helpers';
import { basic, PROJECT_ID, sessionsClient, startSessions, VOUCHING_SECRET, type SessionsRig } from '../identity/sessions-harness';
import { connectClient, type RedisClient } from './helpers';
import { RedisServer } from './redis-server';

const STATUS_TTL_SECONDS = 60; // far longer than the deadline: only the store's change message can make it

let redis: RedisServer;
let clients: RedisClient[];
let rig: SessionsRig;

beforeAll(async () => {
  redis = await RedisServer.start();
  clients = [await connectClient(redis.url), await connectClient(redis.url)];
  rig = await startSessions({ store: redisStore({ client: clients[0]! }), statusCacheTtlSeconds: STATUS_TTL_SECONDS });
});
afterAll(async () => {
  await rig.close();
  for (const client of clients) client.destroy();
  await redis.close();
});

test('a revoke on the identity service reaches another service\'s middleware through Redis at once', async () => {
  const api = sessionsClient(rig.url);
  const session = (await api.create({ user_id: 'user_01REDIS' }, { auth: basic(PROJECT_ID, VOUCHING_SECRET) })).body;
  const { app, guard } = guardedApp({
    providers: [oidc({ issuer: rig.url, jwks: (await api.projectJwks(PROJECT_ID)).body, audience: PROJECT_ID })],
    store: redisStore({ client: clients[1]! }),
    statusCacheTtlSeconds: STATUS_TTL_SECONDS,
  });
  try {
    const before = await request(app).get('/me').set('Authorization', `Bearer ${session.session_jwt}`);
    expect(before.status).toBe(200);
    expect(before.body.sessionId).toBe(session.session.session_id);
    expect((await api.revoke({ session_id: session.session.session_id })).status).toBe(200);
    const deadline = Date.now() + 1000;
    let answer;
    do {
      answer = await request(app).get('/me').set('Authorization', `Bearer ${session.session_jwt}`);
    } while (answer.status === 200 && Date.now() < deadline);
    expect({ status: answer.status, error: answer.body.error, reason: answer.body.reason }).toEqual({ status: 401, error: 'session_revoked', reason: 'session_revoked' });
    // The entry outlives every JWT it blocks: the JWT lifetime plus the largest clock tolerance.
    const ttl = await clients[0]!.pTTL(`sessionguard:sid:${session.session.session_id}`);
    expect(ttl).toBeGreaterThan((300 + 300 - 5) * 1000);
    expect(ttl).toBeLessThanOrEqual((300 + 300) * 1000);
  } finally {
    guard.verifier.close();
  }
});
