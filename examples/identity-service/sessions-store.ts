/**
 * Where the demo keeps its sessions: PostgreSQL when DATABASE_URL is set, else an embedded PGlite
 * in a data directory (SESSIONS_DATA_DIR, default .data/identity-service), so sessions survive a
 * restart. The session signing key is kept next to them for the same reason (in production: load
 * it from your secret store, e.g. SESSIONS_SIGNING_KEY).
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
import { postgresSessions, type PostgresSessionStore } from '../../src/postgres/index.js';

export interface DemoSessionsStore {
  store: PostgresSessionStore;
  signingKey: string;
  where: string;
  close(): Promise<void>;
}

function signingKey(dir: string): string {
  if (process.env.SESSIONS_SIGNING_KEY) return process.env.SESSIONS_SIGNING_KEY;
  const file = join(dir, 'sessions-signing-key.pem');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8');
}

export async function openSessionsStore(): Promise<DemoSessionsStore> {
  const dir = resolve(process.env.SESSIONS_DATA_DIR ?? '.data/identity-service');
  mkdirSync(dir, { recursive: true });
  if (process.env.DATABASE_URL) {
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    const store = postgresSessions({ client: pool });
    await store.migrate();
    return { store, signingKey: signingKey(dir), where: 'PostgreSQL (DATABASE_URL)', close: async () => { await store.close(); await pool.end(); } };
  }
  const db = new PGlite(join(dir, 'pglite'));
  const store = postgresSessions({ client: db });
  await store.migrate();
  return { store, signingKey: signingKey(dir), where: `PGlite in ${dir}`, close: async () => { await store.close(); await db.close(); } };
}
