/**
 * Hot-path cost of a store with warm caches: verify() of a cached token with
 * no store, memoryStore() and redisStore() (real redis-server on a free port).
 * Warm caches mean no Redis round trip, so all three should be close.
 *
 *   npx tsx bench/store-hot-path.ts
 */
import { bench, run, summary } from 'mitata';
import { createClient } from 'redis';
import { createVerifier, memoryStore } from '../src';
import { redisStore } from '../src/redis';
import { createTestIssuer } from '../src/testing';
import { RedisServer } from '../test/redis/redis-server';

async function main(): Promise<void> {
  const [redis, issuer] = await Promise.all([RedisServer.start(), createTestIssuer({ kind: 'workos' })]);
  const client = createClient({ url: redis.url });
  await client.connect();
  const token = await issuer.sessionToken({ sub: 'user_bench', expiresIn: 3600 });
  const verifiers = {
    'no store': createVerifier({ providers: [issuer.provider()] }),
    memoryStore: createVerifier({ providers: [issuer.provider()], store: memoryStore(), statusCacheTtlSeconds: 3600 }),
    redisStore: createVerifier({ providers: [issuer.provider()], store: redisStore({ client }), statusCacheTtlSeconds: 3600 }),
  };
  for (const verifier of Object.values(verifiers)) await verifier.verify(token); // warm every cache
  summary(() => {
    for (const [name, verifier] of Object.entries(verifiers)) bench(`verify, warm caches, ${name}`, () => verifier.verify(token));
  });
  await run();
  for (const verifier of Object.values(verifiers)) verifier.close();
  client.destroy();
  await Promise.all([redis.close(), issuer.close()]);
}

void main();
