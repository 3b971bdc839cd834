/**
 * Section 2, HTTP: each server against its bare framework, measured paired: two servers at once
 * on one shared core (see lib/load.ts), several fresh pairs of processes per comparison. An A/A
 * pair of bare Express servers is the noise control.
 *
 * BENCH_PAIRED="express:express-sessionguard,koa:koa-sessionguard" runs other comparisons
 * (kinds of bench/http-server.ts) and writes nothing; `kind@/path/to/dist` runs a side from another
 * build, to compare two builds: `cp -r dist dist-before`, change and rebuild, then
 * `BENCH_PAIRED="express-sessionguard@$PWD/dist-before:express-sessionguard"`
 * (the directory must sit inside the project, so that it finds node_modules).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testing } from './lib/package.js';
import { createMinter } from './lib/tokens.js';
import { measureComparison, pairedUnavailable, type PairedServer, type PairedSummary } from './lib/load.js';
import { RESULTS_DIR } from './lib/config.js';

/** control: A/A; target: the cached path (0.90× target); sessionguard: other sessionguard rows; peer; reference. */
export type Role = 'control' | 'target' | 'sessionguard' | 'peer' | 'reference';

interface Comparison {
  name: string;
  first: PairedServer;
  second: PairedServer;
  role: Role;
}

export type PairedResult = Comparison & (PairedSummary | { unavailable: string });

const row = (name: string, first: string, second: string, role: Role): Comparison => ({ name, first: { kind: first }, second: { kind: second }, role });

const COMPARISONS: readonly Comparison[] = [
  row('Express (bare) vs itself: noise control', 'express', 'express', 'control'),
  row('Express + sessionguard (cached token)', 'express', 'express-sessionguard', 'target'),
  row('Express + sessionguard (cached token, SessionIncomingMessage)', 'express', 'express-sessionguard-declared', 'sessionguard'),
  row('Express + sessionguard (cache off)', 'express', 'express-sessionguard-nocache', 'sessionguard'),
  row('Express + express-oauth2-jwt-bearer', 'express', 'express-oauth2-jwt-bearer', 'peer'),
  row('Express + express-jwt + jwks-rsa', 'express', 'express-jwt', 'peer'),
  row('Express + @clerk/express (jwtKey)', 'express', 'express-clerk', 'peer'),
  row('Express + a middleware that only sets req.auth (reference)', 'express', 'express-set-auth', 'reference'),
  row('Koa + sessionguard (cached token)', 'koa', 'koa-sessionguard', 'target'),
  row('Koa + a middleware that only sets ctx.state.auth (reference)', 'koa', 'koa-set-auth', 'reference'),
  row('Fastify + sessionguard (cached token)', 'fastify', 'fastify-sessionguard', 'target'),
  row('Fastify + a hook that only sets request.auth (reference)', 'fastify', 'fastify-set-auth', 'reference'),
  row('Hono + sessionguard (cached token)', 'hono', 'hono-sessionguard', 'target'),
  row("Hono + a middleware that only sets c.get('auth') (reference)", 'hono', 'hono-set-auth', 'reference'),
];

function fromEnvironment(value: string): Comparison[] {
  const server = (spec: string): PairedServer => {
    const [kind, dist] = spec.split('@');
    if (!kind) throw new TypeError(`BENCH_PAIRED: "${spec}" names no server kind.`);
    return dist === undefined ? { kind } : { kind, dist };
  };
  return value.split(',').map((pair) => {
    const sides = pair.split(':');
    if (sides.length !== 2) throw new TypeError(`BENCH_PAIRED: "${pair}" is not "first:second".`);
    return { name: pair, first: server(sides[0]!), second: server(sides[1]!), role: 'sessionguard' };
  });
}

async function main(): Promise<void> {
  const comparisons = process.env.BENCH_PAIRED ? fromEnvironment(process.env.BENCH_PAIRED) : COMPARISONS;
  const unavailable = pairedUnavailable();
  const results: PairedResult[] = [];
  if (unavailable !== undefined) {
    console.log(`paired runs not available: ${unavailable}`);
    results.push(...comparisons.map((comparison) => ({ ...comparison, unavailable })));
  } else {
    const issuer = await testing.createTestIssuer({ kind: 'workos', alg: 'RS256' });
    const token = createMinter(issuer).mint(1);
    for (const comparison of comparisons) {
      const summary = await measureComparison(comparison.first, comparison.second, issuer, token);
      results.push({ ...comparison, ...summary });
      console.log(
        `${comparison.name.padEnd(64)} ${summary.ratio.toFixed(3)}  (pairs ${summary.pairMedians.map((value) => value.toFixed(3)).join(' ')}; ` +
          `least core share ${summary.minCpuShare.toFixed(2)}, load generator at most ${summary.maxLoaderShare.toFixed(2)} of its core; ` +
          `CPU per request ${summary.cpuPerRequest.map((value) => value.toFixed(1)).join(' / ')} µs, ratio ${summary.cpuRatio.toFixed(3)})`,
      );
    }
    await issuer.close();
  }
  if (!process.env.BENCH_PAIRED) writeFileSync(join(RESULTS_DIR, 'paired.json'), JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
