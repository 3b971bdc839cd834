import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
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
