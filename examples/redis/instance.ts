/**
 * One API instance. Run several: each has its own sessionguard and caches;
 * they agree through Redis. Env: PORT, REDIS_URL, WORKOS_CLIENT_ID, JWKS_URL.
 */
import express from 'express';
import { createClient } from 'redis';
import { workos } from '../../src';
import { sessionGuard } from '../../src/express';
import { redisStore } from '../../src/redis';

async function main(): Promise<void> {
  const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  client.on('error', (error: Error) => console.error(`[${process.env.PORT}] redis: ${error.message}`));
  await client.connect();

  const guard = sessionGuard({
    providers: [workos({ clientId: process.env.WORKOS_CLIENT_ID!, jwksUrl: process.env.JWKS_URL })],
    store: redisStore({ client }),
    onEvent: (event) => {
      if (event.type === 'store_error') console.error(`[${process.env.PORT}] store_error ${event.operation}: ${event.error}`);
    },
  });

  const app = express();
  app.get('/me', guard, (req, res) => res.json({ instance: process.env.PORT, subject: req.auth!.subject }));
  const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`instance listening on http://127.0.0.1:${process.env.PORT}`));
  process.on('SIGTERM', () => {
    guard.verifier.close();
    client.destroy();
    server.close();
  });
}

void main();
