/**
 * Real keep-alive connections: every request on one connection gets the verdict
 * of its own token, whatever the connection sent before (the verifier remembers
 * the last verified token per connection to skip re-hashing it).
 */
import { Agent, createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Koa from 'koa';
import { sessionGuard as expressGuard } from '../../src/express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { getRequestListener } from '@hono/node-server';
import { sessionGuard as koaGuard } from '../../src/koa';
import { sessionGuard as fastifyGuard } from '../../src/fastify';
import { sessionGuard as honoGuard } from '../../src/hono';
import type { SessionGuardOptions } from '../../src';
import { expectError } from '../helpers';
import { createTestIssuer, type TestIssuer } from '../support/issuers';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'workos' });
});
afterAll(() => issuer.close());

const listeners: Record<string, (options: SessionGuardOptions) => RequestListener | Promise<RequestListener>> = {
  express: (options) => {
    const app = express();
    app.use(expressGuard(options));
    app.get('/me', (req, res) => res.json({ subject: req.auth?.subject }));
    return app;
  },
  koa: (options) => {
    const app = new Koa();
    app.use(koaGuard(options));
    app.use((ctx) => {
      ctx.body = { subject: ctx.state.auth?.subject };
    });
    return app.callback();
  },
  fastify: async (options) => {
    let listener: RequestListener | undefined;
    // The handler Fastify would give its own server, served here by the test's.
    const app = Fastify({ serverFactory: (handler) => ((listener = handler), createServer()) });
    await app.register(fastifyGuard, options);
    app.get('/me', async (request) => ({ subject: request.auth?.subject }));
    await app.ready();
    return listener!;
  },
  // On Hono's Node server the middleware reads the Node request behind the Fetch Request, connection and all.
  hono: (options) => {
    const app = new Hono();
    app.use('*', honoGuard(options));
    app.get('/me', (c) => c.json({ subject: c.get('auth')?.subject }));
    return getRequestListener(app.fetch);
  },
};

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  text: string;
}

/** GET /me with a bearer token over `agent` (one socket, kept alive). */
function get(url: string, agent: Agent, token: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/me`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: JSON.parse(text) as Record<string, unknown>, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `token`'s header and payload with another token's signature. */
const withSignatureOf = (token: string, other: string) => `${token.split('.').slice(0, 2).join('.')}.${other.split('.')[2]}`;

describe.each(Object.keys(listeners))('%s', (framework) => {
  let server: Server;
  let url: string;
  let connections = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    server = createServer(await listeners[framework]!({ providers: [issuer.provider()] }));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  test('each request on one connection is judged by its own token', async () => {
    const [alice, bob] = await Promise.all([issuer.sessionToken({ sub: 'user_01ALICE' }), issuer.sessionToken({ sub: 'user_01BOB' })]);
    const subjects: unknown[] = [];
    for (const token of [alice, alice, bob, alice]) {
      const answer = await get(url, agent, token);
      expect(answer.status).toBe(200);
      subjects.push(answer.body.subject);
    }
    expect(subjects).toEqual(['user_01ALICE', 'user_01ALICE', 'user_01BOB', 'user_01ALICE']);
    // Bob's claims under Alice's signature, right after Alice's cached token on the same connection.
    const forged = await get(url, agent, withSignatureOf(bob, alice));
    expectError(forged, 401, 'invalid_token', 'signature_invalid');
    expect(forged.text).not.toContain(alice.split('.')[2]);
    expect((await get(url, agent, alice)).body.subject).toBe('user_01ALICE');
    expect(connections).toBe(1);
  });
});
