/**
 * Express without the network: real `IncomingMessage` and `ServerResponse` objects (no socket; the
 * response is buffered) through an Express app, in one process, to see what a middleware costs among
 * Express's own work with none of the HTTP noise. Kinds run interleaved in batches, the order reversed
 * every round; each prints its median µs per request and the difference to the first kind. Builds
 * nothing: run `npx tsup` first. For a profile, add `--cpu-prof`:
 *
 *   npx tsup && node --import tsx bench/express-inprocess.ts
 *   BENCH_KINDS=express,express-sessionguard BENCH_BATCH=2000 BENCH_ROUNDS=100 node --import tsx bench/express-inprocess.ts
 *
 * Kinds: express, express-set-auth (only sets req.auth), express-sessionguard (cached token),
 * express-sessionguard-declared (the same on requests built as SessionIncomingMessage).
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type express from 'express';
import { createTestIssuer } from '../src/testing/index.js';
import { core, expressAdapter } from './lib/package.js';
import { AUDIENCE, createMinter } from './lib/tokens.js';
import { median } from './lib/median.js';
import { expressApp } from './lib/hello-app.js';

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive whole number.`);
  return value;
}

async function main(): Promise<void> {
  const issuer = await createTestIssuer({ kind: 'workos', alg: 'RS256' });
  const token = createMinter(issuer).mint(1);
  const guard = expressAdapter.sessionGuard({ providers: [core.workos({ clientId: 'client_test', jwksUrl: issuer.jwksUrl, audience: AUDIENCE })] });
  await guard.warm();
  const principal = Object.freeze({ subject: 'user_bench' });
  const kinds: Record<string, { app: express.Express; Request: typeof IncomingMessage }> = {
    express: { app: expressApp(undefined), Request: IncomingMessage },
    'express-set-auth': {
      app: expressApp((req, _res, next) => {
        (req as { auth?: unknown }).auth = principal;
        next();
      }),
      Request: IncomingMessage,
    },
    'express-sessionguard': { app: expressApp(guard), Request: IncomingMessage },
    'express-sessionguard-declared': { app: expressApp(guard), Request: expressAdapter.SessionIncomingMessage },
  };
  const names = (process.env.BENCH_KINDS ?? 'express,express-set-auth,express-sessionguard,express-sessionguard-declared').split(',');
  for (const name of names) if (kinds[name] === undefined) throw new TypeError(`unknown kind ${name}`);
  const batch = positive('BENCH_BATCH', 2000);
  const rounds = positive('BENCH_ROUNDS', 60);

  // One keep-alive connection: every request comes on the same socket, as autocannon's do.
  const socket = { readableHighWaterMark: 16 * 1024 } as unknown as Socket;
  const rawHeaders = ['Host', '127.0.0.1:3000', 'User-Agent', 'bench', 'Authorization', `Bearer ${token}`];
  let failed = 0;
  const serve = ({ app, Request }: (typeof kinds)[string]): void => {
    const req = new Request(socket);
    req.method = 'GET';
    req.url = '/';
    req.httpVersion = '1.1';
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.rawHeaders = rawHeaders;
    const res = new ServerResponse(req);
    app(req as express.Request, res as express.Response);
    // Synchronous all the way on a cached token: the route has answered by now.
    if (!res.writableEnded || res.statusCode !== 200) failed++;
  };

  // Warm-up: the first request verifies (asynchronously) and fills the cache.
  serve(kinds['express-sessionguard']!);
  await new Promise((resolve) => setTimeout(resolve, 200));
  failed = 0;
  const samples = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = -2; round < rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) serve(kinds[name]!);
      if (round >= 0) samples.get(name)!.push(Number(process.hrtime.bigint() - started) / batch);
      await nextTurn();
    }
  }
  if (failed > 0) throw new Error(`${failed} requests were not answered 200 synchronously`);
  const base = median(samples.get(names[0]!)!)!;
  for (const name of names) {
    const ns = median(samples.get(name)!)!;
    console.log(`${name.padEnd(32)} ${(ns / 1000).toFixed(2)} µs per request (median of ${rounds} batches), ${((ns - base) / 1000).toFixed(2)} µs over ${names[0]}`);
  }
  guard.verifier.close();
  await issuer.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
