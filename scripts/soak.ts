/**
 * Soak: a bounded loopback load of mixed valid, invalid, expired and
 * suspended-user tokens against an Express app guarded by sessionguard.
 * Reports req/s, p50/p99 latency and heap before/after; exits non-zero on any
 * 5xx, on a valid token refused, or on a heap that grew beyond the bound.
 *
 *   npm run soak                                   # 60 s, 50 connections
 *   SOAK_SECONDS=5 SOAK_CONNECTIONS=20 npm run soak  # a quick run
 *   SOAK_MAX_HEAP_GROWTH_MB=32 (default)
 */
import type { AddressInfo } from 'node:net';
import { fork } from 'node:child_process';
import autocannon from 'autocannon';
import express from 'express';
import { sessionGuard } from '../src/express/index.js';
import { createTestIssuer } from '../src/testing/index.js';

const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const connections = Number(process.env.SOAK_CONNECTIONS ?? 50);
const maxHeapGrowthMb = Number(process.env.SOAK_MAX_HEAP_GROWTH_MB ?? 32);

const gc = (globalThis as { gc?: () => void }).gc;
function heapMb(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function main(): Promise<void> {
  if (gc === undefined) console.warn('soak: run with node --expose-gc for exact heap figures (npm run soak does).');
  const issuer = await createTestIssuer({ kind: 'workos' });
  const suspended = new Set(['user_SUSPENDED']);
  const guard = sessionGuard({
    providers: [issuer.provider()],
    accountStatus: (subject) =>
      suspended.has(subject) ? { state: 'suspended', suspendedUntil: new Date(Date.now() + 86_400_000).toISOString(), reason: 'soak' } : { state: 'active' },
    tokenCache: { max: 500 },
  });
  await guard.warm();

  const statuses = new Map<string, Map<number, number>>();
  let serverMaxMs = 0;
  const app = express();
  app.use((req, res, next) => {
    const kind = String(req.headers['x-kind']);
    const arrived = performance.now();
    res.on('finish', () => {
      serverMaxMs = Math.max(serverMaxMs, performance.now() - arrived);
      const byStatus = statuses.get(kind) ?? new Map<number, number>();
      byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
      statuses.set(kind, byStatus);
    });
    next();
  });
  app.get('/me', guard, (req, res) => res.json({ sub: req.auth!.subject }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;

  // 2000 distinct valid tokens over a cache of 500 entries: the cache must stay bounded and evict.
  const valid = await Promise.all(Array.from({ length: 2000 }, (_, i) => issuer.sessionToken({ sub: `user_${i % 200}`, expiresIn: 3600 + seconds })));
  const attacker = await issuer.createDetachedKey('RS256', issuer.key.kid);
  const kinds: Record<string, string[]> = {
    valid,
    expired: await Promise.all(Array.from({ length: 50 }, () => issuer.sessionToken({ expiresIn: -600 }))),
    suspended: await Promise.all(Array.from({ length: 50 }, () => issuer.sessionToken({ sub: 'user_SUSPENDED', expiresIn: 3600 + seconds }))),
    forged: await Promise.all(Array.from({ length: 200 }, (_, i) => issuer.sessionToken({ sub: `user_${i}` }, { key: attacker }))),
    garbage: Array.from({ length: 50 }, (_, i) => `eyJ${'x'.repeat(i)}.not.a-token`),
  };
  const expected: Record<string, number> = { valid: 200, expired: 401, suspended: 403, forged: 401, garbage: 401 };
  const heapBefore = heapMb();
  const distinct = Object.values(kinds).reduce((n, list) => n + list.length, 0);
  console.log(`soak: ${seconds} s, ${connections} connections, ${distinct} distinct tokens, heap before ${heapBefore.toFixed(1)} MB`);
  const result = await loadFromChildProcess({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, kinds });
  const heapAfter = heapMb();

  server.close();
  await issuer.close();

  const summary = {
    seconds,
    connections,
    requests: result.requests.total,
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    serverMaxMs: Math.round(serverMaxMs),
    errors: result.errors,
    timeouts: result.timeouts,
    heapBeforeMb: Number(heapBefore.toFixed(1)),
    heapAfterMb: Number(heapAfter.toFixed(1)),
    statuses: Object.fromEntries([...statuses].map(([kind, byStatus]) => [kind, Object.fromEntries(byStatus)])),
  };
  console.log(JSON.stringify(summary, null, 2));

  const problems: string[] = [];
  for (const [kind, byStatus] of statuses) {
    for (const [status, count] of byStatus) {
      if (status >= 500) problems.push(`${count} × ${status} for ${kind} tokens`);
      else if (status !== expected[kind]) problems.push(`${count} × ${status} for ${kind} tokens (expected ${expected[kind]})`);
    }
  }
  if (result.errors > 0 || result.timeouts > 0) problems.push(`${result.errors} connection errors, ${result.timeouts} timeouts`);
  if (heapAfter - heapBefore > maxHeapGrowthMb) problems.push(`heap grew by ${(heapAfter - heapBefore).toFixed(1)} MB (bound ${maxHeapGrowthMb} MB)`);
  if (result.requests.total === 0) problems.push('no request was made');
  if (problems.length > 0) {
    console.error(`soak FAILED:\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log('soak passed: no 5xx, every token answered as expected, heap bounded.');
}

type LoadOptions = { url: string; connections: number; duration: number; kinds: Record<string, string[]> };

/**
 * Runs autocannon, cycling through the kinds and through each kind's tokens.
 * Requests are set up one at a time: a large prebuilt request list stalls
 * autocannon's start (every connection builds every request) and shows up as
 * client-side timeouts.
 */
function runLoad({ url, connections, duration, kinds }: LoadOptions): Promise<autocannon.Result> {
  const names = Object.keys(kinds);
  let counter = 0;
  const next = (): { kind: string; token: string } => {
    const n = counter++;
    const kind = names[n % names.length]!;
    const list = kinds[kind]!;
    return { kind, token: list[Math.floor(n / names.length) % list.length]! };
  };
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'GET',
        path: '/me',
        setupRequest: (request) => {
          const { kind, token } = next();
          return { ...request, headers: { authorization: `Bearer ${token}`, 'x-kind': kind } };
        },
      },
    ],
  });
}

/** autocannon runs in its own process, so its buffers don't count in the server's heap. */
function loadFromChildProcess(options: LoadOptions): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1]!, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, SOAK_ROLE: 'load' } });
    child.once('message', (message) => {
      resolve(message as autocannon.Result);
      child.kill();
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 || code === null ? undefined : reject(new Error(`load process exited with ${code}`))));
    child.send(options);
  });
}

if (process.env.SOAK_ROLE === 'load') {
  process.once('message', (options) => {
    runLoad(options as LoadOptions)
      .then((result) => process.send!(result))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
