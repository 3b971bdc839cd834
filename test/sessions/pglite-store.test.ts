import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { postgresSessions } from '../../src/postgres';
import { basic, PROJECT_ID, sessionsClient, startSessions, VOUCHING_SECRET } from '../identity/sessions-harness';
import { expectSessionsSurviveKill } from './restart';
import { describeSessionStore } from './store-conformance';
import { postgresUnderTest } from './postgres-rig';

describeSessionStore('postgresSessions() on PGlite in memory', async () => {
  const db = new PGlite();
  return postgresUnderTest(db, () => db.close());
});

describeSessionStore('postgresSessions() on PGlite in a data directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sessionguard-pglite-'));
  const db = new PGlite(join(dir, 'data'));
  return postgresUnderTest(db, async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

test('a process killed with SIGKILL leaves every session in the data directory for the next one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sessionguard-pglite-'));
  try {
    await expectSessionsSurviveKill('pglite', join(dir, 'data'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test('a database that fails (closed) answers 503 service_unavailable; the sweep timer keeps nothing alive', async () => {
  const db = new PGlite();
  const store = postgresSessions({ client: db });
  await store.migrate();
  const rig = await startSessions({ sessions: { store, signingKeys: [{ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, kid: 'pglite' }] } });
  try {
    const api = sessionsClient(rig.url, basic(PROJECT_ID, VOUCHING_SECRET));
    const token = (await api.create({ user_id: 'user_closed' })).body.session_token as string;
    await db.close();
    const res = await api.authenticate({ session_token: token });
    expect({ status: res.status, error_type: res.body.error_type, retry: res.headers['retry-after'] }).toEqual({ status: 503, error_type: 'service_unavailable', retry: '5' });
    expect(res.text).not.toContain(token);
  } finally {
    await rig.close();
    await store.close();
  }
});
