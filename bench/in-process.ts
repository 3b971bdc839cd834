/**
 * Section 2b, the cached path in-process: each framework's app (lib/apps.ts) without the network,
 * on real `IncomingMessage` and `ServerResponse` objects (no socket: the response is buffered), in
 * one process. Bare, the reference (a middleware that only sets the principal) and sessionguard on
 * a cached token run interleaved in batches as large as the paired section's connection count (as
 * many requests in flight as autocannon keeps), the order rotated every round; each keeps its median
 * µs per request. What sessionguard costs beyond the reference is the adapter's and the core's own
 * cost per request, free of the load generator that bounds the paired HTTP rows on two cores.
 *
 *   npx tsup && npx tsx bench/in-process.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { testing } from './lib/package.js';
import { createMinter } from './lib/tokens.js';
import { listenerFor, type Listener } from './lib/apps.js';
import { median, QUICK, RESULTS_DIR, settings } from './lib/config.js';

export interface InProcessResult {
  framework: string;
  /** Median µs per request: bare, reference, sessionguard (cached token). */
  bare: number;
  reference: number;
  sessionguard: number;
  rounds: number;
}

const FRAMEWORKS = ['express', 'koa', 'fastify', 'hono'] as const;
/**
 * Requests in flight at once: a batch of 500 kept every request of the batch (and what the
 * middleware attached to it) alive until the batch ended, which a server with 50 connections never
 * does, and made the figures swing by a µs from run to run.
 */
const BATCH = settings.httpConnections;
const ROUNDS = QUICK ? 600 : 3000;

/**
 * The order of round `round`: rotated, so each app follows each other app equally often and never
 * itself. (Reversing the order every round made the first and last apps run twice in a row, half
 * warmed by their own batch: three copies of one app then read up to 1.4 µs apart.)
 */
function orderOf(round: number): number[] {
  const shift = ((round % 3) + 3) % 3;
  return [0, 1, 2].map((index) => (index + shift) % 3);
}

// One keep-alive connection: every request comes on the same socket, as autocannon's do.
const socket = { readableHighWaterMark: 16 * 1024, encrypted: false, remoteAddress: '127.0.0.1', remotePort: 50000 } as unknown as Socket;

/**
 * Each request's Authorization value is a string of its own, as the HTTP parser makes one per
 * request: a verifier that remembers the last token must compare it in full, not by identity.
 */
function authorizationValues(token: string): string[] {
  return Array.from({ length: BATCH }, () => Buffer.from(`Bearer ${token}`, 'latin1').toString('latin1'));
}

function request(authorization: string): IncomingMessage {
  const req = new IncomingMessage(socket);
  req.method = 'GET';
  req.url = '/';
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.rawHeaders = ['Host', '127.0.0.1:3000', 'User-Agent', 'bench', 'Authorization', authorization];
  req.headers = { host: '127.0.0.1:3000', 'user-agent': 'bench', authorization };
  req.complete = true;
  req.push(null);
  return req;
}

/**
 * A batch of requests through a listener, then one event-loop turn for the asynchronous ones; µs
 * per request (wall time of the one thread: process CPU time would count the garbage collector's
 * helper threads too).
 */
async function serveBatch(listener: Listener, authorizations: readonly string[]): Promise<number> {
  const responses: ServerResponse[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < BATCH; i++) {
    const req = request(authorizations[i]!);
    const res = new ServerResponse(req);
    responses.push(res);
    listener(req, res);
  }
  await nextTurn();
  const elapsed = Number(process.hrtime.bigint() - started) / 1000;
  for (const res of responses) if (!res.writableEnded || res.statusCode !== 200) throw new Error(`a request was answered ${res.statusCode} or not at all`);
  return elapsed / BATCH;
}

async function main(): Promise<void> {
  const issuer = await testing.createTestIssuer({ kind: 'workos', alg: 'RS256' });
  const token = createMinter(issuer).mint(1);
  const authorizations = authorizationValues(token);
  const config = { issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, pem: issuer.key.publicPem, cold: false };
  const results: InProcessResult[] = [];
  for (const framework of FRAMEWORKS) {
    const kinds = [framework, `${framework}-set-auth`, `${framework}-sessionguard`];
    const listeners = await Promise.all(kinds.map((kind) => listenerFor(kind, config)));
    const samples: number[][] = kinds.map(() => []);
    for (let round = -60; round < ROUNDS; round++) {
      for (const index of orderOf(round)) {
        const perRequest = await serveBatch(listeners[index]!, authorizations);
        if (round >= 0) samples[index]!.push(perRequest);
      }
    }
    const [bare, reference, sessionguard] = samples.map((values) => median(values)) as [number, number, number];
    results.push({ framework, bare, reference, sessionguard, rounds: ROUNDS });
    console.log(
      `${framework.padEnd(8)} bare ${bare.toFixed(2)} µs, reference ${reference.toFixed(2)} µs (+${(reference - bare).toFixed(2)}), ` +
        `sessionguard ${sessionguard.toFixed(2)} µs (+${(sessionguard - bare).toFixed(2)}); sessionguard over the reference ${(sessionguard - reference).toFixed(2)} µs per request`,
    );
  }
  await issuer.close();
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'in-process.json'), JSON.stringify(results, null, 2));
  // The guards' key sets and timers are unref'd; the issuer is closed: nothing keeps the process.
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
