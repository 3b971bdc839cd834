/**
 * stytch(): Stytch session JWTs (consumer and B2B), built from the shapes Stytch documents, checked
 * field by field; its refusals; its defaults; guards on Stytch roles and Stytch's policy JSON.
 */
import request from 'supertest';
import { stytch } from '../../src';
import { STYTCH_ORGANIZATION_CLAIM, STYTCH_SESSION_CLAIM } from '../../src/core/providers/stytch-claims';
import { createTestIssuer, type TestIssuer } from '../../src/testing';
import { expectError, guardedApp } from '../helpers';
import { fieldsOf, withVerifier } from './support';

const PROJECT = 'project-test-6f1c6b8e-3b0c-4f6c-9c1d-2f0b5c2e7a11';
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'stytch', clientId: PROJECT });
});
afterAll(() => issuer.close());

const FACTOR = {
  type: 'magic_link',
  delivery_method: 'email',
  last_authenticated_at: '2026-12-04T10:00:00Z',
  email_factor: { email_id: 'email-test-81bf03a8', email_address: 'sandbox@stytch.com' },
};

/** Stytch's documented session claim of a consumer session JWT. */
function sessionClaim(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'session-test-fe6c042b-6286-479f-8a4f-b046a6c46509',
    started_at: '2026-12-04T10:00:00Z',
    last_accessed_at: '2026-12-04T10:00:00Z',
    expires_at: '2026-12-04T11:00:00Z',
    attributes: { user_agent: '', ip_address: '' },
    authentication_factors: [FACTOR],
    roles: ['stytch_user', 'editor'],
    ...overrides,
  };
}

describe('consumer (B2C) session tokens', () => {
  test('every documented claim reaches its field; custom claims stay in claims', async () => {
    const token = await issuer.sessionToken({ sub: 'user-test-e3795c81', claims: { [STYTCH_SESSION_CLAIM]: sessionClaim(), plan: 'pro' } });
    await withVerifier({ providers: [issuer.provider()] }, async (verify) => {
      const { status, principal } = await verify(token);
      expect(status).toBe(200);
      expect(fieldsOf(principal)).toMatchObject({
        subject: 'user-test-e3795c81',
        workosUserId: null,
        clerkUserId: null,
        sessionId: 'session-test-fe6c042b-6286-479f-8a4f-b046a6c46509',
        roles: ['stytch_user', 'editor'],
        authenticationFactors: [FACTOR],
        organizationId: null,
        organizationSlug: null,
        organizationRole: null,
        permissions: [],
        actor: null,
        provider: 'stytch',
        issuer: `stytch.com/${PROJECT}`,
      });
      expect(principal?.claims.plan).toBe('pro');
    });
  });

  test.each<[string, string, Record<string, unknown>, Record<string, unknown>]>([
    ['no session claim (an M2M token of the project)', 'kind_rejected', { [STYTCH_SESSION_CLAIM]: undefined, scope: 'read:users' }, {}],
    ['a session claim without an id', 'kind_rejected', { [STYTCH_SESSION_CLAIM]: sessionClaim({ id: undefined }) }, {}],
    ['no typ (jose\'s typ option requires it)', 'kind_rejected', {}, { typ: undefined }],
    ['typ at+jwt', 'kind_rejected', {}, { typ: 'at+jwt' }],
    ['an aud without the project id', 'audience_invalid', { aud: ['project-test-other'] }, {}],
    ['no aud', 'audience_invalid', { aud: undefined }, {}],
    ['the issuer of another project', 'issuer_unknown', { iss: 'stytch.com/project-test-other' }, {}],
  ])('%s: 401 invalid_token %s', async (_title, reason, claims, header) => {
    await withVerifier({ providers: [issuer.provider()] }, async (verify) => {
      expect(await verify(await issuer.sessionToken({ claims }, { header }))).toEqual({ status: 401, error: 'invalid_token', reason });
    });
  });

  test.each([['JWT'], ['jwt'], ['application/jwt']])('typ %s passes (compared as jose does)', async (typ) => {
    await withVerifier({ providers: [issuer.provider()] }, async (verify) => {
      expect((await verify(await issuer.sessionToken({}, { header: { typ } }))).status).toBe(200);
    });
  });

  test('an aud string equal to the project id passes', async () => {
    await withVerifier({ providers: [issuer.provider()] }, async (verify) => {
      expect((await verify(await issuer.sessionToken({ claims: { aud: PROJECT } }))).status).toBe(200);
    });
  });
});

describe('B2B member session tokens', () => {
  const b2bClaims = () => ({
    sub: 'member-test-32fc5024',
    [STYTCH_SESSION_CLAIM]: sessionClaim({ id: 'member-session-test-2b3a', roles: ['stytch_member', 'stytch_admin'] }),
    [STYTCH_ORGANIZATION_CLAIM]: { organization_id: 'organization-test-07971b06', slug: 'example-org' },
  });

  test('the organization claim fills the organization fields', async () => {
    await withVerifier({ providers: [issuer.provider({ b2b: true })] }, async (verify) => {
      const { principal } = await verify(await issuer.sessionToken({ claims: b2bClaims() }));
      expect(fieldsOf(principal)).toMatchObject({
        subject: 'member-test-32fc5024',
        sessionId: 'member-session-test-2b3a',
        roles: ['stytch_member', 'stytch_admin'],
        organizationId: 'organization-test-07971b06',
        organizationSlug: 'example-org',
        organizationRole: null,
      });
    });
  });

  test('a B2B provider refuses a token without the organization claim: kind_rejected', async () => {
    await withVerifier({ providers: [issuer.provider({ b2b: true })] }, async (verify) => {
      expect(await verify(await issuer.sessionToken())).toEqual({ status: 401, error: 'invalid_token', reason: 'kind_rejected' });
    });
  });
});

describe('defaults and options', () => {
  test('issuer, audience and key set by project id: test and live hosts, B2B path, custom domain', () => {
    const test = stytch({ projectId: 'project-test-123' });
    expect([test.issuers, test.audience, test.keySource]).toEqual([['stytch.com/project-test-123'], ['project-test-123'], { type: 'jwks', url: 'https://test.stytch.com/v1/sessions/jwks/project-test-123' }]);
    expect(stytch({ projectId: 'project-live-123' }).keySource).toEqual({ type: 'jwks', url: 'https://api.stytch.com/v1/sessions/jwks/project-live-123' });
    expect(stytch({ projectId: 'project-live-123', b2b: true }).keySource).toEqual({ type: 'jwks', url: 'https://api.stytch.com/v1/b2b/sessions/jwks/project-live-123' });
    const custom = stytch({ projectId: 'project-live-123', customDomain: 'login.example.com' });
    expect([custom.issuers, custom.keySource]).toEqual([
      ['stytch.com/project-live-123', 'https://login.example.com'],
      { type: 'jwks', url: 'https://login.example.com/v1/sessions/jwks/project-live-123' },
    ]);
    expect(stytch({ projectId: 'project-live-123', customDomain: 'https://login.example.com' }).issuers).toEqual(custom.issuers);
  });

  test('a token issued on the custom domain is accepted', async () => {
    const provider = stytch({ projectId: PROJECT, customDomain: 'login.example.com', jwks: issuer.jwks() });
    await withVerifier({ providers: [provider] }, async (verify) => {
      expect((await verify(await issuer.sessionToken({ claims: { iss: 'https://login.example.com' } }))).status).toBe(200);
    });
  });

  test.each<[string, () => unknown, RegExp]>([
    ['no project id', () => stytch({} as never), /projectId must be a non-empty string/],
    ['a project id of another shape', () => stytch({ projectId: 'proj_123' }), /projectId must look like "project-test-…" or "project-live-…"/],
    ['a custom domain with a path', () => stytch({ projectId: 'project-test-1', customDomain: 'login.example.com/auth' }), /customDomain must be a host name/],
    ['a custom domain over http', () => stytch({ projectId: 'project-test-1', customDomain: 'http://login.example.com' }), /customDomain must be a host name/],
    ['b2b not a boolean', () => stytch({ projectId: 'project-test-1', b2b: 'yes' as never }), /b2b must be true or false/],
    ['a misspelled option', () => stytch({ projectId: 'project-test-1', custom_domain: 'x' } as never), /unknown option "custom_domain"; did you mean "customDomain"\?/],
  ])('%s is refused at construction', (_title, build, message) => {
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });
});

describe('guards on Stytch roles', () => {
  /** Stytch's policy JSON as rbac.policy() returns it (extra members ignored). */
  const STYTCH_POLICY = {
    roles: [
      { role_id: 'stytch_user', description: 'Everyone', permissions: [{ resource_id: 'documents', actions: ['read'] }] },
      { role_id: 'editor', description: 'Writers', permissions: [{ resource_id: 'documents', actions: ['read', 'write'] }] },
      { role_id: 'stytch_admin', description: 'Admins', permissions: [{ resource_id: '*', actions: ['*'] }] },
    ],
    resources: [{ resource_id: 'documents', available_actions: ['read', 'write'] }],
    scopes: [],
  };

  function app() {
    const { app: guarded, guard } = guardedApp({ providers: [issuer.provider()], rbac: STYTCH_POLICY });
    guarded.post('/documents', guard.requirePermission({ resource: 'documents', action: 'write' }), (req, res) => res.json({ grantedBy: req.auth?.grantingRoles }));
    guarded.get('/admin', guard.requireRole('stytch_admin'), (_req, res) => res.json({ ok: true }));
    return guarded;
  }

  test('requirePermission with Stytch\'s policy shape: the granting roles', async () => {
    const token = await issuer.sessionToken({ claims: { [STYTCH_SESSION_CLAIM]: sessionClaim() } });
    const res = await request(app()).post('/documents').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.grantedBy).toEqual(['editor']);
  });

  test('a wildcard role grants everything; a role without the action is refused', async () => {
    const admin = await issuer.sessionToken({ claims: { [STYTCH_SESSION_CLAIM]: sessionClaim({ roles: ['stytch_admin'] }) } });
    expect((await request(app()).post('/documents').set('Authorization', `Bearer ${admin}`)).body.grantedBy).toEqual(['stytch_admin']);
    const reader = await issuer.sessionToken({ claims: { [STYTCH_SESSION_CLAIM]: sessionClaim({ roles: ['stytch_user'] }) } });
    expectError(await request(app()).post('/documents').set('Authorization', `Bearer ${reader}`), 403, 'forbidden', 'permission_denied');
  });

  test('requireRole reads the session claim\'s roles', async () => {
    const admin = await issuer.sessionToken({ claims: { [STYTCH_SESSION_CLAIM]: sessionClaim({ roles: ['stytch_admin'] }) } });
    expect((await request(app()).get('/admin').set('Authorization', `Bearer ${admin}`)).status).toBe(200);
    expectError(await request(app()).get('/admin').set('Authorization', `Bearer ${await issuer.sessionToken()}`), 403, 'forbidden', 'permission_denied');
  });
});
