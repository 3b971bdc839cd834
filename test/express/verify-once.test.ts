/**
 * A later sessionguard middleware on a request an earlier one authenticated goes on without
 * verifying again (test/express/smoke.test.ts); nothing else counts as that: a `req.auth` set by another library or by the app
 * is verified over, a request an optional guard left anonymous is judged again, and the next
 * request on the same keep-alive connection is a request of its own.
 */
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { sessionGuard } from '../../src/express';
import { expectError } from '../helpers';
import { useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' } });

const echo: RequestHandler = (req, res) => {
  res.json({ subject: req.auth?.subject ?? null });
};

test('a req.auth set by other code is not a verification: no token is a 401 missing_token', async () => {
  const app = express();
  // As express-jwt (and many apps) do: a req.auth of its own.
  app.use((req, _res, next) => {
    (req as { auth?: unknown }).auth = { subject: 'user_01FORGED' };
    next();
  });
  app.use(sessionGuard({ providers: [issuers.workos.provider()] }));
  app.get('/me', echo);
  expectError(await request(app).get('/me'), 401, 'missing_token');
  const token = await issuers.workos.sessionToken({ sub: 'user_01REAL' });
  const res = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ subject: 'user_01REAL' });
});

test('a request an optional guard left anonymous is judged again by a later required one: 401 missing_token', async () => {
  const guard = sessionGuard({ providers: [issuers.workos.provider()] });
  const app = express();
  app.use(guard.optional(), guard);
  app.get('/me', echo);
  expectError(await request(app).get('/me'), 401, 'missing_token');
});

describe('on one keep-alive connection', () => {
  let server: Server;
  let agent: Agent;
  beforeAll(async () => {
    const app = express();
    app.use(sessionGuard({ providers: [issuers.workos.provider()] }));
    app.get('/me', echo);
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterAll(async () => {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  function get(authorization: string | undefined): Promise<{ status: number; body: Record<string, unknown>; port: number }> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/me', agent, headers: authorization === undefined ? {} : { authorization } }, (res) => {
        let text = '';
        const localPort = res.socket.localPort!;
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown>, port: localPort }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  test('each request is verified on its own: after an accepted one, a missing or bad token is still refused', async () => {
    const token = await issuers.workos.sessionToken({ sub: 'user_01KEEP' });
    const first = await get(`Bearer ${token}`);
    const missing = await get(undefined);
    const bad = await get('Bearer not-a-jwt');
    const again = await get(`Bearer ${token}`);
    expect([first.status, first.body.subject]).toEqual([200, 'user_01KEEP']);
    expect([missing.status, missing.body.error, missing.body.reason]).toEqual([401, 'missing_token', undefined]);
    expect([bad.status, bad.body.error, bad.body.reason]).toEqual([401, 'invalid_token', 'token_malformed']);
    expect([again.status, again.body.subject]).toEqual([200, 'user_01KEEP']);
    // One connection throughout (the agent keeps one socket).
    expect(new Set([first.port, missing.port, bad.port, again.port]).size).toBe(1);
  });
});
