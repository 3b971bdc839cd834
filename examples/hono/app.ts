import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { sessionGuard, requireScope, type SessionGuardEnv } from 'sessionguard/hono';
import { createTestIssuer } from 'sessionguard/testing';

export interface HonoDemo {
  url: string;
  tokens: Record<'reader' | 'noScope' | 'expired', string>;
  close(): Promise<void>;
}

/**
 * The Hono demo: a Hono app on Hono's Node server, guarded by sessionguard against a local
 * WorkOS-shaped issuer on 127.0.0.1. The principal is `c.get('auth')`.
 */
export async function startHonoDemo(port = 0): Promise<HonoDemo> {
  const issuer = await createTestIssuer({ kind: 'workos', clientId: 'client_hono_demo' });
  const guard = sessionGuard({ providers: [issuer.provider()] });
  await guard.warm();

  const app = new Hono<SessionGuardEnv>();
  app.get('/health', (c) => c.json({ ready: guard.ready }));
  app.get('/feed', guard.optional(), (c) => {
    const auth = c.get('auth');
    return c.json({ greeting: auth ? `hello ${auth.subject}` : 'hello anonymous' });
  });
  app.use('/me', guard);
  app.use('/orders', guard);
  app.get('/me', (c) => c.json(c.get('auth')));
  app.get('/orders', requireScope('orders:read'), (c) => c.json({ orders: [], for: c.get('auth')?.subject }));

  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port: actualPort } = server.address() as AddressInfo;

  const hour = 3600;
  const tokens = {
    reader: await issuer.sessionToken({ sub: 'user_01HONOREADER', expiresIn: hour, claims: { permissions: ['orders:read'] } }),
    noScope: await issuer.sessionToken({ sub: 'user_01HONOGUEST', expiresIn: hour }),
    expired: await issuer.sessionToken({ sub: 'user_01HONOREADER', expiresIn: -60, issuedAt: -360 }),
  };

  return {
    url: `http://127.0.0.1:${actualPort}`,
    tokens,
    async close() {
      // Keep-alive connections would hold close() open: end them with it.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
      guard.verifier.close();
      await issuer.close();
    },
  };
}
