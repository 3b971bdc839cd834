/**
 * One app instance for the multi-instance test: its own process, sessionguard,
 * caches and Redis connections. Run with tsx; prints `listening <port>`.
 * Env: REDIS_URL, JWKS_URL, CLIENT_ID, STATUS_TTL_SECONDS.
 */
import express from 'express';
import { createClient } from 'redis';
import { workos } from '../../src';
import { sessionGuard } from '../../src/express';
import { redisStore } from '../../src/redis';
import { serveUntilTerminated } from './app-process';

async function main(): Promise<void> {
  const client = createClient({ url: process.env.REDIS_URL });
  client.on('error', () => undefined); // outages are expected; the store reports through onEvent
  await client.connect();

  let clockOffsetMs = 0;
  const guard = sessionGuard({
    providers: [workos({ clientId: process.env.CLIENT_ID!, jwksUrl: process.env.JWKS_URL! })],
    store: redisStore({ client }),
    statusCacheTtlSeconds: Number(process.env.STATUS_TTL_SECONDS),
    clock: () => Date.now() + clockOffsetMs,
  });
  const app = express();
  // Test only: move this process's clock instead of waiting for its caches to expire.
  app.post('/__clock/:offsetMs', (req, res) => {
    clockOffsetMs = Number(req.params.offsetMs);
    res.json({ clockOffsetMs });
  });
  app.get('/me', guard, (req, res) => res.json({ subject: req.auth!.subject }));
  serveUntilTerminated(app, () => {
    guard.verifier.close();
    client.destroy();
  });
}

void main();
