/**
 * WorkOS AuthKit access tokens, built from the shape WorkOS documents, checked field by field; the
 * token kinds verifyAccessToken of @workos-inc/node refuses; requirePermission by name.
 */
import request from 'supertest';
import { createTestIssuer, type TestIssuer } from '../../src/testing';
import { expectError, guardedApp } from '../helpers';
import { fieldsOf, withVerifier } from './support';
import { requirePermission } from '../../src/express';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'workos', clientId: 'client_01HBEQ' });
});
afterAll(() => issuer.close());

/** WorkOS's documented access token claims (AuthKit, "Access token"). */
function documentedClaims(): Record<string, unknown> {
  return {
    act: { sub: 'admin@foocorp.com' },
    org_id: 'org_01HRDMC6CM357W30QMHMQ96Q0S',
    role: 'member',
    roles: ['member', 'billing'],
    permissions: ['posts:read', 'posts:write'],
    entitlements: ['audit-logs'],
    feature_flags: ['advanced-analytics'],
  };
}

test('every documented claim reaches its field', async () => {
  const token = await issuer.sessionToken({ sub: 'user_01HBEQKA6K', sid: 'session_01HQSXZ', claims: documentedClaims() });
  await withVerifier({ providers: [issuer.provider()] }, async (verify) => {
    const { status, principal } = await verify(token);
    expect(status).toBe(200);
    expect(fieldsOf(principal)).toMatchObject({
      subject: 'user_01HBEQKA6K',
      workosUserId: 'user_01HBEQKA6K',
      clerkUserId: null,
      sessionId: 'session_01HQSXZ',
      organizationId: 'org_01HRDMC6CM357W30QMHMQ96Q0S',
      organizationSlug: null,
      organizationRole: 'member',
      roles: ['member', 'billing'],
      permissions: ['posts:read', 'posts:write'],
      entitlements: ['audit-logs'],
      featureFlags: ['advanced-analytics'],
      features: [],
      actor: { sub: 'admin@foocorp.com' },
      authenticationFactors: [],
      scopes: ['posts:read', 'posts:write'],
    });
  });
});

describe('only user access tokens are sessions (as verifyAccessToken decides)', () => {
  test.each<[string, Record<string, unknown>]>([
    ['an agent token (sub_profile agent)', { sub_profile: 'agent' }],
    ['a token with a sub_profile that is not a string', { sub_profile: 1 }],
    ['a widget token (sub_type)', { sub_type: 'widget_session' }],
    ['a token without auth_time', { auth_time: undefined }],
    ['a token with auth_time as a string', { auth_time: '1709193557' }],
  ])('%s: 401 invalid_token kind_rejected', async (_title, claims) => {
    await withVerifier({ providers: [issuer.provider()] }, async (verify) => {
      expect(await verify(await issuer.sessionToken({ claims }))).toEqual({ status: 401, error: 'invalid_token', reason: 'kind_rejected' });
    });
  });

  test('sub_profile user is a user token', async () => {
    await withVerifier({ providers: [issuer.provider()] }, async (verify) => {
      expect((await verify(await issuer.sessionToken({ claims: { sub_profile: 'user' } }))).status).toBe(200);
    });
  });
});

describe("requirePermission('name') checks principal.permissions exactly", () => {
  function app() {
    const { app: guarded } = guardedApp({ providers: [issuer.provider()] });
    guarded.get('/reports', requirePermission('posts:write'), (req, res) => res.json({ ok: true }));
    return guarded;
  }

  test('held: 200', async () => {
    const token = await issuer.sessionToken({ claims: documentedClaims() });
    expect((await request(app()).get('/reports').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });

  test.each([
    ['not held', ['posts:read']],
    ['held in another case', ['POSTS:WRITE']],
    ['a prefix only', ['posts']],
    ['a scope, not a permission', undefined],
  ])('%s: 403 forbidden permission_denied', async (_title, permissions) => {
    const token = await issuer.sessionToken({ claims: { permissions, scope: 'posts:write' } });
    expectError(await request(app()).get('/reports').set('Authorization', `Bearer ${token}`), 403, 'forbidden', 'permission_denied');
  });
});
