/**
 * One table of Clerk session tokens, run through sessionguard and through @clerk/backend's
 * authenticateRequest, both reading the same key set from a JWKS server on 127.0.0.1 (Clerk's
 * Backend API path, /v1/jwks). Acceptance must match; for accepted tokens the roles and
 * permissions must equal what `toAuth()` reads. Both default to 5 s of clock tolerance.
 */
import { createClerkClient } from '@clerk/backend';
import { createTestIssuer, type TestIssuer } from '../../src/testing';
import { withVerifier, type Outcome } from './support';

const FRONTEND_API = 'clerk.sessionguard.test';
const AZP = 'https://app.sessionguard.test';
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'clerk', issuer: `https://${FRONTEND_API}` });
});
afterAll(() => issuer.close());

interface Row {
  name: string;
  token: () => Promise<string>;
  /** sessionguard's answer: 200, or the reason of its 401. */
  expect: 200 | string;
}

const now = () => Math.floor(Date.now() / 1000);
const v2Org = { v: 2, o: { id: 'org_2abc', slg: 'acme', rol: 'admin', per: 'read,manage', fpm: '3,2' }, fea: 'o:dashboard,o:reports' };
const v1Org = { org_id: 'org_2abc', org_slug: 'acme', org_role: 'org:admin', org_permissions: ['org:dashboard:read', 'org:dashboard:manage', 'org:reports:manage'] };

const ROWS: Row[] = [
  { name: 'v2 with an organization', token: () => issuer.sessionToken({ claims: { azp: AZP, sts: 'active', ...v2Org } }), expect: 200 },
  { name: 'v2 member, one feature', token: () => issuer.sessionToken({ claims: { azp: AZP, v: 2, o: { id: 'org_9', rol: 'member', per: 'read,manage', fpm: '1' }, fea: 'o:reports' } }), expect: 200 },
  { name: 'v1 with an organization', token: () => issuer.sessionToken({ claims: { azp: AZP, ...v1Org } }), expect: 200 },
  { name: 'no organization', token: () => issuer.sessionToken({ claims: { azp: AZP, v: 2 } }), expect: 200 },
  { name: 'typ JWT', token: () => issuer.sessionToken({ claims: { azp: AZP } }, { header: { typ: 'JWT' } }), expect: 200 },
  { name: 'no typ', token: () => issuer.sessionToken({ claims: { azp: AZP } }, { header: { typ: undefined } }), expect: 200 },
  { name: 'sts pending', token: () => issuer.sessionToken({ claims: { azp: AZP, sts: 'pending', ...v2Org } }), expect: 'session_pending' },
  { name: 'no azp (authorizedParties configured)', token: () => issuer.sessionToken({ claims: { azp: undefined } }), expect: 'azp_invalid' },
  { name: 'an unlisted azp', token: () => issuer.sessionToken({ claims: { azp: 'https://evil.example' } }), expect: 'azp_invalid' },
  { name: 'typ at+jwt (an OAuth access token)', token: () => issuer.sessionToken({ claims: { azp: AZP } }, { header: { typ: 'at+jwt' } }), expect: 'kind_rejected' },
  { name: 'typ application/at+jwt', token: () => issuer.sessionToken({ claims: { azp: AZP } }, { header: { typ: 'application/at+jwt' } }), expect: 'kind_rejected' },
  { name: 'typ jwt (lower case)', token: () => issuer.sessionToken({ claims: { azp: AZP } }, { header: { typ: 'jwt' } }), expect: 'kind_rejected' },
  { name: 'a non-session category (cat)', token: () => issuer.sessionToken({ claims: { azp: AZP } }, { header: { cat: 'cl_B7d4PD222AAA' } }), expect: 'kind_rejected' },
  { name: 'v2 with an organization and an fea Clerk cannot read (its middleware throws)', token: () => issuer.sessionToken({ claims: { azp: AZP, ...v2Org, fea: 'dashboard' } }), expect: 'claim_invalid' },
  { name: 'v2 without an organization and an fea Clerk does not read', token: () => issuer.sessionToken({ claims: { azp: AZP, v: 2, fea: 'dashboard' } }), expect: 200 },
  { name: 'expired a minute ago', token: () => issuer.sessionToken({ claims: { azp: AZP }, expiresIn: -60, issuedAt: -120 }), expect: 'token_expired' },
  { name: 'not valid for another minute', token: () => issuer.sessionToken({ claims: { azp: AZP, nbf: now() + 60 } }), expect: 'token_not_yet_valid' },
  { name: 'signed with another key', token: async () => issuer.sessionToken({ claims: { azp: AZP } }, { key: await issuer.createDetachedKey('RS256', issuer.key.kid) }), expect: 'signature_invalid' },
];

const clerkClient = () =>
  createClerkClient({
    secretKey: 'sk_test_sessionguard_loopback',
    publishableKey: `pk_test_${Buffer.from(`${FRONTEND_API}$`).toString('base64')}`,
    apiUrl: new URL(issuer.jwksUrl).origin,
    // Nothing leaves this machine: Clerk's telemetry would send events to Clerk.
    telemetry: { disabled: true },
  });

/** @clerk/backend's reading: the auth object of a signed-in request, or null when signed out (or when it throws). */
async function clerkReading(token: string): Promise<{ orgRole: string | null | undefined; orgPermissions: string[] | null | undefined } | null> {
  const request = new Request('https://api.sessionguard.test/me', { headers: { authorization: `Bearer ${token}` } });
  let auth: ReturnType<Awaited<ReturnType<ReturnType<typeof clerkClient>['authenticateRequest']>>['toAuth']>;
  try {
    auth = (await clerkClient().authenticateRequest(request, { authorizedParties: [AZP] })).toAuth();
  } catch {
    return null;
  }
  if (auth === null || !('userId' in auth) || auth.userId === null) return null;
  return { orgRole: auth.orgRole, orgPermissions: auth.orgPermissions };
}

/** What sessionguard must answer for a row: 200, or a 401 with this reason (`token_expired` is its own error). */
function expected(row: Row): Omit<Outcome, 'principal'> {
  if (row.expect === 200) return { status: 200 };
  return row.expect === 'token_expired' ? { status: 401, error: 'token_expired', reason: undefined } : { status: 401, error: 'invalid_token', reason: row.expect };
}

test.each(ROWS.map((row) => [row.name, row] as const))('%s: the same verdict, roles and permissions', async (_name, row) => {
  const token = await row.token();
  const clerk = await clerkReading(token);
  await withVerifier({ providers: [issuer.provider({ authorizedParties: [AZP] })] }, async (verify) => {
    const ours = await verify(token);
    expect({ status: ours.status, error: ours.error, reason: ours.reason }).toEqual({ error: undefined, reason: undefined, ...expected(row) });
    expect(ours.status === 200).toBe(clerk !== null);
    if (clerk !== null) {
      expect(ours.principal!.organizationRole).toBe(clerk.orgRole ?? null);
      expect(ours.principal!.permissions).toEqual(clerk.orgPermissions ?? []);
      expect(ours.principal!.roles).toEqual(clerk.orgRole ? [clerk.orgRole] : []);
    }
  });
});
