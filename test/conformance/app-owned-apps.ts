import { createServer, type Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { createAdaptorServer } from '@hono/node-server';
import * as forExpress from '../../src/express';
import * as forKoa from '../../src/koa';
import * as forFastify from '../../src/fastify';
import * as forHono from '../../src/hono';
import { isSessionError, type SessionError, type SessionGuardOptions } from '../../src';
import { listen, type RunningApp } from './apps';

/**
 * Apps that own their errors: `/me` needs a session, `/admin` a session and the `admin` scope
 * (a bound guard). Each framework's own error handler answers what sessionguard hands it with
 * onError 'next', the same way: its status and headers, and a JSON body saying what it got.
 */
export type OwnedFramework = 'express' | 'koa' | 'fastify' | 'hono';

/** What every app's error handler writes for a SessionError; anything else is a plain 500. */
export function handledBody(error: unknown, via: string): { status: number; headers: Record<string, string>; text: string } {
  if (!isSessionError(error)) return { status: 500, headers: {}, text: JSON.stringify({ handled: 'not a SessionError' }) };
  const sessionError = error as SessionError;
  const text = JSON.stringify({ handled: true, via, name: sessionError.name, error: sessionError.error, reason: sessionError.reason ?? null, body: sessionError.body });
  return { status: sessionError.status, headers: { ...sessionError.headers, 'X-Handled-By': 'app' }, text };
}

const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };

export function startOwnedExpress(options: SessionGuardOptions): Promise<RunningApp> {
  const app = express();
  const guard = forExpress.sessionGuard(options);
  app.all('/me', guard, (req, res) => void res.json({ subject: req.auth?.subject }));
  app.get('/admin', guard, guard.requireScope('admin'), (_req, res) => void res.json({ admin: true }));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, headers, text } = handledBody(error, 'next(err)');
    res.status(status).set({ ...headers, ...JSON_TYPE }).end(text);
  });
  return listen(createServer(app));
}

export function startOwnedKoa(options: SessionGuardOptions): Promise<RunningApp> {
  const app = new Koa();
  const guard = forKoa.sessionGuard(options);
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { status, headers, text } = handledBody(error, 'thrown');
      ctx.status = status;
      ctx.set({ ...headers, ...JSON_TYPE });
      ctx.body = text;
    }
  });
  app.use(guard);
  app.use(async (ctx, next) => (ctx.path === '/admin' ? guard.requireScope('admin')(ctx, next) : next()));
  app.use((ctx) => {
    ctx.body = ctx.path === '/admin' ? { admin: true } : { subject: ctx.state.auth?.subject };
  });
  return listen(createServer(app.callback()));
}

export async function startOwnedFastify(options: SessionGuardOptions): Promise<RunningApp> {
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    const { status, headers, text } = handledBody(error, 'error handler');
    return reply.code(status).headers({ ...headers, ...JSON_TYPE }).send(text);
  });
  await app.register(forFastify.sessionGuard, options);
  app.all('/me', async (request) => ({ subject: request.auth?.subject }));
  app.get('/admin', { preHandler: app.sessionGuard.requireScope('admin') }, async () => ({ admin: true }));
  await app.ready();
  return listen(app.server);
}

/** Hono: the HTTPException's cause is the SessionError; its getResponse() is sessionguard's own answer. */
export function startOwnedHono(options: SessionGuardOptions, seen?: (exception: HTTPException) => void): Promise<RunningApp> {
  const app = new Hono();
  const guard = forHono.sessionGuard(options);
  app.onError((error, c) => {
    if (error instanceof HTTPException) seen?.(error);
    const { status, headers, text } = handledBody(error instanceof HTTPException ? error.cause : error, 'HTTPException');
    return c.body(text, status as 401, { ...headers, ...JSON_TYPE });
  });
  app.use('*', guard);
  app.get('/admin', guard.requireScope('admin'), (c) => c.body(JSON.stringify({ admin: true }), 200, { ...JSON_TYPE }));
  app.all('/me', (c) => c.body(JSON.stringify({ subject: c.get('auth')?.subject }), 200, { ...JSON_TYPE }));
  return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
}

export const OWNED_STARTERS: Record<OwnedFramework, (options: SessionGuardOptions) => Promise<RunningApp>> = {
  express: startOwnedExpress,
  koa: startOwnedKoa,
  fastify: startOwnedFastify,
  hono: (options) => startOwnedHono(options),
};
