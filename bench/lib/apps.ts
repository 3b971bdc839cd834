/**
 * The benchmark apps: a hello-world route behind the guard a kind names, as a Node request
 * listener. Kinds: `express` and `koa` (bare); `express-sessionguard`, `express-sessionguard-nocache`
 * (tokenCache: false), `express-sessionguard-declared` (for a server built with
 * SessionIncomingMessage) and `koa-sessionguard`; the peers `express-oauth2-jwt-bearer`,
 * `express-jwt` (with jwks-rsa) and `express-clerk` (@clerk/express with jwtKey: no network); the
 * references `express-set-auth` / `koa-set-auth` (a middleware that only sets the principal: the
 * floor for any middleware of the req.auth convention) and `express-noop` (one that only calls
 * next()); likewise `fastify`, `fastify-sessionguard`, `fastify-set-auth`, `hono`,
 * `hono-sessionguard` and `hono-set-auth` (Hono on @hono/node-server). Used by http-server.ts (one
 * per process, over HTTP) and in-process.ts (without the network).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import Koa from 'koa';
import Fastify, { type FastifyInstance } from 'fastify';
import { Hono, type MiddlewareHandler } from 'hono';
import { getRequestListener } from '@hono/node-server';
import { core, expressAdapter, fastifyAdapter, honoAdapter, koaAdapter } from './package.js';
import { AUDIENCE } from './tokens.js';

/** Where the guards find their issuer: the parent's test issuer. `cold`: keys not fetched up front. */
export interface AppConfig {
  issuer: string;
  jwksUrl: string;
  pem: string;
  cold: boolean;
}

const HELLO = JSON.stringify({ hello: 'world' });
const principal = Object.freeze({ subject: 'user_bench' });

function guardOptions(jwksUrl: string, cache: boolean) {
  return { providers: [core.workos({ clientId: 'client_test', jwksUrl, audience: AUDIENCE })], tokenCache: cache ? undefined : (false as const) };
}

/** Peers report failures through next(error); answer them as the 401 they are. */
function unauthorized(_error: unknown, res: Response): void {
  res.status(401).setHeader('content-type', 'application/json');
  res.end('{"error":"unauthorized"}');
}

function expressApp(guard: RequestHandler | undefined, onError?: typeof unauthorized): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  if (guard !== undefined) app.use(guard);
  app.get('/', (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(HELLO);
  });
  if (onError !== undefined) app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => onError(error, res));
  return app;
}

function koaApp(guard: Koa.Middleware | undefined): Koa {
  const app = new Koa();
  if (guard !== undefined) app.use(guard);
  app.use((ctx) => {
    ctx.type = 'application/json';
    ctx.body = HELLO;
  });
  return app;
}

export type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** A Fastify app as a plain request listener (its own server is made but never listens). */
async function fastifyApp(setUp: (app: FastifyInstance) => Promise<void> | void): Promise<Listener> {
  let handler: Listener | undefined;
  const app = Fastify({
    serverFactory: (h) => {
      handler = h;
      return createServer(h);
    },
  });
  await setUp(app);
  app.get('/', (_request, reply) => {
    reply.header('content-type', 'application/json').send(HELLO);
  });
  await app.ready();
  return handler!;
}

function honoApp(guard: MiddlewareHandler | undefined): Listener {
  const app = new Hono();
  if (guard !== undefined) app.use('*', guard);
  app.get('/', (c) => c.body(HELLO, 200, { 'content-type': 'application/json' }));
  return getRequestListener(app.fetch) as Listener;
}

/** The request listener of a kind (see the list above). */
export async function listenerFor(kind: string, { issuer, jwksUrl, pem, cold }: AppConfig): Promise<Listener> {
  switch (kind) {
    case 'express':
      return expressApp(undefined);
    case 'express-sessionguard':
    case 'express-sessionguard-declared':
    case 'express-sessionguard-nocache': {
      const guard = expressAdapter.sessionGuard(guardOptions(jwksUrl, kind !== 'express-sessionguard-nocache'));
      if (!cold) await guard.warm();
      return expressApp(guard);
    }
    case 'express-oauth2-jwt-bearer': {
      const { auth } = await import('express-oauth2-jwt-bearer');
      return expressApp(auth({ issuer, audience: AUDIENCE, jwksUri: jwksUrl, tokenSigningAlg: 'RS256' }), unauthorized);
    }
    case 'express-jwt': {
      const { expressjwt } = await import('express-jwt');
      const { expressJwtSecret } = await import('jwks-rsa');
      const secret = expressJwtSecret({ jwksUri: jwksUrl, cache: true, rateLimit: true });
      return expressApp(expressjwt({ secret: secret as never, issuer, audience: AUDIENCE, algorithms: ['RS256'] }), unauthorized);
    }
    case 'express-clerk': {
      const { clerkMiddleware, getAuth } = await import('@clerk/express');
      // A publishable key names the Frontend API; with jwtKey Clerk verifies without any network.
      const publishableKey = `pk_test_${Buffer.from('clerk.bench.test$').toString('base64')}`;
      const clerk = clerkMiddleware({ jwtKey: pem, publishableKey, secretKey: 'sk_test_bench', authorizedParties: ['https://app.bench.test'] });
      const requireSignedIn: RequestHandler = (req, res, next) => (getAuth(req).userId ? next() : unauthorized(undefined, res));
      const guarded = express();
      guarded.disable('x-powered-by');
      guarded.disable('etag');
      guarded.use(clerk, requireSignedIn, expressApp(undefined));
      return guarded;
    }
    case 'express-noop':
      return expressApp((_req, _res, next) => next());
    case 'express-set-auth':
      return expressApp((req, _res, next) => {
        (req as { auth?: unknown }).auth = principal;
        next();
      });
    case 'koa':
      return koaApp(undefined).callback();
    case 'koa-sessionguard': {
      const guard = koaAdapter.sessionGuard(guardOptions(jwksUrl, true));
      if (!cold) await guard.warm();
      return koaApp(guard).callback();
    }
    case 'koa-set-auth':
      return koaApp((ctx, next) => {
        (ctx.state as { auth?: unknown }).auth = principal;
        return next();
      }).callback();
    case 'fastify':
      return fastifyApp(() => undefined);
    case 'fastify-sessionguard':
      return fastifyApp(async (app) => {
        await app.register(fastifyAdapter.sessionGuard, guardOptions(jwksUrl, true));
        if (!cold) await app.sessionGuard.warm();
      });
    case 'fastify-set-auth':
      return fastifyApp((app) => {
        app.decorateRequest('auth', null);
        app.addHook('onRequest', (request, _reply, done) => {
          (request as { auth?: unknown }).auth = principal;
          done();
        });
      });
    case 'hono':
      return honoApp(undefined);
    case 'hono-sessionguard': {
      const guard = honoAdapter.sessionGuard(guardOptions(jwksUrl, true));
      if (!cold) await guard.warm();
      return honoApp(guard);
    }
    case 'hono-set-auth':
      return honoApp(async (c, next) => {
        c.set('auth' as never, principal as never);
        await next();
      });
    default:
      throw new Error(`unknown server kind ${kind}`);
  }
}

