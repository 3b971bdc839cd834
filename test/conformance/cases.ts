import type { Issuers } from './fixture';
import { APP_ORIGIN, AUDIENCE, REALM, REVOKED_SESSION, REVOKED_TOKEN_ID, SUSPENDED_UNTIL } from './fixture';

type Headers = Record<string, string | string[]>;

/** One row: a request, sent unchanged to the Express app and the Koa app, and what both must answer. */
export interface ConformanceCase {
  name: string;
  method?: string;
  /** Default `/me` (session required, no guard). */
  path?: string;
  headers?: (issuers: Issuers) => Promise<Headers> | Headers;
  expect: {
    status: number;
    error?: string;
    reason?: string;
    /** The exact challenge, when it matters to the case. */
    wwwAuthenticate?: string;
    retryAfter?: string;
    /** For 200s: a subset of the JSON body. */
    body?: Record<string, unknown>;
  };
}

const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });
const cookie = (token: string): Headers => ({ cookie: `__session=${token}` });
const WORKOS_SUB = 'user_01TESTWORKOS';
const CHALLENGE = `Bearer realm="${REALM}"`;

function workos(issuers: Issuers, claims: Record<string, unknown> = {}, extra: { sid?: string; sub?: string } = {}): Promise<string> {
  return issuers.workos.sessionToken({ ...extra, claims });
}

const ok = (body?: Record<string, unknown>) => ({ status: 200, ...(body ? { body } : {}) });

/** Credentials: where the token comes from, and 400s (CONTRACT section 1). */
const credentials: ConformanceCase[] = [
  { name: 'no token: 401 missing_token with a bare challenge', expect: { status: 401, error: 'missing_token', wwwAuthenticate: CHALLENGE } },
  { name: 'another scheme alone counts as no token', headers: () => ({ authorization: 'Basic dXNlcjpwYXNz' }), expect: { status: 401, error: 'missing_token' } },
  {
    name: 'two Authorization header lines: 400',
    headers: async (i) => ({ authorization: [`Bearer ${await workos(i)}`, `Bearer ${await workos(i)}`] }),
    expect: { status: 400, error: 'invalid_request', reason: 'duplicate_authorization' },
  },
  { name: 'two credentials in one header: 400', headers: () => ({ authorization: 'Bearer a, Bearer b' }), expect: { status: 400, error: 'invalid_request', reason: 'duplicate_authorization' } },
  { name: 'Bearer with no credential: 400', headers: () => ({ authorization: 'Bearer' }), expect: { status: 400, error: 'invalid_request', reason: 'empty_bearer' } },
  {
    name: 'two different session cookies: 400',
    headers: async (i) => ({ cookie: `__session=${await workos(i)}; __session=${await workos(i)}` }),
    expect: { status: 400, error: 'invalid_request', reason: 'duplicate_cookie' },
  },
  { name: 'a valid header token: 200', headers: async (i) => bearer(await workos(i)), expect: ok({ auth: { subject: WORKOS_SUB } }) },
  { name: 'a valid cookie token: 200', headers: async (i) => cookie(await workos(i)), expect: ok({ auth: { subject: WORKOS_SUB } }) },
  { name: 'a mapped Clerk user: 200', headers: async (i) => bearer(await i.clerk.sessionToken()), expect: ok({ auth: { subject: 'user_01FROMCLERK', clerkUserId: 'user_2clerkTEST' } }) },
  {
    name: 'cookie POST from an authorized origin: 200',
    method: 'POST',
    headers: async (i) => ({ ...cookie(await i.clerk.sessionToken()), origin: APP_ORIGIN }),
    expect: ok({ auth: { subject: 'user_01FROMCLERK' } }),
  },
];

/** Verification failures (CONTRACT section 2 and 4). */
const verification: ConformanceCase[] = [
  { name: 'not a compact JWS', headers: () => bearer('not-a-jwt'), expect: { status: 401, error: 'invalid_token', reason: 'token_malformed' } },
  { name: 'over 8 KiB', headers: () => bearer(`${'a'.repeat(4000)}.${'b'.repeat(4000)}.${'c'.repeat(300)}`), expect: { status: 401, error: 'invalid_token', reason: 'token_too_large' } },
  {
    name: 'an algorithm outside the allow-list',
    headers: async (i) => bearer(await i.workos.sign(i.workos.sessionClaims(), { key: await i.workos.createDetachedKey('ES256') })),
    expect: { status: 401, error: 'invalid_token', reason: 'alg_not_allowed' },
  },
  { name: 'an unknown issuer', headers: async (i) => bearer(await workos(i, { iss: 'https://evil.example' })), expect: { status: 401, error: 'invalid_token', reason: 'issuer_unknown' } },
  {
    name: 'an unknown kid',
    headers: async (i) => bearer(await i.workos.sessionToken({}, { key: await i.workos.createDetachedKey() })),
    expect: { status: 401, error: 'invalid_token', reason: 'kid_unknown' },
  },
  {
    name: 'a forged signature under a published kid',
    headers: async (i) => bearer(await i.workos.sessionToken({}, { key: await i.workos.createDetachedKey('RS256', i.workos.key.kid) })),
    expect: { status: 401, error: 'invalid_token', reason: 'signature_invalid', wwwAuthenticate: `${CHALLENGE}, error="invalid_token", error_description="The token signature is not valid."` },
  },
  { name: 'a wrong audience', headers: async (i) => bearer(await i.oidc.sessionToken({ claims: { aud: 'api://other' } })), expect: { status: 401, error: 'invalid_token', reason: 'audience_invalid' } },
  { name: 'a Clerk azp not authorized', headers: async (i) => bearer(await i.clerk.sessionToken({ claims: { azp: 'https://evil.example' } })), expect: { status: 401, error: 'invalid_token', reason: 'azp_invalid' } },
  { name: 'no sub', headers: async (i) => bearer(await workos(i, { sub: undefined })), expect: { status: 401, error: 'invalid_token', reason: 'claim_missing' } },
  { name: 'a non-numeric exp', headers: async (i) => bearer(await workos(i, { exp: 'tomorrow' })), expect: { status: 401, error: 'invalid_token', reason: 'claim_invalid' } },
  {
    name: 'nbf in the future',
    headers: async (i) => bearer(await workos(i, { nbf: Math.floor(Date.now() / 1000) + 3600 })),
    expect: { status: 401, error: 'invalid_token', reason: 'token_not_yet_valid' },
  },
  {
    name: 'iat in the future',
    headers: async (i) => bearer(await i.workos.sessionToken({ issuedAt: 3600, expiresIn: 7200, claims: { nbf: undefined } })),
    expect: { status: 401, error: 'invalid_token', reason: 'iat_in_future' },
  },
  {
    name: 'a Clerk JWT-template token',
    headers: async (i) => bearer(await i.clerk.sessionToken({}, { header: { cat: 'cl_B7d4PD222AAA' } })),
    expect: { status: 401, error: 'invalid_token', reason: 'kind_rejected' },
  },
  { name: 'a Clerk user with no WorkOS mapping', headers: async (i) => bearer(await i.clerk.sessionToken({ sub: 'user_2NOBODY' })), expect: { status: 401, error: 'invalid_token', reason: 'user_unmapped' } },
  { name: 'an expired token', headers: async (i) => bearer(await i.workos.sessionToken({ expiresIn: -60, issuedAt: -360 })), expect: { status: 401, error: 'token_expired' } },
  { name: 'a revoked session', headers: async (i) => bearer(await workos(i, {}, { sid: REVOKED_SESSION })), expect: { status: 401, error: 'session_revoked', reason: 'session_revoked' } },
  {
    name: 'a revoked token (no session id)',
    headers: async (i) => bearer(await i.oidc.sessionToken({ claims: { sid: undefined, aud: AUDIENCE, jti: REVOKED_TOKEN_ID } })),
    expect: { status: 401, error: 'session_revoked', reason: 'token_revoked' },
  },
  {
    name: 'a suspended account',
    headers: async (i) => bearer(await workos(i, {}, { sub: 'user_01SUSPENDED' })),
    expect: { status: 403, error: 'account_suspended', reason: 'chargeback under review', body: { suspended_until: SUSPENDED_UNTIL } },
  },
  { name: 'a banned account', headers: async (i) => bearer(await workos(i, {}, { sub: 'user_01BANNED' })), expect: { status: 403, error: 'account_banned', reason: 'terms of service violation' } },
  {
    name: 'cookie POST from a foreign origin',
    method: 'POST',
    headers: async (i) => ({ ...cookie(await i.clerk.sessionToken()), origin: 'https://evil.example' }),
    expect: { status: 403, error: 'forbidden', reason: 'csrf_origin' },
  },
  {
    name: 'a WorkOS cookie POST from a foreign origin',
    method: 'POST',
    headers: async (i) => ({ ...cookie(await workos(i)), origin: 'https://evil.example' }),
    expect: { status: 403, error: 'forbidden', reason: 'csrf_origin' },
  },
  {
    name: 'a WorkOS cookie DELETE without Origin that the browser marks cross-site',
    method: 'DELETE',
    headers: async (i) => ({ ...cookie(await workos(i)), 'sec-fetch-site': 'cross-site' }),
    expect: { status: 403, error: 'forbidden', reason: 'csrf_origin' },
  },
  { name: 'a pending Clerk session', headers: async (i) => bearer(await i.clerk.sessionToken({ claims: { v: 2, sts: 'pending' } })), expect: { status: 401, error: 'invalid_token', reason: 'session_pending' } },
  { name: 'a WorkOS agent token', headers: async (i) => bearer(await workos(i, { sub_profile: 'agent' })), expect: { status: 401, error: 'invalid_token', reason: 'kind_rejected' } },
  { name: 'key set down and nothing cached', headers: async (i) => bearer(await i.down.sessionToken()), expect: { status: 503, error: 'service_unavailable', reason: 'jwks_unavailable', retryAfter: '1' } },
  { name: 'account status unavailable', headers: async (i) => bearer(await workos(i, {}, { sub: 'user_01STATUSDOWN' })), expect: { status: 503, error: 'service_unavailable', reason: 'status_unavailable', retryAfter: '5' } },
  {
    name: 'user mapping unavailable',
    headers: async (i) => bearer(await i.clerk.sessionToken({ sub: 'user_2MAPPINGDOWN' })),
    expect: { status: 503, error: 'service_unavailable', reason: 'user_mapping_unavailable', retryAfter: '5' },
  },
];

/** Which rule wins when several apply. */
const precedence: ConformanceCase[] = [
  { name: 'the header wins over a cookie', headers: async (i) => ({ ...bearer(await workos(i)), cookie: '__session=garbage' }), expect: ok({ auth: { subject: WORKOS_SUB } }) },
  {
    name: 'a bad header token never falls back to a good cookie',
    headers: async (i) => ({ ...bearer('garbage'), ...cookie(await workos(i)) }),
    expect: { status: 401, error: 'invalid_token', reason: 'token_malformed' },
  },
  { name: 'another scheme falls through to the cookie', headers: async (i) => ({ authorization: 'Basic dXNlcjpwYXNz', ...cookie(await workos(i)) }), expect: ok({ auth: { subject: WORKOS_SUB } }) },
  {
    name: 'expired beats banned (401 before 403)',
    headers: async (i) => bearer(await i.workos.sessionToken({ sub: 'user_01BANNED', expiresIn: -60, issuedAt: -360 })),
    expect: { status: 401, error: 'token_expired' },
  },
  {
    name: 'revoked beats banned',
    headers: async (i) => bearer(await workos(i, {}, { sub: 'user_01BANNED', sid: REVOKED_SESSION })),
    expect: { status: 401, error: 'session_revoked', reason: 'session_revoked' },
  },
  { name: 'a guarded route without a token is 401, not 403', path: '/scopes/all', expect: { status: 401, error: 'missing_token', wwwAuthenticate: CHALLENGE } },
  {
    name: 'a guarded route with an expired token is 401',
    path: '/roles/admin',
    headers: async (i) => bearer(await i.workos.sessionToken({ expiresIn: -60, issuedAt: -360, claims: { role: 'admin' } })),
    expect: { status: 401, error: 'token_expired' },
  },
  {
    name: 'a banned account is refused before the guard runs',
    path: '/roles/admin',
    headers: async (i) => bearer(await workos(i, { role: 'admin' }, { sub: 'user_01BANNED' })),
    expect: { status: 403, error: 'account_banned', reason: 'terms of service violation' },
  },
];

/** Optional authentication (CONTRACT section 5). */
const optional: ConformanceCase[] = [
  { name: 'optional: no token is anonymous', path: '/feed', expect: ok({ auth: null }) },
  { name: 'optional: another scheme is anonymous', path: '/feed', headers: () => ({ authorization: 'Basic dXNlcjpwYXNz' }), expect: ok({ auth: null }) },
  { name: 'optional: a valid token is authenticated', path: '/feed', headers: async (i) => bearer(await workos(i)), expect: ok({ auth: { subject: WORKOS_SUB } }) },
  { name: 'optional: a bad token is still 401', path: '/feed', headers: () => bearer('garbage'), expect: { status: 401, error: 'invalid_token', reason: 'token_malformed' } },
  { name: 'optional: an expired token is still 401', path: '/feed', headers: async (i) => bearer(await i.workos.sessionToken({ expiresIn: -60, issuedAt: -360 })), expect: { status: 401, error: 'token_expired' } },
  { name: 'optional: ambiguous credentials are still 400', path: '/feed', headers: () => ({ authorization: 'Bearer a, Bearer b' }), expect: { status: 400, error: 'invalid_request', reason: 'duplicate_authorization' } },
  { name: 'optional + guard: anonymous is 401 missing_token', path: '/scopes/optional', expect: { status: 401, error: 'missing_token', wwwAuthenticate: CHALLENGE } },
  { name: 'optional + guard: a token with the scope passes', path: '/scopes/optional', headers: async (i) => bearer(await workos(i, { scope: 'read' })), expect: ok() },
  { name: 'optional + guard: a token without the scope is 403', path: '/scopes/optional', headers: async (i) => bearer(await workos(i)), expect: { status: 403, error: 'insufficient_scope' } },
];

const SCOPE_CHALLENGE = `${CHALLENGE}, error="insufficient_scope", scope="read write"`;
const ANY_SCOPE_CHALLENGE = `${CHALLENGE}, error="insufficient_scope", scope="admin write"`;

/** Clerk's documented v2 example: dashboard read+manage (fpm 3), reports manage (fpm 2). */
const CLERK_V2_ORG = { v: 2, o: { id: 'org_1', slg: 'acme', rol: 'admin', per: 'read,manage', fpm: '3,2' }, fea: 'o:dashboard,o:reports' };

/** Every guard, passing and failing. */
const guards: ConformanceCase[] = [
  { name: 'requireScope: all scopes present', path: '/scopes/all', headers: async (i) => bearer(await workos(i, { scope: 'write read extra' })), expect: ok() },
  { name: 'requireScope: scopes from WorkOS permissions', path: '/scopes/all', headers: async (i) => bearer(await workos(i, { permissions: ['read', 'write'] })), expect: ok() },
  { name: 'requireScope: scopes from Clerk v1 org_permissions', path: '/scopes/all', headers: async (i) => bearer(await i.clerk.sessionToken({ claims: { org_permissions: ['read', 'write'] } })), expect: ok() },
  {
    name: 'requireScope: one scope missing',
    path: '/scopes/all',
    headers: async (i) => bearer(await workos(i, { scope: 'read' })),
    expect: { status: 403, error: 'insufficient_scope', wwwAuthenticate: SCOPE_CHALLENGE },
  },
  {
    name: 'requireScope: matching is case-sensitive',
    path: '/scopes/all',
    headers: async (i) => bearer(await workos(i, { scope: 'READ WRITE' })),
    expect: { status: 403, error: 'insufficient_scope', wwwAuthenticate: SCOPE_CHALLENGE },
  },
  {
    name: 'requireScope: a prefix is not a scope',
    path: '/scopes/all',
    headers: async (i) => bearer(await workos(i, { scope: 'reader writer' })),
    expect: { status: 403, error: 'insufficient_scope', wwwAuthenticate: SCOPE_CHALLENGE },
  },
  { name: 'requireAnyScope: one of them present', path: '/scopes/any', headers: async (i) => bearer(await workos(i, { scope: 'write' })), expect: ok() },
  {
    name: 'requireAnyScope: none present',
    path: '/scopes/any',
    headers: async (i) => bearer(await workos(i, { scope: 'read' })),
    expect: { status: 403, error: 'insufficient_scope', wwwAuthenticate: ANY_SCOPE_CHALLENGE },
  },
  { name: 'requireRole: WorkOS role', path: '/roles/admin', headers: async (i) => bearer(await workos(i, { role: 'admin' })), expect: ok() },
  { name: 'requireRole: Clerk v2 o.rol reads as org:admin', path: '/roles/org-admin', headers: async (i) => bearer(await i.clerk.sessionToken({ claims: { v: 2, o: { id: 'org_1', rol: 'admin' } } })), expect: ok() },
  { name: 'requireRole: Clerk v1 org_role org:admin', path: '/roles/org-admin', headers: async (i) => bearer(await i.clerk.sessionToken({ claims: { org_id: 'org_1', org_role: 'org:admin' } })), expect: ok() },
  { name: 'requireRole: a Clerk v2 admin is not "admin"', path: '/roles/admin', headers: async (i) => bearer(await i.clerk.sessionToken({ claims: { v: 2, o: { id: 'org_1', rol: 'admin' } } })), expect: { status: 403, error: 'forbidden', reason: 'permission_denied' } },
  { name: 'requireRole: another role', path: '/roles/admin', headers: async (i) => bearer(await workos(i, { role: 'member' })), expect: { status: 403, error: 'forbidden', reason: 'permission_denied' } },
  { name: 'requireRole: no role at all', path: '/roles/admin', headers: async (i) => bearer(await workos(i)), expect: { status: 403, error: 'forbidden', reason: 'permission_denied' } },
  { name: 'requireRole: one of a list', path: '/roles/either', headers: async (i) => bearer(await workos(i, { roles: ['member', 'owner'] })), expect: ok() },
  {
    name: 'requirePermission: a granting role',
    path: '/documents/write',
    headers: async (i) => bearer(await workos(i, { roles: ['viewer', 'editor'] })),
    expect: ok({ auth: { grantingRoles: ['editor'] } }),
  },
  {
    name: 'requirePermission: wildcards grant',
    path: '/documents/write',
    headers: async (i) => bearer(await workos(i, { roles: ['admin', 'editor'] })),
    expect: ok({ auth: { grantingRoles: ['admin', 'editor'] } }),
  },
  { name: 'requirePermission: a resource wildcard with a concrete action', path: '/invoices/read', headers: async (i) => bearer(await workos(i, { role: 'auditor' })), expect: ok({ auth: { grantingRoles: ['auditor'] } }) },
  { name: 'requirePermission: Clerk v2 o.rol under rbac', path: '/documents/write', headers: async (i) => bearer(await i.clerk.sessionToken({ claims: { v: 2, o: { id: 'org_1', rol: 'editor' } } })), expect: ok({ auth: { grantingRoles: ['org:editor'] } }) },
  { name: 'requirePermission(name): Clerk v2 fpm grants it', path: '/permissions/dashboard-read', headers: async (i) => bearer(await i.clerk.sessionToken({ claims: CLERK_V2_ORG })), expect: ok() },
  { name: 'requirePermission(name): Clerk v2 fpm does not grant it', path: '/permissions/reports-read', headers: async (i) => bearer(await i.clerk.sessionToken({ claims: CLERK_V2_ORG })), expect: { status: 403, error: 'forbidden', reason: 'permission_denied' } },
  { name: 'requirePermission(name): WorkOS permissions', path: '/permissions/reports-read', headers: async (i) => bearer(await workos(i, { permissions: ['org:reports:read'] })), expect: ok() },
  { name: 'requirePermission: the action is not granted', path: '/documents/write', headers: async (i) => bearer(await workos(i, { roles: ['viewer', 'auditor'] })), expect: { status: 403, error: 'forbidden', reason: 'permission_denied' } },
  { name: 'requirePermission: the resource is not granted', path: '/invoices/delete', headers: async (i) => bearer(await workos(i, { role: 'editor' })), expect: { status: 403, error: 'forbidden', reason: 'permission_denied' } },
  { name: 'requirePermission: a role not in the policy', path: '/documents/write', headers: async (i) => bearer(await workos(i, { roles: ['__proto__', 'constructor'] })), expect: { status: 403, error: 'forbidden', reason: 'permission_denied' } },
  { name: 'requireBrand: the brand', path: '/brand', headers: async (i) => bearer(await workos(i, { brand_id: 'brand_a' })), expect: ok() },
  { name: 'requireBrand: another brand', path: '/brand', headers: async (i) => bearer(await workos(i, { brand_id: 'brand_b' })), expect: { status: 403, error: 'forbidden', reason: 'brand_mismatch' } },
  { name: 'requireBrand: no brand never matches', path: '/brand', headers: async (i) => bearer(await workos(i)), expect: { status: 403, error: 'forbidden', reason: 'brand_mismatch' } },
  { name: 'requireBrand: from a route parameter', path: '/brands/brand_b', headers: async (i) => bearer(await workos(i, { brand_id: 'brand_b' })), expect: ok() },
  { name: 'requireBrand: route parameter differs', path: '/brands/brand_a', headers: async (i) => bearer(await workos(i, { brand_id: 'brand_b' })), expect: { status: 403, error: 'forbidden', reason: 'brand_mismatch' } },
  { name: 'requireSession: the session', path: '/sessions/session_42', headers: async (i) => bearer(await workos(i, {}, { sid: 'session_42' })), expect: ok() },
  { name: 'requireSession: another session', path: '/sessions/session_42', headers: async (i) => bearer(await workos(i, {}, { sid: 'session_43' })), expect: { status: 403, error: 'forbidden', reason: 'session_mismatch' } },
  {
    name: 'requireSession: a token without sid never matches',
    path: '/sessions/session_42',
    headers: async (i) => bearer(await i.oidc.sessionToken({ claims: { sid: undefined, aud: AUDIENCE } })),
    expect: { status: 403, error: 'forbidden', reason: 'session_mismatch' },
  },
  {
    name: 'composed guards: all pass',
    path: '/composed/brand_a',
    headers: async (i) => bearer(await workos(i, { scope: 'read', brand_id: 'brand_a', role: 'editor' })),
    expect: ok({ auth: { grantingRoles: ['editor'] } }),
  },
  {
    name: 'composed guards: the first failing guard answers',
    path: '/composed/brand_b',
    headers: async (i) => bearer(await workos(i, { scope: 'read', brand_id: 'brand_a', role: 'viewer' })),
    expect: { status: 403, error: 'forbidden', reason: 'brand_mismatch' },
  },
  {
    name: 'composed guards: scope first',
    path: '/composed/brand_b',
    headers: async (i) => bearer(await workos(i, { brand_id: 'brand_a', role: 'viewer' })),
    expect: { status: 403, error: 'insufficient_scope', wwwAuthenticate: `${CHALLENGE}, error="insufficient_scope", scope="read"` },
  },
  {
    name: 'standalone guard where no middleware ran: 401 with the default realm',
    path: '/no-middleware/standalone',
    headers: async (i) => bearer(await workos(i, { scope: 'read' })),
    expect: { status: 401, error: 'missing_token', wwwAuthenticate: 'Bearer realm="api"' },
  },
  {
    name: 'bound guard where no middleware ran: 401 with its realm',
    path: '/no-middleware/bound',
    headers: async (i) => bearer(await workos(i, { scope: 'read' })),
    expect: { status: 401, error: 'missing_token', wwwAuthenticate: CHALLENGE },
  },
];

export const CASES: readonly ConformanceCase[] = [...credentials, ...verification, ...precedence, ...optional, ...guards];
