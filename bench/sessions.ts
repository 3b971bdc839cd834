/**
 * Section 5: first-party sessions per store. For each store (memory, PGlite in a data directory,
 * a throwaway PostgreSQL server, a redis-server), one identity service over HTTP on 127.0.0.1, loaded
 * by autocannon in turn with: authenticate by token, authenticate by JWT, and the verify endpoint
 * with the same sessions' JWTs (the baseline measured in the same run). Requests rotate over 200
 * sessions, so a store's per-row locking does not make it one hot row.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import express from 'express';
import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
import { createClient } from 'redis';
import type { SessionRecordStore } from 'sessionguard';
import { PostgresServer } from '../scripts/servers/postgres-server.js';
import { RedisServer } from '../scripts/servers/redis-server.js';
import { RESULTS_DIR, QUICK } from './lib/config.js';
import { core, identity, postgres, redisEntry, testing } from './lib/package.js';

export interface SessionsResult {
  store: string;
  byToken: number;
  byJwt: number;
  verify: number;
}

const PROJECT = 'project-bench-0f6a3c2e-5b1d-4e8f-9a7c-2d4b6e8f0a1c';
const SECRET = 'secret-bench-4q2ZyV0cNw8pL3sR7tB1xK9mJ5hD6fGa';
const API_KEY = 'svc_bench_5b3f0c2e9d4a47e1a6f8c0b2d7e9f1a3';
const SESSIONS = 200;
const SECONDS = QUICK ? 2 : 5;
const basic = `Basic ${Buffer.from(`${PROJECT}:${SECRET}`).toString('base64')}`;

async function rate(url: string, authorization: string, bodies: string[]): Promise<number> {
  let next = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: 10,
    duration: SECONDS,
    headers: { authorization, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

async function measure(name: string, store: SessionRecordStore): Promise<SessionsResult> {
  const issuer = await testing.createTestIssuer({ kind: 'workos' });
  const service = identity.createIdentityService({
    providers: [issuer.provider()],
    serviceAuth: { apiKeys: [{ name: 'bench', key: API_KEY, scopes: ['sessions:verify'] }] },
    sessions: { store, issuer: 'https://sessions.bench.test', projectId: PROJECT, secrets: [{ secret: SECRET, scopes: ['sessions:create', 'sessions:create_for_user', 'sessions:authenticate'] }], signingKeys: [{ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, kid: 'bench' }] },
  });
  const app = express();
  app.use(identity.identityRouter(service));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sessions: { token: string; jwt: string }[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const res = await fetch(`${base}/v1/sessions`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/json' }, body: JSON.stringify({ user_id: `user_bench_${i}`, session_duration_minutes: 60 }) });
    const body = (await res.json()) as { session_token: string; session_jwt: string };
    sessions.push({ token: body.session_token, jwt: body.session_jwt });
  }
  const result: SessionsResult = {
    store: name,
    byToken: await rate(`${base}/v1/sessions/authenticate`, basic, sessions.map((s) => JSON.stringify({ session_token: s.token }))),
    byJwt: await rate(`${base}/v1/sessions/authenticate`, basic, sessions.map((s) => JSON.stringify({ session_jwt: s.jwt }))),
    verify: await rate(`${base}/v1/sessions/verify`, `Bearer ${API_KEY}`, sessions.map((s) => JSON.stringify({ token: s.jwt }))),
  };
  console.log(`${name.padEnd(28)} by token ${Math.round(result.byToken)}/s   by JWT ${Math.round(result.byJwt)}/s   verify endpoint ${Math.round(result.verify)}/s`);
  service.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await issuer.close();
  return result;
}

async function main(): Promise<void> {
  const results: SessionsResult[] = [await measure('memorySessions()', core.memorySessions())];
  const dir = mkdtempSync(join(tmpdir(), 'sessionguard-bench-pglite-'));
  const lite = new PGlite(join(dir, 'data'));
  const onLite = postgres.postgresSessions({ client: lite });
  await onLite.migrate();
  results.push(await measure('postgresSessions() on PGlite', onLite));
  await onLite.close();
  await lite.close();
  rmSync(dir, { recursive: true, force: true });

  const pgServer = await PostgresServer.start();
  const pool = new Pool({ connectionString: pgServer.url, max: 10 });
  pool.on('error', () => undefined); // an idle connection dropped at shutdown is not a result
  const onPostgres = postgres.postgresSessions({ client: pool });
  await onPostgres.migrate();
  results.push(await measure(`postgresSessions() on ${PostgresServer.version()?.replace('postgres (PostgreSQL) ', 'PostgreSQL ')}`, onPostgres));
  await onPostgres.close();
  await pool.end();
  await pgServer.close();

  const redisServer = await RedisServer.start();
  const client = createClient({ url: redisServer.url });
  await client.connect();
  results.push(await measure('redisSessions()', redisEntry.redisSessions({ client })));
  client.destroy();
  await redisServer.close();
  writeFileSync(join(RESULTS_DIR, 'sessions.json'), JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
