import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { AccountStatus } from 'sessionguard';
import { sessionGuard } from 'sessionguard/express';
import { createTestIssuer } from 'sessionguard/testing';

/** Users of the demo: what a real app would read from its user store. */
const LEGACY_CLERK_TO_WORKOS: Record<string, string> = { user_2LegacyClerkAda: 'user_01ADAFROMCLERK' };
const SUSPENDED_UNTIL = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
const STATUSES: Record<string, AccountStatus> = {
  user_01SUSPENDED: { state: 'suspended', suspendedUntil: SUSPENDED_UNTIL, reason: 'chargeback under review' },
  user_01BANNED: { state: 'banned', reason: 'terms of service violation' },
};

export interface Demo {
  url: string;
  tokens: Record<'workos' | 'legacyClerk' | 'suspended' | 'banned' | 'expired', string>;
  close(): Promise<void>;
}

/**
 * The demo: an Express 5 app guarded by sessionguard, trusting two local
 * issuers (WorkOS-shaped and Clerk-shaped) served on 127.0.0.1.
 */
export async function startDemo(port = 0): Promise<Demo> {
  const workosIssuer = await createTestIssuer({ kind: 'workos', clientId: 'client_demo' });
  const clerkIssuer = await createTestIssuer({ kind: 'clerk' });

  const guard = sessionGuard({
    providers: [workosIssuer.provider(), clerkIssuer.provider()],
    resolveLegacyUser: async (clerkUserId) => LEGACY_CLERK_TO_WORKOS[clerkUserId] ?? null,
    accountStatus: async (subject) => STATUSES[subject] ?? { state: 'active' },
  });
  await guard.warm();

  const app = express();
  app.get('/health', (_req, res) => res.json({ ready: guard.ready }));
  app.get('/feed', guard.optional(), (req, res) => {
    res.json({ greeting: req.auth ? `hello ${req.auth.subject}` : 'hello anonymous' });
  });
  app.use(guard);
  app.get('/me', (req, res) => res.json(req.auth));

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  const { port: actualPort } = server.address() as AddressInfo;

  const hour = 3600;
  const tokens = {
    workos: await workosIssuer.sessionToken({ sub: 'user_01WORKOSGRACE', expiresIn: hour, claims: { permissions: ['orders:read'], brand_id: 'brand_acme' } }),
    legacyClerk: await clerkIssuer.sessionToken({ sub: 'user_2LegacyClerkAda', expiresIn: hour, claims: { v: 2, o: { id: 'org_1', slg: 'acme', rol: 'admin', per: 'read,write', fpm: '3' }, fea: 'o:orders' } }),
    suspended: await workosIssuer.sessionToken({ sub: 'user_01SUSPENDED', expiresIn: hour }),
    banned: await workosIssuer.sessionToken({ sub: 'user_01BANNED', expiresIn: hour }),
    expired: await workosIssuer.sessionToken({ sub: 'user_01WORKOSGRACE', expiresIn: -60, issuedAt: -360 }),
  };

  return {
    url: `http://127.0.0.1:${actualPort}`,
    tokens,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([workosIssuer.close(), clerkIssuer.close()]);
    },
  };
}
