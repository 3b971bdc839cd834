import Fastify, { type FastifyRequest, type preHandlerHookHandler } from 'fastify';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import * as forFastify from '../../src/fastify';
import * as forHono from '../../src/hono';
import { createVerifier, type SessionGuardOptions } from '../../src';
import type { RouteGuards } from '../../src/core/guards/route-guards';
import { listen, success, type AuthMode, type RouteSpec, type RunningApp } from './apps';

/**
 * Fastify: one sibling scope per mode, the plugin registered in the two that authenticate
 * (the idiomatic way to mix modes; a verifier shared between them, as an app would).
 */
export async function startFastify(options: SessionGuardOptions, routes: readonly RouteSpec[]): Promise<RunningApp> {
  const app = Fastify();
  const verifier = createVerifier(options);
  const param = (name: string) => (request: FastifyRequest) => (request.params as Record<string, string>)[name];
  let bound: RouteGuards<FastifyRequest, preHandlerHookHandler> | undefined;
  for (const mode of ['required', 'optional', 'none'] as AuthMode[]) {
    await app.register(async (scope) => {
      if (mode !== 'none') await scope.register(forFastify.sessionGuard, { verifier, optional: mode === 'optional' });
      if (mode === 'required') bound = scope.sessionGuard;
      for (const route of routes.filter((r) => r.auth === mode)) {
        const preHandler = route.guards?.(route.bound ? (bound as RouteGuards<FastifyRequest, preHandlerHookHandler>) : forFastify, param) ?? [];
        scope.all(route.path, { preHandler }, async (request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(success(request.auth ?? undefined))));
      }
    });
  }
  await app.ready();
  return listen(app.server);
}

/** Hono on its Node server: the middleware reads the Node request behind the Fetch Request it builds. */
export function startHono(options: SessionGuardOptions, routes: readonly RouteSpec[]): Promise<RunningApp> {
  const app = new Hono();
  const guard = forHono.sessionGuard(options);
  const param = (name: string) => (c: Context) => c.req.param(name);
  for (const route of routes) {
    const auth = route.auth === 'required' ? [guard] : route.auth === 'optional' ? [guard.optional()] : [];
    const guards = route.guards?.(route.bound ? guard : forHono, param) ?? [];
    // The same bytes as Express's res.json (Hono's c.json says `application/json` without a charset).
    const answer: MiddlewareHandler = async (c) => c.body(JSON.stringify(success(c.get('auth'))), 200, { 'Content-Type': 'application/json; charset=utf-8' });
    // Hono's overloads type each handler position; a list of them is spread through a plain signature.
    (app.all as (path: string, ...handlers: MiddlewareHandler[]) => Hono)(route.path, ...auth, ...guards, answer);
  }
  return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
}
