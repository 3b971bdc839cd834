/**
 * One table of WorkOS access tokens, run through sessionguard and through @workos-inc/node's
 * userManagement.verifyAccessToken, both reading the same key set from a JWKS server on 127.0.0.1
 * (WorkOS's path, /sso/jwks/<clientId>). Acceptance must match, and for accepted tokens the roles,
 * permissions and organization equal the SDK's claims. Clock tolerance differs: the SDK verifies with
 * jose's default of 0 s, sessionguard allows 5 s (the row "expired 2 s ago" shows it).
 */
import { WorkOS } from '@workos-inc/node';
import { createTestIssuer, type TestIssuer } from '../../src/testing';
import { withVerifier, type Outcome } from './support';

const CLIENT_ID = 'client_01HSESSIONGUARD';
let issuer: TestIssuer;
let workos: WorkOS;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'workos', clientId: CLIENT_ID });
  const url = new URL(issuer.jwksUrl);
  workos = new WorkOS('sk_test_sessionguard_loopback', { clientId: CLIENT_ID, apiHostname: url.hostname, port: Number(url.port), https: false, issuer: issuer.issuer } as never);
});
afterAll(() => issuer.close());

interface Row {
  name: string;
  token: () => Promise<string>;
  /** sessionguard's answer: 200, or its 401 reason (`token_expired` is its own error). */
  expect: 200 | string;
  /** Set where the SDK answers otherwise, and why (documented in docs/providers.md). */
  sdkDiffers?: 'clock tolerance';
}

const documented = { org_id: 'org_01HRDMC6CM', role: 'admin', roles: ['admin', 'billing'], permissions: ['posts:read', 'posts:write'], entitlements: ['audit-logs'], feature_flags: ['beta'] };

const ROWS: Row[] = [
  { name: 'a user access token with an organization', token: () => issuer.sessionToken({ claims: documented }), expect: 200 },
  { name: 'a user access token without an organization', token: () => issuer.sessionToken(), expect: 200 },
  { name: 'sub_profile user', token: () => issuer.sessionToken({ claims: { sub_profile: 'user', role: 'member' } }), expect: 200 },
  { name: 'an agent token (sub_profile agent)', token: () => issuer.sessionToken({ claims: { ...documented, sub_profile: 'agent' } }), expect: 'kind_rejected' },
  { name: 'a widget token (sub_type)', token: () => issuer.sessionToken({ claims: { sub_type: 'widget_session' } }), expect: 'kind_rejected' },
  { name: 'no auth_time', token: () => issuer.sessionToken({ claims: { auth_time: undefined } }), expect: 'kind_rejected' },
  { name: 'auth_time not a number', token: () => issuer.sessionToken({ claims: { auth_time: 'yesterday' } }), expect: 'kind_rejected' },
  { name: 'no sid', token: () => issuer.sessionToken({ claims: { sid: undefined } }), expect: 'claim_missing' },
  { name: 'expired a minute ago', token: () => issuer.sessionToken({ expiresIn: -60, issuedAt: -120 }), expect: 'token_expired' },
  { name: 'expired 2 s ago', token: () => issuer.sessionToken({ expiresIn: -2, issuedAt: -120 }), expect: 200, sdkDiffers: 'clock tolerance' },
  { name: 'another issuer', token: () => issuer.sessionToken({ claims: { iss: 'https://api.workos.com/user_management/client_other' } }), expect: 'issuer_unknown' },
  { name: 'signed with another key', token: async () => issuer.sessionToken({}, { key: await issuer.createDetachedKey('RS256', issuer.key.kid) }), expect: 'signature_invalid' },
];

function expected(row: Row): Omit<Outcome, 'principal'> {
  if (row.expect === 200) return { status: 200 };
  return row.expect === 'token_expired' ? { status: 401, error: 'token_expired' } : { status: 401, error: 'invalid_token', reason: row.expect };
}

test.each(ROWS.map((row) => [row.name, row] as const))('%s: the same verdict and claims', async (_name, row) => {
  const token = await row.token();
  const claims = await workos.userManagement.verifyAccessToken(token);
  await withVerifier({ providers: [issuer.provider()] }, async (verify) => {
    const ours = await verify(token);
    expect({ status: ours.status, error: ours.error, reason: ours.reason }).toEqual({ error: undefined, reason: undefined, ...expected(row) });
    const sdkAccepts = row.sdkDiffers === 'clock tolerance' ? ours.status !== 200 : ours.status === 200;
    expect(claims !== null).toBe(sdkAccepts);
    if (claims !== null && ours.principal !== undefined) {
      const principal = ours.principal;
      expect(principal.organizationId).toBe(claims.org_id ?? null);
      expect(principal.organizationRole).toBe(claims.role ?? null);
      expect(principal.roles).toEqual([...new Set([...(claims.role === undefined ? [] : [claims.role]), ...(claims.roles ?? [])])]);
      expect(principal.permissions).toEqual(claims.permissions ?? []);
      expect(principal.entitlements).toEqual(claims.entitlements ?? []);
      expect(principal.featureFlags).toEqual(claims.feature_flags ?? []);
      expect(principal.sessionId).toBe(claims.sid);
    }
  });
});
