import { generateKeyPairSync } from 'node:crypto';
import { redisSessions } from '../../src/redis';
import { basic, PROJECT_ID, sessionsClient, startSessions, VOUCHING_SECRET } from '../identity/sessions-harness';
import { expectSessionsSurviveKill } from '../sessions/restart';
import { describeSessionStore, sessionRecord } from '../sessions/store-conformance';
import { connectClient } from './helpers';
import { RedisServer } from './redis-server';

jest.setTimeout(60_000);
let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(() => server?.close());

describeSessionStore('redisSessions() on a redis-server', async () => {
  const client = await connectClient(server.url);
  const store = redisSessions({ client, prefix: `conformance:${Math.random()}:` });
  const keys = async () => client.keys('conformance:*');
  return {
    store,
    dump: async () => {
      const all = await keys();
      const values = await Promise.all(all.map(async (key) => ((await client.type(key)) === 'zset' ? client.zRange(key, 0, -1) : client.get(key))));
      return JSON.stringify([all, values]);
    },
    held: async () => (await keys()).filter((key) => key.includes(':session:')).length,
    settleExpiry: () => new Promise((resolve) => setTimeout(resolve, 800)),
    close: async () => void client.destroy(),
  };
});

test('a process killed with SIGKILL leaves every session for the next one (and for a restarted redis-server)', async () => {
  await expectSessionsSurviveKill('redis', server.url, async () => {
    await server.stop();
    await server.start();
  });
});

test('Redis down: 503 service_unavailable with Retry-After, no hang; back up, every session is still there', async () => {
  const client = await connectClient(server.url);
  const store = redisSessions({ client, commandTimeoutMs: 500 });
  const rig = await startSessions({ sessions: { store, signingKeys: [{ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, kid: 'redis' }] } });
  try {
    const api = sessionsClient(rig.url, basic(PROJECT_ID, VOUCHING_SECRET));
    const token = (await api.create({ user_id: 'user_outage' })).body.session_token as string;
    await server.stop();
    for (const res of [await api.authenticate({ session_token: token }), await api.create({ user_id: 'user_outage' }), await api.revoke({ user_id: 'user_outage' })]) {
      expect({ status: res.status, error_type: res.body.error_type, retry: res.headers['retry-after'] }).toEqual({ status: 503, error_type: 'service_unavailable', retry: '5' });
      expect(res.text).not.toContain(token);
    }
    await server.start();
    await new Promise<void>((resolve) => (client.isReady ? resolve() : client.once('ready', () => resolve())));
    expect((await api.authenticate({ session_token: token })).status).toBe(200);
  } finally {
    await rig.close();
    client.destroy();
  }
});

test('bad options are refused clearly', () => {
  expect(() => redisSessions({ client: {} as never })).toThrow(/client must be a connected node-redis client/);
  expect(() => redisSessions({ client: { get: async () => null, eval: async () => null }, commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs must be/);
  expect(() => redisSessions({ client: { get: async () => null, eval: async () => null }, prefx: 'x' } as never)).toThrow(/unknown option "prefx"; did you mean "prefix"/);
});

test('every key of a session expires with it: the record, the token index and the user index', async () => {
  const client = await connectClient(server.url);
  try {
    const store = redisSessions({ client, prefix: 'ttl:' });
    const record = sessionRecord({ userId: 'user_ttl', expiresAt: Date.now() + 60_000 });
    await store.create(record);
    const keys = [`ttl:session:${record.sessionId}`, `ttl:session-token:${record.tokenHash}`, 'ttl:user-sessions:user_ttl'];
    for (const key of keys) expect(await client.pExpireTime(key)).toBe(record.expiresAt);
    const later = Date.now() + 120_000;
    await store.update(record.sessionId, { at: Date.now(), expiresAt: later }, () => undefined);
    for (const key of keys) expect(await client.pExpireTime(key)).toBe(later);
  } finally {
    client.destroy();
  }
});
