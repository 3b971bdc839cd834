import type { AccountStatus, SessionGuardOptions } from '../../src';
import type { RouteSpec } from './apps';
import { collectingLogger } from '../support/logger';
import { startIssuers as startNamedIssuers, type TestIssuer } from '../support/issuers';

/** The issuers every case can sign with. */
export interface Issuers {
  workos: TestIssuer;
  clerk: TestIssuer;
  /** An OIDC issuer with an audience and no session ids. */
  oidc: TestIssuer;
  /** An issuer whose key set is down. */
  down: TestIssuer;
}

export const REALM = 'conformance';
export const APP_ORIGIN = 'https://app.sessionguard.test';
export const AUDIENCE = 'api://conformance';
export const SUSPENDED_UNTIL = '2999-01-01T00:00:00.000Z';
export const REVOKED_SESSION = 'session_REVOKED';
export const REVOKED_TOKEN_ID = 'jti_REVOKED';

const STATUSES: Record<string, AccountStatus> = {
  user_01SUSPENDED: { state: 'suspended', suspendedUntil: SUSPENDED_UNTIL, reason: 'chargeback under review' },
  user_01BANNED: { state: 'banned', reason: 'terms of service violation' },
};
const LEGACY_USERS: Record<string, string> = { user_2clerkTEST: 'user_01FROMCLERK' };

export async function startIssuers(): Promise<Issuers> {
  const issuers = await startNamedIssuers({
    workos: { kind: 'workos' },
    clerk: { kind: 'clerk' },
    oidc: { kind: 'oidc', issuer: 'https://idp.sessionguard.test' },
    down: { kind: 'oidc', issuer: 'https://down.sessionguard.test', name: 'down' },
  });
  issuers.down.jwksOverride = { status: 500, body: 'unavailable' };
  return issuers;
}

/** One options object: both apps are built from it. */
export function conformanceOptions(issuers: Issuers): SessionGuardOptions {
  return {
    providers: [
      issuers.workos.provider(),
      issuers.clerk.provider({ authorizedParties: [APP_ORIGIN] }),
      issuers.oidc.provider({ audience: AUDIENCE }),
      issuers.down.provider(),
    ],
    realm: REALM,
    // The down key host and the failing hooks are logged: kept, not printed (app-owned-errors.test.ts asserts the lines).
    logger: collectingLogger(),
    resolveLegacyUser: (clerkUserId) => {
      if (clerkUserId === 'user_2MAPPINGDOWN') throw new Error('user store unreachable');
      return LEGACY_USERS[clerkUserId] ?? null;
    },
    accountStatus: (subject) => {
      if (subject === 'user_01STATUSDOWN') throw new Error('status store unreachable');
      return STATUSES[subject] ?? { state: 'active' };
    },
    isRevoked: ({ sessionId, tokenId }) => sessionId === REVOKED_SESSION || tokenId === REVOKED_TOKEN_ID,
    rbac: {
      roles: {
        viewer: [{ resource: 'documents', actions: ['read'] }],
        editor: [{ resource: 'documents', actions: ['read', 'write'] }],
        auditor: [{ resource: '*', actions: ['read'] }],
        admin: [{ resource: '*', actions: ['*'] }],
        'org:editor': [{ resource: 'documents', actions: ['read', 'write'] }],
      },
    },
  };
}

/** The routes of both apps. */
export const ROUTES: readonly RouteSpec[] = [
  { path: '/me', auth: 'required' },
  { path: '/feed', auth: 'optional' },
  { path: '/scopes/all', auth: 'required', guards: (g) => [g.requireScope('read write')] },
  { path: '/scopes/any', auth: 'required', guards: (g) => [g.requireAnyScope(['admin', 'write'])] },
  { path: '/scopes/optional', auth: 'optional', guards: (g) => [g.requireScope('read')] },
  { path: '/roles/admin', auth: 'required', guards: (g) => [g.requireRole('admin')] },
  { path: '/roles/either', auth: 'required', guards: (g) => [g.requireRole(['admin', 'owner'])] },
  { path: '/roles/org-admin', auth: 'required', guards: (g) => [g.requireRole('org:admin')] },
  { path: '/permissions/dashboard-read', auth: 'required', guards: (g) => [g.requirePermission('org:dashboard:read')] },
  { path: '/permissions/reports-read', auth: 'required', bound: true, guards: (g) => [g.requirePermission('org:reports:read')] },
  { path: '/documents/write', auth: 'required', guards: (g) => [g.requirePermission({ resource: 'documents', action: 'write' })] },
  { path: '/invoices/read', auth: 'required', guards: (g) => [g.requirePermission({ resource: 'invoices', action: 'read' })] },
  { path: '/invoices/delete', auth: 'required', bound: true, guards: (g) => [g.requirePermission({ resource: 'invoices', action: 'delete' })] },
  { path: '/brand', auth: 'required', guards: (g) => [g.requireBrand('brand_a')] },
  { path: '/brands/:brand', auth: 'required', guards: (g, param) => [g.requireBrand(param('brand'))] },
  { path: '/sessions/:sid', auth: 'required', guards: (g, param) => [g.requireSession(param('sid'))] },
  {
    path: '/composed/:brand',
    auth: 'required',
    guards: (g, param) => [g.requireScope('read'), g.requireBrand(param('brand')), g.requirePermission({ resource: 'documents', action: 'write' })],
  },
  { path: '/no-middleware/standalone', auth: 'none', guards: (g) => [g.requireScope('read')] },
  { path: '/no-middleware/bound', auth: 'none', bound: true, guards: (g) => [g.requireScope('read')] },
];
