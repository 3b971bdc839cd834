/**
 * The hot path alone, for profiling: `node --import tsx --cpu-prof bench/profile.ts`
 * (BENCH_CACHE=0 for the cache-off path, BENCH_ALG=ES256, BENCH_REQUEST=1 to go through
 * authenticate() with a request as Node parses it). Prints ns per verification.
 */
import { createTestIssuer, type TestAlgorithm } from '../src/testing/index.js';
import { createVerifier } from '../src/index.js';
import { AUDIENCE, createMinter } from './lib/tokens.js';

async function main(): Promise<void> {
  const issuer = await createTestIssuer({ kind: 'workos', alg: (process.env.BENCH_ALG ?? 'RS256') as TestAlgorithm });
  const token = createMinter(issuer).mint(1);
  const cache = process.env.BENCH_CACHE !== '0';
  const verifier = createVerifier({ providers: [issuer.provider({ audience: AUDIENCE })], tokenCache: cache ? undefined : false });
  await verifier.warm();
  const authorization = `Bearer ${token}`;
  const request = {
    method: 'GET',
    headers: { host: '127.0.0.1:3000', 'user-agent': 'bench', accept: '*/*', authorization },
    rawHeaders: ['Host', '127.0.0.1:3000', 'User-Agent', 'bench', 'Accept', '*/*', 'Authorization', authorization],
    // One keep-alive connection, as Node gives every request on it the same socket.
    socket: {},
  };
  // authenticateNow() is what the adapters call: synchronous on a cache hit.
  const run = process.env.BENCH_REQUEST === '1' ? () => verifier.authenticateNow(request) : () => verifier.verify(token);
  const count = Number(process.env.BENCH_COUNT ?? (cache ? 1_000_000 : 20_000));
  for (let i = 0; i < count / 10; i++) await run();
  // Awaited only when it is a promise, as the adapters do.
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const outcome = run();
    if (outcome instanceof Promise) await outcome;
  }
  const ns = Number(process.hrtime.bigint() - started) / count;
  const cpu = process.cpuUsage(cpuStarted);
  // CPU time is steadier than wall time on a shared machine (it still counts the crypto thread pool).
  const cpuNs = ((cpu.user + cpu.system) * 1000) / count;
  console.log(`${cache ? 'cache on' : 'cache off'}: ${ns.toFixed(0)} ns wall, ${cpuNs.toFixed(0)} ns CPU per verification`);
  verifier.close();
  await issuer.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
