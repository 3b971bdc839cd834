/**
 * Remote mode against local verification, over loopback HTTP:
 *   npx tsx bench/remote-mode.ts [seconds per run, default 5]
 * Service B runs identityRouter; A verifies through it with the verdict cache on and off; a third app
 * verifies locally. Each is warmed up (1 s), then loaded with autocannon (10 connections, one valid token).
 */
import autocannon from 'autocannon';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { remote, type SessionGuardOptions } from '../src/index.js';
import { sessionGuard } from '../src/express/index.js';
import { identityRouter } from '../src/identity/index.js';
import { createTestIssuer } from '../src/testing/index.js';

const KEY = 'svc_bench_0123456789abcdef0123456789abcdef';

function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }));
  });
}

function guarded(options: SessionGuardOptions): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(sessionGuard(options));
  app.get('/me', (req, res) => res.json({ subject: req.auth!.subject }));
  return listen(app);
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const issuer = await createTestIssuer({ kind: 'workos' });
  const identityApp = express();
  identityApp.use(identityRouter({ providers: [issuer.provider()], serviceAuth: { apiKeys: [{ name: 'bench', key: KEY, scopes: ['sessions:verify'] }] } }));
  const b = await listen(identityApp);
  const runs = {
    'local verification': await guarded({ providers: [issuer.provider()] }),
    'remote, verdict cache on': await guarded({ providers: [remote({ url: b.url, credentials: KEY })] }),
    'remote, verdict cache off': await guarded({ providers: [remote({ url: b.url, credentials: KEY, cache: false })] }),
  };
  const token = await issuer.sessionToken({ expiresIn: 3600 });
  for (const { url } of Object.values(runs)) {
    await autocannon({ url: `${url}/me`, connections: 10, duration: 1, headers: { authorization: `Bearer ${token}` } }); // warm-up
  }
  for (const [name, { url }] of Object.entries(runs)) {
    const result = await autocannon({ url: `${url}/me`, connections: 10, duration: seconds, headers: { authorization: `Bearer ${token}` } });
    const ok = result.non2xx === 0 && result.errors === 0;
    console.log(`${name.padEnd(28)} ${Math.round(result.requests.average).toString().padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms${ok ? '' : '  (errors!)'}`);
  }
  for (const { server } of [...Object.values(runs), b]) server.close();
  await issuer.close();
  process.exit(0);
}

void main();
