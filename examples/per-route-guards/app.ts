import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { sessionGuard, requireBrand, requireRole, requireScope, requireSession } from 'sessionguard/express';
import { createTestIssuer } from 'sessionguard/testing';

export interface GuardsDemo {
  url: string;
  tokens: Record<'editor' | 'viewer' | 'admin', string>;
  /** The `sid` of the editor's token. */
  editorSession: string;
  close(): Promise<void>;
}

/**
 * Per-route guards on an Express app: sessionguard authenticates every request
 * once (`app.use`), then each route narrows access with guards that compose.
 */
export async function startGuardsDemo(port = 0): Promise<GuardsDemo> {
  const issuer = await createTestIssuer({ kind: 'workos', clientId: 'client_guards_demo' });
  const guard = sessionGuard({
    providers: [issuer.provider()],
    // Which roles may do what; `*` is a wildcard for the resource or the action.
    rbac: {
      roles: {
        viewer: [{ resource: 'documents', actions: ['read'] }],
        editor: [{ resource: 'documents', actions: ['read', 'write'] }],
        admin: [{ resource: '*', actions: ['*'] }],
      },
    },
  });
  await guard.warm();

  const app = express();
  app.use(guard);
  // requirePermission is taken from the middleware: it checks at start-up that an rbac policy is configured.
  app.get('/documents', guard.requirePermission({ resource: 'documents', action: 'read' }), (req, res) => {
    res.json({ documents: [], grantedBy: req.auth?.grantingRoles });
  });
  app.post('/documents', guard.requirePermission({ resource: 'documents', action: 'write' }), (req, res) => {
    res.status(201).json({ created: true, grantedBy: req.auth?.grantingRoles });
  });
  app.get('/admin', requireRole('admin'), (_req, res) => res.json({ admin: true }));
  // Guards compose: all must pass, the first that fails answers.
  app.get('/brands/:brand/orders', requireScope('orders:read'), requireBrand((req) => req.params.brand), (req, res) => {
    res.json({ brand: req.auth?.brandId, orders: [] });
  });
  // A user may end only the session the token belongs to (Clerk's VerifySession rule).
  app.delete('/sessions/:sid', requireSession((req) => req.params.sid), (req, res) => {
    res.json({ ended: req.auth?.sessionId });
  });

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  const { port: actualPort } = server.address() as AddressInfo;

  const hour = 3600;
  const editorSession = 'session_01EDITOR';
  const tokens = {
    editor: await issuer.sessionToken({
      sub: 'user_01EDITOR',
      sid: editorSession,
      expiresIn: hour,
      claims: { role: 'editor', permissions: ['orders:read'], brand_id: 'brand_acme' },
    }),
    viewer: await issuer.sessionToken({ sub: 'user_01VIEWER', expiresIn: hour, claims: { role: 'viewer', brand_id: 'brand_other' } }),
    admin: await issuer.sessionToken({ sub: 'user_01ADMIN', expiresIn: hour, claims: { roles: ['admin'] } }),
  };

  return {
    url: `http://127.0.0.1:${actualPort}`,
    tokens,
    editorSession,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await issuer.close();
    },
  };
}
