import { defineConfig } from 'tsup';

// One build, two module systems: ESM (.mjs) for import, CommonJS (.js) for require.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    express: 'src/express/index.ts',
    koa: 'src/koa/index.ts',
    fastify: 'src/fastify/index.ts',
    hono: 'src/hono/index.ts',
    testing: 'src/testing/index.ts',
    redis: 'src/redis/index.ts',
    identity: 'src/identity/index.ts',
    postgres: 'src/postgres/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
});
