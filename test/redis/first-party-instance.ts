/**
 * One app instance with first-party sessions for the two-process revocation test: its own
 * process, caches and Redis connections. Run with tsx; prints `listening <port>`.
 * Env: REDIS_URL, IDENTITY_URL, PROJECT_ID, SECRET.
 */
import express from 'express';
import { createClient } from 'redis';
import { identitySessions } from '../../src';
import { sessionGuard } from '../../src/express';
import { redisStore } from '../../src/redis';
import { serveUntilTerminated } from './app-process';

async function main(): Promise<void> {
  const client = createClient({ url: process.env.REDIS_URL });
  client.on('error', () => undefined);
  await client.connect();
  const identity = process.env.IDENTITY_URL!;
  const projectId = process.env.PROJECT_ID!;
  const guard = sessionGuard({
    providers: [identitySessions({ issuer: identity, projectId, jwksUrl: `${identity}/v1/sessions/jwks/${projectId}` })],
    refresh: { serviceUrl: identity, projectId, secret: process.env.SECRET! },
    cookies: { hostPrefix: false, secure: false },
    store: redisStore({ client }),
    statusCacheTtlSeconds: 60, // far longer than 1 s: only the store's change message can make the deadline
  });
  const app = express();
  app.get('/me', guard, (req, res) => res.json({ subject: req.auth!.subject }));
  app.post('/signout', async (req, res) => res.json(await guard.endSession(req, res)));
  serveUntilTerminated(app, () => {
    guard.verifier.close();
    client.destroy();
  });
}

void main();
