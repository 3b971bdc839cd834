import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import Router from '@koa/router';
import * as forExpress from '../../src/express';
import * as forKoa from '../../src/koa';
import type { SessionGuardOptions, SessionPrincipal } from '../../src';
import type { RouteGuards } from '../../src/core/guards/route-guards';
import type { RequestValue } from '../../src/core/guards/check';

/** Which session middleware runs before a route's guards. */
export type AuthMode = 'required' | 'optional' | 'none';

/** A route, described once and built for every framework. */
export interface RouteSpec {
  path: string;
  auth: AuthMode;
  /** Use the guards bound to the middleware (`guard.requireScope`) rather than the standalone exports. */
  bound?: boolean;
  guards?: <R, H>(g: RouteGuards<R, H>, param: (name: string) => RequestValue<R>) => H[];
}

/** What every route answers on success: identical in every framework by construction. */
export function success(auth: SessionPrincipal | undefined): unknown {
  return { auth: auth ?? null };
}

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

export async function listen(server: Server): Promise<RunningApp> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every framework the suite runs on, each built from the same options and routes. */
export type Framework = 'express 5' | 'express 4' | 'koa 3' | 'koa 2' | 'fastify 5' | 'hono';

export function startExpress(options: SessionGuardOptions, routes: readonly RouteSpec[], express: typeof express5 = express5): Promise<RunningApp> {
  const app = express();
  const guard = forExpress.sessionGuard(options);
  const param = (name: string) => (req: express5.Request) => req.params[name];
  for (const route of routes) {
    const auth = route.auth === 'required' ? [guard] : route.auth === 'optional' ? [guard.optional()] : [];
    const guards = route.guards?.(route.bound ? guard : forExpress, param) ?? [];
    app.all(route.path, ...auth, ...guards, (req, res) => {
      res.json(success(req.auth));
    });
  }
  return listen(createServer(app));
}

export function startKoa(options: SessionGuardOptions, routes: readonly RouteSpec[], Koa: typeof Koa3 = Koa3): Promise<RunningApp> {
  const app = new Koa();
  const router = new Router();
  const guard = forKoa.sessionGuard(options);
  const param = (name: string) => (ctx: forKoa.SessionGuardContext) => ctx.params[name];
  for (const route of routes) {
    const auth = route.auth === 'required' ? [guard] : route.auth === 'optional' ? [guard.optional()] : [];
    const guards = route.guards?.(route.bound ? guard : forKoa, param) ?? [];
    router.all(route.path, ...auth, ...guards, (ctx) => {
      ctx.body = success(ctx.state.auth);
    });
  }
  app.use(router.routes());
  return listen(createServer(app.callback()));
}

export const startExpress4 = (options: SessionGuardOptions, routes: readonly RouteSpec[]) => startExpress(options, routes, express4);
export const startKoa2 = (options: SessionGuardOptions, routes: readonly RouteSpec[]) => startKoa(options, routes, Koa2);
