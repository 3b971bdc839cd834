/**
 * One benchmark server per process: a hello-world route behind the guard named
 * by BENCH_SERVER. Prints "READY <port>" once listening (keys warmed unless
 * BENCH_COLD=1), or "UNAVAILABLE <why>" when the guard cannot run here. Besides the
 * contenders: `express-set-auth` and `koa-set-auth` only set the principal (the floor
 * for any middleware that follows the req.auth convention); `express-noop` only calls
 * next(); `express-sessionguard-timed` and `koa-sessionguard-timed` time the guard;
 * `express-sessionguard-declared` is the cached path on a server built with
 * `SessionIncomingMessage` (req.auth declared up front).
 * Configuration comes from the parent in BENCH_ISSUER, BENCH_JWKS_URL, BENCH_PEM.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler, type Response } from 'express';
import Koa from 'koa';
import { core, expressAdapter, koaAdapter } from './lib/package.js';
import { AUDIENCE } from './lib/tokens.js';
import { expressApp, HELLO } from './lib/hello-app.js';

const { workos } = core;
const { sessionGuard } = expressAdapter;
const koaSessionGuard = koaAdapter.sessionGuard;

const kind = process.env.BENCH_SERVER ?? 'express';
const issuer = process.env.BENCH_ISSUER ?? '';
const jwksUrl = process.env.BENCH_JWKS_URL ?? '';
const pem = process.env.BENCH_PEM ?? '';
const cold = process.env.BENCH_COLD === '1';
const clientId = 'client_test';

function guardOptions(cache: boolean) {
  return { providers: [workos({ clientId, jwksUrl, audience: AUDIENCE })], tokenCache: cache ? undefined : (false as const) };
}

/** Peers report failures through next(error); answer them as the 401 they are. */
function unauthorized(_error: unknown, res: Response): void {
  res.status(401).setHeader('content-type', 'application/json');
  res.end('{"error":"unauthorized"}');
}

type Listener = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;

/**
 * The `-timed` kinds time the guard middleware inside the server, from its call to its call of
 * next(), and print the mean per request on exit: what the guard costs among the framework's own
 * work, where caches are colder than in an in-process loop (bench/profile.ts).
 */
const timed = kind.endsWith('-timed');
let timedNs = 0n;
let timedRequests = 0;
if (timed) {
  process.on('exit', () => {
    if (timedRequests > 0) console.error(`${kind}: guard middleware ${(Number(timedNs) / timedRequests / 1000).toFixed(2)} µs per request over ${timedRequests} requests`);
  });
}

function timeExpress(guard: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    void guard(req, res, () => {
      timedNs += process.hrtime.bigint() - started;
      timedRequests++;
      next();
    });
  };
}

async function koaListener(guarded: boolean): Promise<Listener> {
  const app = new Koa();
  if (guarded) {
    const guard = koaSessionGuard(guardOptions(true));
    if (!cold) await guard.warm();
    if (timed) {
      app.use((ctx, next) => {
        const started = process.hrtime.bigint();
        return guard(ctx, () => {
          timedNs += process.hrtime.bigint() - started;
          timedRequests++;
          return next();
        });
      });
    } else app.use(guard);
  }
  app.use((ctx) => {
    ctx.type = 'application/json';
    ctx.body = HELLO;
  });
  return app.callback();
}

async function listener(): Promise<Listener | string> {
  switch (kind) {
    case 'express':
      return expressApp(undefined);
    case 'express-sessionguard':
    case 'express-sessionguard-declared':
    case 'express-sessionguard-timed':
    case 'express-sessionguard-nocache': {
      const guard = sessionGuard(guardOptions(kind !== 'express-sessionguard-nocache'));
      if (!cold) await guard.warm();
      return expressApp(timed ? timeExpress(guard) : guard);
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
      const requireSignedIn: RequestHandler = (req, res, next) => {
        if (getAuth(req).userId) return next();
        unauthorized(undefined, res);
      };
      const app = expressApp(undefined);
      const guarded = express();
      guarded.disable('x-powered-by');
      guarded.disable('etag');
      guarded.use(clerk, requireSignedIn, app);
      return guarded;
    }
    case 'express-noop':
      // What Express charges for one more middleware that does nothing.
      return expressApp((_req, _res, next) => next());
    case 'express-set-auth': {
      // The floor for any Express middleware that follows the req.auth convention: it only sets req.auth.
      const principal = Object.freeze({ subject: 'user_bench' });
      return expressApp((req, _res, next) => {
        (req as { auth?: unknown }).auth = principal;
        next();
      });
    }
    case 'koa-set-auth': {
      const principal = Object.freeze({ subject: 'user_bench' });
      const app = new Koa();
      app.use((ctx, next) => {
        (ctx.state as { auth?: unknown }).auth = principal;
        return next();
      });
      app.use((ctx) => {
        ctx.type = 'application/json';
        ctx.body = HELLO;
      });
      return app.callback();
    }
    case 'koa':
      return koaListener(false);
    case 'koa-sessionguard':
    case 'koa-sessionguard-timed':
      return koaListener(true);
    default:
      throw new Error(`unknown BENCH_SERVER ${kind}`);
  }
}

async function main(): Promise<void> {
  const handler = await listener();
  if (typeof handler === 'string') {
    console.log(`UNAVAILABLE ${handler}`);
    return;
  }
  const { createServer } = await import('node:http');
  // The -declared kind opts in to a request class with `auth` declared (see SessionIncomingMessage).
  const declared = kind === 'express-sessionguard-declared' ? { IncomingMessage: expressAdapter.SessionIncomingMessage } : {};
  const server: Server = createServer({ keepAlive: true, ...declared }, handler);
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    console.log(`READY ${(server.address() as AddressInfo).port}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
