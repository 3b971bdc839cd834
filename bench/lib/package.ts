/**
 * sessionguard as published: the built package in dist/ (`npm run bench` builds it
 * first), which is the code users run. tsx's per-file transform of src/ turns every
 * cross-module call into a getter call, which made the HTTP hot path measurably
 * slower than the bundled build. BENCH_DIST points at another build instead (to compare
 * two builds: see bench/paired.ts).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

const load = createRequire(__filename);
const DIST = process.env.BENCH_DIST ?? join(__dirname, '..', '..', 'dist');

export const core = load(join(DIST, 'index.js')) as typeof import('../../src/index.js');
export const expressAdapter = load(join(DIST, 'express.js')) as typeof import('../../src/express/index.js');
export const koaAdapter = load(join(DIST, 'koa.js')) as typeof import('../../src/koa/index.js');
