/**
 * The adapters on their synchronous path (a cached session): the same answers as
 * on the first, asynchronous request, and later handlers' errors stay the app's.
 */
import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import { sessionGuard as expressGuard } from '../../src/express';
import { createServer, type RequestListener } from 'node:http';
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

type Handler = Parameters<typeof request>[0];

/** An app per framework: guard, then a route that answers the subject, or throws on /boom. */
const apps: Record<string, (options: SessionGuardOptions, optional?: boolean) => Handler | Promise<Handler>> = {
  express: (options, optional = false) => {
    const app = express();
    const guard = expressGuard(options);
    app.use(optional ? guard.optional() : guard);
    app.get('/boom', () => {
      throw new Error('the route failed');
    });
    app.get('/me', (req, res) => {
      res.json({ subject: req.auth?.subject ?? null });
    });
    // Express's own error answer is HTML; the test only needs a status the app chose.
    app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: 'app_error' });
    });
    return app;
  },
  koa: (options, optional = false) => {
    const app = new Koa();
    app.silent = true;
    const guard = koaGuard(options);
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch {
        ctx.status = 500;
        ctx.body = { error: 'app_error' };
      }
    });
    app.use(optional ? guard.optional() : guard);
    app.use((ctx) => {
      if (ctx.path === '/boom') throw new Error('the route failed');
      ctx.body = { subject: ctx.state.auth?.subject ?? null };
    });
    return app.callback();
  },
  fastify: async (options, optional = false) => {
    let listener: RequestListener | undefined;
    // The handler Fastify would give its own server, served by supertest's.
    const app = Fastify({ serverFactory: (handler) => ((listener = handler), createServer()) });
    await app.register(fastifyGuard, { ...options, optional });
    app.setErrorHandler((_error, _request, reply) => reply.code(500).send({ error: 'app_error' }));
    app.get('/boom', async () => {
      throw new Error('the route failed');
    });
    app.get('/me', async (request) => ({ subject: request.auth?.subject ?? null }));
    await app.ready();
    return listener!;
  },
  hono: (options, optional = false) => {
    const app = new Hono();
    const guard = honoGuard(options);
    app.use('*', optional ? guard.optional() : guard);
    app.onError((_error, c) => c.json({ error: 'app_error' }, 500));
    app.get('/boom', () => {
      throw new Error('the route failed');
    });
    app.get('/me', (c) => c.json({ subject: c.get('auth')?.subject ?? null }));
    return getRequestListener(app.fetch);
  },
};

describe.each(Object.keys(apps))('%s', (framework) => {
  const app = async (options: SessionGuardOptions, optional?: boolean) => apps[framework]!(options, optional);

  test('the first and the cached request get the same principal', async () => {
    const handler = await app({ providers: [issuer.provider()] });
    const token = await issuer.sessionToken({ sub: 'user_01TWICE' });
    for (let i = 0; i < 3; i++) {
      const res = await request(handler).get('/me').set('Authorization', `Bearer ${token}`);
      expect([res.status, res.body]).toEqual([200, { subject: 'user_01TWICE' }]);
    }
  });

  test("a route's error after a cached session is the app's error, never a 401", async () => {
    const handler = await app({ providers: [issuer.provider()] });
    const token = await issuer.sessionToken();
    for (let i = 0; i < 2; i++) {
      const res = await request(handler).get('/boom').set('Authorization', `Bearer ${token}`);
      expect([res.status, res.body]).toEqual([500, { error: 'app_error' }]);
    }
  });

  test('a cached session that is now revoked is refused with the contract error', async () => {
    let revoked = false;
    const guard = { providers: [issuer.provider()], isRevoked: () => revoked };
    const handler = await app(guard);
    const token = await issuer.sessionToken();
    expect((await request(handler).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    revoked = true;
    // The cached "not revoked" answer holds until its TTL or an invalidation; a fresh guard asks again.
    const fresh = await app(guard);
    await request(fresh).get('/me').set('Authorization', `Bearer ${token}`);
    const res = await request(fresh).get('/me').set('Authorization', `Bearer ${token}`);
    expectError(res, 401, 'session_revoked', 'session_revoked');
  });

  test('optional mode: no token goes on anonymously, a bad token is still a 401', async () => {
    const handler = await app({ providers: [issuer.provider()] }, true);
    const anonymous = await request(handler).get('/me');
    expect([anonymous.status, anonymous.body]).toEqual([200, { subject: null }]);
    const bad = await request(handler).get('/me').set('Authorization', 'Bearer not.a.token');
    expectError(bad, 401, 'invalid_token', 'token_malformed');
  });
});
