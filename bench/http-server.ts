/**
 * One benchmark server per process: the app of the kind BENCH_SERVER names (see lib/apps.ts) on
 * 127.0.0.1. Prints "READY <port>" once listening (keys fetched first unless BENCH_COLD=1).
 * Configuration comes from the parent in BENCH_ISSUER, BENCH_JWKS_URL, BENCH_PEM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressAdapter } from './lib/package.js';
import { listenerFor } from './lib/apps.js';

const kind = process.env.BENCH_SERVER ?? 'express';

async function main(): Promise<void> {
  const handler = await listenerFor(kind, {
    issuer: process.env.BENCH_ISSUER ?? '',
    jwksUrl: process.env.BENCH_JWKS_URL ?? '',
    pem: process.env.BENCH_PEM ?? '',
    cold: process.env.BENCH_COLD === '1',
  });
  // The -declared kind opts in to a request class with `auth` declared (see SessionIncomingMessage).
  const declared = kind === 'express-sessionguard-declared' ? { IncomingMessage: expressAdapter.SessionIncomingMessage } : {};
  const server = createServer({ keepAlive: true, ...declared }, handler);
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => console.log(`READY ${(server.address() as AddressInfo).port}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
