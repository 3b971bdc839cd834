import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { sessionGuard, requireScope } from 'sessionguard/koa';
import { createTestIssuer } from 'sessionguard/testing';

export interface KoaDemo {
  url: string;
  tokens: Record<'reader' | 'noScope' | 'expired', string>;
  close(): Promise<void>;
}

/**
 * The Koa demo: a Koa 3 app with @koa/router, guarded by sessionguard against
 * a local WorkOS-shaped issuer on 127.0.0.1. The principal is `ctx.state.auth`.
 */
export async function startKoaDemo(port = 0): Promise<KoaDemo> {
  const issuer = await createTestIssuer({ kind: 'workos', clientId: 'client_koa_demo' });
  const guard = sessionGuard({ providers: [issuer.provider()] });
  await guard.warm();

  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.body = { ready: guard.ready };
  });
  router.get('/feed', guard.optional(), (ctx) => {
    ctx.body = { greeting: ctx.state.auth ? `hello ${ctx.state.auth.subject}` : 'hello anonymous' };
  });
  router.get('/me', guard, (ctx) => {
    ctx.body = ctx.state.auth;
  });
  router.get('/orders', guard, requireScope('orders:read'), (ctx) => {
    ctx.body = { orders: [], for: ctx.state.auth?.subject };
  });

  const app = new Koa();
  app.use(router.routes());
  app.use(router.allowedMethods());

  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actualPort } = server.address() as AddressInfo;

  const hour = 3600;
  const tokens = {
    reader: await issuer.sessionToken({ sub: 'user_01KOAREADER', expiresIn: hour, claims: { permissions: ['orders:read'] } }),
    noScope: await issuer.sessionToken({ sub: 'user_01KOAGUEST', expiresIn: hour }),
    expired: await issuer.sessionToken({ sub: 'user_01KOAREADER', expiresIn: -60, issuedAt: -360 }),
  };

  return {
    url: `http://127.0.0.1:${actualPort}`,
    tokens,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await issuer.close();
    },
  };
}
