import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Pool } from 'pg';
import { generateKeyPairSync } from 'node:crypto';
import { PostgresServer } from '../../scripts/servers/postgres-server';
import { postgresSessions } from '../../src/postgres';
import { basic, PROJECT_ID, sessionsClient, startSessions, VOUCHING_SECRET } from '../identity/sessions-harness';
import { postgresUnderTest } from '../sessions/postgres-rig';
import { expectSessionsSurviveKill } from '../sessions/restart';
import { describeSessionStore } from '../sessions/store-conformance';

jest.setTimeout(60_000);
let server: PostgresServer;
beforeAll(async () => {
  server = await PostgresServer.start();
});
afterAll(() => server?.close());

const quiet = <T extends { on(event: 'error', listener: () => void): unknown }>(client: T): T => {
  client.on('error', () => undefined); // outages are expected here and asserted through answers
  return client;
};

describeSessionStore('postgresSessions() on a PostgreSQL server (pg.Pool)', async () => {
  const pool = quiet(new Pool({ connectionString: server.url, max: 8 }));
  return postgresUnderTest(pool, () => pool.end());
});

describeSessionStore('postgresSessions() on a PostgreSQL server (one pg.Client)', async () => {
  const client = quiet(new Client({ connectionString: server.url }));
  await client.connect();
  return postgresUnderTest(client, () => client.end());
});

test('a process killed with SIGKILL leaves every session for the next one', async () => {
  await expectSessionsSurviveKill('postgres', server.url);
});

test('the database down: 503 service_unavailable with Retry-After; back up, every session is still there', async () => {
  const pool = quiet(new Pool({ connectionString: server.url, connectionTimeoutMillis: 2000 }));
  const store = postgresSessions({ client: pool, sweepIntervalMs: 0 });
  await store.migrate();
  const rig = await startSessions({ sessions: { store, signingKeys: [{ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, kid: 'pg' }] } });
  try {
    const client = sessionsClient(rig.url, basic(PROJECT_ID, VOUCHING_SECRET));
    const token = (await client.create({ user_id: 'user_outage' })).body.session_token as string;
    await server.stop();
    for (const res of [await client.authenticate({ session_token: token }), await client.create({ user_id: 'user_outage' }), await client.revoke({ session_token: token })]) {
      expect({ status: res.status, error_type: res.body.error_type, retry: res.headers['retry-after'] }).toEqual({ status: 503, error_type: 'service_unavailable', retry: '5' });
      expect(res.text).not.toContain(token);
    }
    await server.start();
    expect((await client.authenticate({ session_token: token })).status).toBe(200);
  } finally {
    await rig.close();
    await store.close();
    await pool.end();
  }
});

test('bad options are refused clearly', () => {
  expect(() => postgresSessions({ client: {} as never })).toThrow(/client must be a pg.Pool, a pg.Client or a PGlite/);
  expect(() => postgresSessions({ client: new Pool(), sweepIntervalMs: -1 })).toThrow(/sweepIntervalMs must be/);
  expect(() => postgresSessions({ client: new Pool(), sweepInterval: 5 } as never)).toThrow(/unknown option "sweepInterval"; did you mean "sweepIntervalMs"/);
});

test('examples/identity-service keeps its sessions in PostgreSQL when DATABASE_URL is set', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sessionguard-demo-'));
  const run = async () =>
    (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/identity-service/server.ts', '--once'], { cwd: join(__dirname, '..', '..'), timeout: 60_000, env: { ...process.env, DATABASE_URL: server.url, SESSIONS_DATA_DIR: dir } })).stdout;
  try {
    const first = await run();
    expect(first).toContain('sessions store: PostgreSQL (DATABASE_URL); live sessions of user_01EXAMPLE kept from earlier runs: 0');
    expect(first).toContain('after revoke: 404 session_not_found');
    expect(await run()).toContain('kept from earlier runs: 1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
