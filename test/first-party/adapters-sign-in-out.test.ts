/** startSession/endSession with each framework's own objects: the same Set-Cookie lines and answers everywhere. */
import { createServer, type Server } from 'node:http';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import type { SessionGuardOptions } from '../../src';
import * as forExpress from '../../src/express';
import * as forKoa from '../../src/koa';
import * as forFastify from '../../src/fastify';
import * as forHono from '../../src/hono';
import { startTestIdentityService, type TestIdentityService } from '../../src/testing';
import { listen, type RunningApp } from '../conformance/apps';

type Created = Awaited<ReturnType<TestIdentityService['createSession']>>;
type Create = () => Promise<Created>;
const errorOf = (error: unknown) => ({ status: (error as { status: number }).status, body: { error: (error as { error: string }).error, reason: (error as { reason?: string }).reason } });

async function expressApp(options: SessionGuardOptions, create: Create): Promise<RunningApp> {
  const guard = forExpress.sessionGuard(options);
  const app = express();
  app.post('/signin', async (req, res) => {
    guard.startSession(req, res, await create());
    res.json({ ok: true });
  });
  app.post('/signout', async (req, res) => {
    await guard.endSession(req, res).then((out) => res.json(out), (error: unknown) => void res.status(errorOf(error).status).json(errorOf(error).body));
  });
  return listen(createServer(app));
}

async function koaApp(options: SessionGuardOptions, create: Create): Promise<RunningApp> {
  const guard = forKoa.sessionGuard(options);
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.path === '/signin') {
      guard.startSession(ctx, await create());
      ctx.body = { ok: true };
    } else {
      await guard.endSession(ctx).then((out) => void (ctx.body = out), (error: unknown) => {
        ctx.status = errorOf(error).status;
        ctx.body = errorOf(error).body;
      });
    }
  });
  return listen(createServer(app.callback()));
}

async function fastifyApp(options: SessionGuardOptions, create: Create): Promise<RunningApp> {
  const app = Fastify();
  await app.register(forFastify.sessionGuard, { ...options, optional: true });
  app.post('/signin', async (request, reply) => {
    app.sessionGuard.startSession(request, reply, await create());
    return { ok: true };
  });
  app.post('/signout', async (request, reply) => app.sessionGuard.endSession(request, reply).catch((error: unknown) => reply.code(errorOf(error).status).send(errorOf(error).body)));
  await app.ready();
  return listen(app.server);
}

async function honoApp(options: SessionGuardOptions, create: Create): Promise<RunningApp> {
  const guard = forHono.sessionGuard(options);
  const app = new Hono();
  app.post('/signin', async (c) => {
    guard.startSession(c, await create());
    return c.json({ ok: true });
  });
  app.post('/signout', async (c) => guard.endSession(c).then((out) => c.json(out), (error: unknown) => c.json(errorOf(error).body, errorOf(error).status as 403)));
  return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
}

const FRAMEWORKS = { express: expressApp, koa: koaApp, fastify: fastifyApp, hono: honoApp };
let identity: TestIdentityService;
beforeAll(async () => {
  identity = await startTestIdentityService();
});
afterAll(() => identity.close());

test.each(Object.keys(FRAMEWORKS))('%s: sign in sets both cookies; cross-site sign-out is 403 and changes nothing; sign-out revokes and clears both', async (name) => {
  const options: SessionGuardOptions = {
    providers: [identity.provider()],
    refresh: { serviceUrl: identity.url, projectId: identity.projectId, secret: identity.secret },
    cookies: { hostPrefix: false, secure: false },
    clock: identity.now,
  };
  let created: Created | undefined;
  const app = await FRAMEWORKS[name as keyof typeof FRAMEWORKS](options, async () => (created = await identity.createSession()));
  try {
    const signin = await fetch(`${app.url}/signin`, { method: 'POST' });
    expect(signin.status).toBe(200);
    expect(signin.headers.getSetCookie().map((line) => line.replace(/=[^;]+;/, '=…;').replace(/Max-Age=\d+/, 'Max-Age=n'))).toEqual([
      'sg_session=…; Max-Age=n; Path=/; HttpOnly; SameSite=Lax',
      'sg_session_token=…; Max-Age=n; Path=/; HttpOnly; SameSite=Lax',
    ]);
    const cookie = `sg_session=${created!.session_jwt}; sg_session_token=${created!.session_token}`;
    const crossSite = await fetch(`${app.url}/signout`, { method: 'POST', headers: { cookie, origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ error: 'forbidden', reason: 'csrf_origin' });
    expect(crossSite.headers.getSetCookie()).toEqual([]);
    const out = await fetch(`${app.url}/signout`, { method: 'POST', headers: { cookie, origin: app.url } });
    expect(await out.json()).toEqual({ revoked: true });
    expect(out.headers.getSetCookie()).toEqual(['sg_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax', 'sg_session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax']);
    const again = await fetch(`${app.url}/signout`, { method: 'POST', headers: { cookie, origin: app.url } });
    expect(await again.json()).toEqual({ revoked: false });
  } finally {
    await app.close();
  }
});

test('endSession with the service down: cookies cleared, then the 503 identity_unavailable', async () => {
  const down = await startTestIdentityService();
  const guard = forExpress.sessionGuard({ providers: [down.provider()], refresh: { serviceUrl: down.url, projectId: down.projectId, secret: down.secret }, cookies: { hostPrefix: false, secure: false } });
  const created = await down.createSession();
  await down.close();
  const app = express();
  app.post('/signout', (req, res) => void guard.endSession(req, res).catch((error: unknown) => res.status(errorOf(error).status).json(errorOf(error).body)));
  const running = await listen(createServer(app));
  try {
    const res = await fetch(`${running.url}/signout`, { method: 'POST', headers: { cookie: `sg_session_token=${created.session_token}`, origin: running.url } });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'service_unavailable', reason: 'identity_unavailable' });
    expect(res.headers.getSetCookie()).toHaveLength(2);
  } finally {
    await running.close();
    guard.verifier.close();
  }
});
