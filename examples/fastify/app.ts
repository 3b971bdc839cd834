import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { createVerifier } from 'sessionguard';
import { sessionGuard, requireScope } from 'sessionguard/fastify';
import { createTestIssuer } from 'sessionguard/testing';

export interface FastifyDemo {
  url: string;
  tokens: Record<'reader' | 'noScope' | 'expired', string>;
  close(): Promise<void>;
}

/**
 * The Fastify demo: a Fastify 5 app guarded by the sessionguard plugin against a local
 * WorkOS-shaped issuer on 127.0.0.1. The principal is `request.auth`. Each encapsulated
 * scope registers the plugin in its own mode, sharing one verifier (one key set, one cache).
 */
export async function startFastifyDemo(port = 0): Promise<FastifyDemo> {
  const issuer = await createTestIssuer({ kind: 'workos', clientId: 'client_fastify_demo' });
  const verifier = createVerifier({ providers: [issuer.provider()] });
  await verifier.warm();

  const app = Fastify();
  // Outside both scopes: not guarded.
  app.get('/health', async () => ({ ready: verifier.ready }));
  // Anonymous requests go on with request.auth === null; a bad token is still a 401.
  await app.register(async (site) => {
    await site.register(sessionGuard, { verifier, optional: true });
    site.get('/feed', async (request) => ({ greeting: request.auth ? `hello ${request.auth.subject}` : 'hello anonymous' }));
  });
  // Every route of this scope needs a session.
  await app.register(async (api) => {
    await api.register(sessionGuard, { verifier });
    api.get('/me', async (request) => request.auth);
    api.get('/orders', { preHandler: requireScope('orders:read') }, async (request) => ({ orders: [], for: request.auth?.subject }));
  });
  await app.listen({ port, host: '127.0.0.1' });
  const { port: actualPort } = app.server.address() as AddressInfo;

  const hour = 3600;
  const tokens = {
    reader: await issuer.sessionToken({ sub: 'user_01FASTIFYREADER', expiresIn: hour, claims: { permissions: ['orders:read'] } }),
    noScope: await issuer.sessionToken({ sub: 'user_01FASTIFYGUEST', expiresIn: hour }),
    expired: await issuer.sessionToken({ sub: 'user_01FASTIFYREADER', expiresIn: -60, issuedAt: -360 }),
  };

  return {
    url: `http://127.0.0.1:${actualPort}`,
    tokens,
    async close() {
      await app.close();
      verifier.close();
      await issuer.close();
    },
  };
}
