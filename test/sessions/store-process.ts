/**
 * A separate process for the restart tests: `create <store> <target> <count>` stores sessions and
 * prints their tokens, then waits to be killed; `find <store> <target> <tokens…>` prints the ids it
 * finds. <store>: pglite (target: data directory), postgres (URL), redis (URL).
 */
import { createClient } from 'redis';
import { hashSessionToken, newSessionId, newSessionToken } from '../../src/core/sessions/tokens';
import type { SessionRecordStore } from '../../src';
import { postgresSessions } from '../../src/postgres';
import { redisSessions } from '../../src/redis';

async function open(kind: string, target: string): Promise<SessionRecordStore> {
  if (kind === 'redis') {
    const client = createClient({ url: target });
    await client.connect();
    return redisSessions({ client });
  }
  let client;
  if (kind === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    client = new PGlite(target);
  } else {
    const { Pool } = await import('pg');
    client = new Pool({ connectionString: target });
  }
  const store = postgresSessions({ client });
  await store.migrate();
  return store;
}

async function main(): Promise<void> {
  const [mode, kind, target, ...rest] = process.argv.slice(2) as [string, string, string, ...string[]];
  const store = await open(kind, target);
  if (mode === 'create') {
    const tokens: string[] = [];
    for (let i = 0; i < Number(rest[0]); i++) {
      const token = newSessionToken();
      const now = Date.now();
      const upstream = { provider: null, issuer: null, sessionId: null, roles: [], brandId: null, organizationId: null, permissions: [] };
      await store.create({ sessionId: newSessionId(), userId: 'user_restart', tokenHash: hashSessionToken(token), statusSubject: 'user_restart', startedAt: now, lastAccessedAt: now, expiresAt: now + 3_600_000, upstream, factors: [], customClaims: { i } });
      tokens.push(token);
    }
    process.stdout.write(`${JSON.stringify(tokens)}\n`);
    setInterval(() => undefined, 60_000); // stays up until killed
    return;
  }
  const found = await Promise.all(rest.map(async (token) => (await store.findByTokenHash(hashSessionToken(token), Date.now()))?.customClaims.i));
  process.stdout.write(`${JSON.stringify(found)}\n`);
  process.exit(0);
}

void main();
