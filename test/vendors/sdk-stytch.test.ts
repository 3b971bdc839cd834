/**
 * One table of Stytch session JWTs, run through sessionguard and through stytch-node's
 * sessions.authenticateJwtLocal (B2C) and B2B sessions.authenticateJwtLocal, the SDK's client built
 * with `env` set to a JWKS server on 127.0.0.1 that serves /v1/sessions/jwks/<project_id> and
 * /v1/b2b/sessions/jwks/<project_id>. Acceptance must match, and for accepted tokens the roles
 * (and the session id, factors and organization) equal the SDK's reading. Clock tolerance differs:
 * the SDK defaults to 0 s, sessionguard to 5 s (the row "expired 2 s ago" shows it).
 */
import * as stytch from 'stytch';
import { STYTCH_ORGANIZATION_CLAIM, STYTCH_SESSION_CLAIM } from '../../src/core/providers/stytch-claims';
import { createTestIssuer, type TestIssuer } from '../../src/testing';
import { withVerifier, type Outcome } from './support';

const PROJECT = 'project-test-11111111-2222-3333-4444-555555555555';
let issuer: TestIssuer;
let consumer: stytch.Client;
let b2b: stytch.B2BClient;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'stytch', clientId: PROJECT });
  const env = `${new URL(issuer.jwksUrl).origin}/`;
  // The SDK warns that `env` is neither its test nor its live URL: that is the point here.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  consumer = new stytch.Client({ project_id: PROJECT, secret: 'secret-test-loopback', env });
  b2b = new stytch.B2BClient({ project_id: PROJECT, secret: 'secret-test-loopback', env });
  warn.mockRestore();
});
afterAll(() => issuer.close());

interface Row {
  name: string;
  b2b?: boolean;
  token: () => Promise<string>;
  expect: 200 | string;
  sdkDiffers?: 'clock tolerance';
}

const session = (overrides: Record<string, unknown> = {}) => ({
  id: 'session-test-fe6c042b',
  started_at: '2026-12-04T10:00:00Z',
  last_accessed_at: '2026-12-04T10:00:00Z',
  expires_at: '2099-12-04T11:00:00Z',
  attributes: { user_agent: '', ip_address: '' },
  authentication_factors: [{ type: 'otp', delivery_method: 'sms', last_authenticated_at: '2026-12-04T10:00:00Z' }],
  roles: ['stytch_user', 'editor'],
  ...overrides,
});
const member = {
  [STYTCH_SESSION_CLAIM]: session({ id: 'member-session-test-1', roles: ['stytch_member', 'stytch_admin'] }),
  [STYTCH_ORGANIZATION_CLAIM]: { organization_id: 'organization-test-1', slug: 'acme' },
};

const ROWS: Row[] = [
  { name: 'a consumer session', token: () => issuer.sessionToken({ claims: { [STYTCH_SESSION_CLAIM]: session() } }), expect: 200 },
  { name: 'a consumer session with custom claims', token: () => issuer.sessionToken({ claims: { [STYTCH_SESSION_CLAIM]: session({ roles: ['stytch_user'] }), plan: 'pro' } }), expect: 200 },
  { name: 'typ jwt (lower case)', token: () => issuer.sessionToken({}, { header: { typ: 'jwt' } }), expect: 200 },
  { name: 'aud as a string', token: () => issuer.sessionToken({ claims: { aud: PROJECT } }), expect: 200 },
  { name: 'a B2B member session', b2b: true, token: () => issuer.sessionToken({ claims: member }), expect: 200 },
  { name: 'a B2B token without the organization claim', b2b: true, token: () => issuer.sessionToken({ claims: { [STYTCH_SESSION_CLAIM]: session() } }), expect: 'kind_rejected' },
  { name: 'no session claim (an M2M token)', token: () => issuer.sessionToken({ claims: { [STYTCH_SESSION_CLAIM]: undefined, scope: 'read:users' } }), expect: 'kind_rejected' },
  { name: 'no typ', token: () => issuer.sessionToken({}, { header: { typ: undefined } }), expect: 'kind_rejected' },
  { name: 'typ at+jwt', token: () => issuer.sessionToken({}, { header: { typ: 'at+jwt' } }), expect: 'kind_rejected' },
  { name: 'an aud of another project', token: () => issuer.sessionToken({ claims: { aud: ['project-test-other'] } }), expect: 'audience_invalid' },
  { name: 'the issuer of another project', token: () => issuer.sessionToken({ claims: { iss: 'stytch.com/project-test-other' } }), expect: 'issuer_unknown' },
  { name: 'expired a minute ago', token: () => issuer.sessionToken({ expiresIn: -60, issuedAt: -120 }), expect: 'token_expired' },
  { name: 'expired 2 s ago', token: () => issuer.sessionToken({ expiresIn: -2, issuedAt: -120 }), expect: 200, sdkDiffers: 'clock tolerance' },
  { name: 'signed with another key', token: async () => issuer.sessionToken({}, { key: await issuer.createDetachedKey('RS256', issuer.key.kid) }), expect: 'signature_invalid' },
];

function expected(row: Row): Omit<Outcome, 'principal'> {
  if (row.expect === 200) return { status: 200 };
  return row.expect === 'token_expired' ? { status: 401, error: 'token_expired' } : { status: 401, error: 'invalid_token', reason: row.expect };
}

interface StytchReading {
  roles: string[];
  sessionId: string;
  factors: unknown[];
  organizationId?: string;
  organizationSlug?: string;
}

/** The SDK's reading, or null when it refuses the token (it throws). */
async function stytchReading(token: string, forB2b: boolean): Promise<StytchReading | null> {
  try {
    if (forB2b) {
      const member = await b2b.sessions.authenticateJwtLocal({ session_jwt: token });
      return { roles: member.roles, sessionId: member.member_session_id, factors: member.authentication_factors, organizationId: member.organization_id, organizationSlug: member.organization_slug };
    }
    const local = await consumer.sessions.authenticateJwtLocal({ session_jwt: token });
    return { roles: local.roles, sessionId: local.session_id, factors: local.authentication_factors };
  } catch {
    return null;
  }
}

test.each(ROWS.map((row) => [row.name, row] as const))('%s: the same verdict and roles', async (_name, row) => {
  const token = await row.token();
  const sdk = await stytchReading(token, row.b2b === true);
  await withVerifier({ providers: [issuer.provider({ b2b: row.b2b === true })] }, async (verify) => {
    const ours = await verify(token);
    expect({ status: ours.status, error: ours.error, reason: ours.reason }).toEqual({ error: undefined, reason: undefined, ...expected(row) });
    const sdkAccepts = row.sdkDiffers === 'clock tolerance' ? ours.status !== 200 : ours.status === 200;
    expect(sdk !== null).toBe(sdkAccepts);
    if (sdk !== null && ours.principal !== undefined) {
      expect(ours.principal.roles).toEqual(sdk.roles);
      expect(ours.principal.sessionId).toBe(sdk.sessionId);
      expect(ours.principal.authenticationFactors).toEqual(sdk.factors);
      if (row.b2b === true) expect([ours.principal.organizationId, ours.principal.organizationSlug]).toEqual([sdk.organizationId, sdk.organizationSlug]);
    }
  });
});
