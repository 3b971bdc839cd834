/**
 * Section 2b: the HTTP comparisons the targets are about, measured paired: two servers
 * at once on one shared core (see lib/paired-load.ts), several fresh pairs of processes
 * per comparison. An A/A pair of bare Express servers is the noise control.
 *
 * BENCH_PAIRED="express:express-sessionguard,koa:koa-sessionguard" runs other comparisons
 * (kinds of bench/http-server.ts); `kind@/path/to/dist` runs a side from another build, to
 * compare two builds: `cp -r dist dist-before`, change and rebuild, then
 * `BENCH_PAIRED="express-sessionguard@$PWD/dist-before:express-sessionguard"`
 * (the directory must sit inside the project, so that it finds node_modules).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestIssuer } from '../src/testing/index.js';
import { createMinter } from './lib/tokens.js';
import { measurePair, pairedUnavailable, summarize, type PairedServer, type PairedSummary } from './lib/paired-load.js';
import { RESULTS_DIR, settings } from './lib/config.js';

interface Comparison {
  name: string;
  first: PairedServer;
  second: PairedServer;
  role: 'control' | 'target' | 'contender' | 'reference';
}

export type PairedResult = Comparison & (PairedSummary | { unavailable: string });

const COMPARISONS: readonly Comparison[] = [
  { name: 'Express (bare) vs itself: noise control', first: { kind: 'express' }, second: { kind: 'express' }, role: 'control' },
  { name: 'Express + sessionguard (cached token)', first: { kind: 'express' }, second: { kind: 'express-sessionguard' }, role: 'target' },
  {
    name: 'Express + sessionguard (cached token, SessionIncomingMessage)',
    first: { kind: 'express' },
    second: { kind: 'express-sessionguard-declared' },
    role: 'contender',
  },
  { name: 'Express + a middleware that only calls next() (reference)', first: { kind: 'express' }, second: { kind: 'express-noop' }, role: 'reference' },
  { name: 'Express + a middleware that only sets req.auth (reference)', first: { kind: 'express' }, second: { kind: 'express-set-auth' }, role: 'reference' },
  { name: 'Koa + sessionguard (cached token)', first: { kind: 'koa' }, second: { kind: 'koa-sessionguard' }, role: 'target' },
  { name: 'Koa + a middleware that only sets ctx.state.auth (reference)', first: { kind: 'koa' }, second: { kind: 'koa-set-auth' }, role: 'reference' },
];

function parseServer(spec: string): PairedServer {
  const [kind, dist] = spec.split('@');
  if (!kind) throw new TypeError(`BENCH_PAIRED: "${spec}" names no server kind.`);
  return dist === undefined ? { kind } : { kind, dist };
}

function fromEnvironment(value: string): Comparison[] {
  return value.split(',').map((pair) => {
    const sides = pair.split(':');
    if (sides.length !== 2) throw new TypeError(`BENCH_PAIRED: "${pair}" is not "first:second".`);
    return { name: pair, first: parseServer(sides[0]!), second: parseServer(sides[1]!), role: 'contender' };
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
    const issuer = await createTestIssuer({ kind: 'workos', alg: 'RS256' });
    const token = createMinter(issuer).mint(1);
    for (const comparison of comparisons) {
      const pairs = [];
      for (let pair = 0; pair < settings.pairedPairs; pair++) {
        pairs.push(await measurePair(comparison.first, comparison.second, issuer, token, pair % 2 === 1));
      }
      const summary = summarize(pairs);
      results.push({ ...comparison, ...summary });
      console.log(
        `${comparison.name.padEnd(64)} ${summary.ratio.toFixed(3)}  (pairs ${summary.pairMedians.map((value) => value.toFixed(3)).join(' ')}; ` +
          `least core share ${summary.minCpuShare.toFixed(2)}, load generator at most ${summary.maxLoaderShare.toFixed(2)} of its core)`,
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
