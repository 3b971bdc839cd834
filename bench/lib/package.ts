/**
 * sessionguard as published: the built package in dist/ (`npm run bench` builds it first), loaded
 * through its public entry points only, so a change to src/ internals cannot break the benchmarks.
 * (tsx's per-file transform of src/ turns every cross-module call into a getter call, which made the
 * HTTP hot path measurably slower than the bundled build.) BENCH_DIST points at another build, to
 * compare two builds (see bench/paired.ts).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

const load = createRequire(__filename);
const DIST = process.env.BENCH_DIST ?? join(__dirname, '..', '..', 'dist');

export const core = load(join(DIST, 'index.js')) as typeof import('sessionguard');
export const expressAdapter = load(join(DIST, 'express.js')) as typeof import('sessionguard/express');
export const koaAdapter = load(join(DIST, 'koa.js')) as typeof import('sessionguard/koa');
export const testing = load(join(DIST, 'testing.js')) as typeof import('sessionguard/testing');
export const fastifyAdapter = load(join(DIST, 'fastify.js')) as typeof import('sessionguard/fastify');
export const honoAdapter = load(join(DIST, 'hono.js')) as typeof import('sessionguard/hono');
export const identity = load(join(DIST, 'identity.js')) as typeof import('sessionguard/identity');
export const postgres = load(join(DIST, 'postgres.js')) as typeof import('sessionguard/postgres');
export const redisEntry = load(join(DIST, 'redis.js')) as typeof import('sessionguard/redis');
