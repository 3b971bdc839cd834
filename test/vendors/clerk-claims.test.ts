/**
 * Clerk session tokens, built from the shapes Clerk publishes (session token v1 and v2), checked
 * field by field on the principal, and every Clerk-specific refusal with status, error and reason.
 */
import { clerk } from '../../src';
import { createTestIssuer, type TestIssuer } from '../../src/testing';
import { fieldsOf, withVerifier } from './support';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'clerk' });
});
afterAll(() => issuer.close());

const AZP = 'https://app.sessionguard.test';

/** Clerk's session token v2 as documented: organization `o` with the fpm bitmask, features in `fea`. */
function v2Claims(): Record<string, unknown> {
  return {
    v: 2,
    azp: AZP,
    fva: [0, -1],
    sts: 'active',
    o: { id: 'org_2abc', slg: 'acme', rol: 'admin', per: 'read,manage', fpm: '3,2' },
    fea: 'o:dashboard,o:reports',
    pla: 'u:free_user,o:free_org',
  };
}

/** The same user and organization in Clerk's session token v1. */
function v1Claims(): Record<string, unknown> {
  return {
    azp: AZP,
    org_id: 'org_2abc',
    org_slug: 'acme',
    org_role: 'org:admin',
    org_permissions: ['org:dashboard:read', 'org:dashboard:manage', 'org:reports:manage'],
  };
}

const provider = (overrides: Record<string, unknown> = {}) => issuer.provider({ authorizedParties: [AZP], ...overrides });

describe('organization claims, v2 and v1 of one user', () => {
  test('v2: role org:admin, permissions by the fpm bitmask per feature over per, every field', async () => {
    const token = await issuer.sessionToken({ sub: 'user_2ADA', sid: 'sess_2ADA', claims: { ...v2Claims(), act: { sub: 'user_2SUPPORT' } } });
    await withVerifier({ providers: [provider()] }, async (verify) => {
      const { status, principal } = await verify(token);
      expect(status).toBe(200);
      expect(fieldsOf(principal)).toMatchObject({
        subject: 'user_2ADA',
        type: 'user',
        workosUserId: null,
        clerkUserId: 'user_2ADA',
        sessionId: 'sess_2ADA',
        roles: ['org:admin'],
        organizationId: 'org_2abc',
        organizationSlug: 'acme',
        organizationRole: 'org:admin',
        permissions: ['org:dashboard:read', 'org:dashboard:manage', 'org:reports:manage'],
        features: ['o:dashboard', 'o:reports'],
        entitlements: [],
        featureFlags: [],
        actor: { sub: 'user_2SUPPORT' },
        authenticationFactors: [],
        scopes: ['org:dashboard:read', 'org:dashboard:manage', 'org:reports:manage'],
        scope: 'org:dashboard:read org:dashboard:manage org:reports:manage',
        provider: 'clerk',
        issuer: issuer.issuer,
      });
    });
  });

  test('v1 of the same user reads the same roles, permissions and organization', async () => {
    await withVerifier({ providers: [provider()] }, async (verify) => {
      const v1 = await verify(await issuer.sessionToken({ sub: 'user_2ADA', claims: v1Claims() }));
      const v2 = await verify(await issuer.sessionToken({ sub: 'user_2ADA', claims: v2Claims() }));
      const pick = (fields: Record<string, unknown>) => ({
        roles: fields.roles, permissions: fields.permissions, organizationId: fields.organizationId,
        organizationSlug: fields.organizationSlug, organizationRole: fields.organizationRole, scopes: fields.scopes,
      });
      expect(pick(fieldsOf(v1.principal))).toEqual(pick(fieldsOf(v2.principal)));
      expect(v1.principal?.roles).toEqual(['org:admin']);
    });
  });

  test.each<[string, Record<string, unknown>, readonly string[]]>([
    ['a feature without bits (fpm 0)', { o: { id: 'org_1', rol: 'member', per: 'read', fpm: '0' }, fea: 'o:dashboard' }, []],
    ['fewer fpm entries than features', { o: { id: 'org_1', rol: 'member', per: 'read,manage', fpm: '1' }, fea: 'o:dashboard,o:reports' }, ['org:dashboard:read']],
    ['user features are not organization features', { o: { id: 'org_1', rol: 'member', per: 'read', fpm: '1,1' }, fea: 'u:premium,o:reports' }, ['org:reports:read']],
    ['features for both (ou:)', { o: { id: 'org_1', rol: 'member', per: 'read', fpm: '1' }, fea: 'ou:dashboard' }, ['org:dashboard:read']],
    ['a mask beyond 2^53', { o: { id: 'org_1', rol: 'member', per: 'a,b', fpm: '9007199254740995' }, fea: 'o:x' }, ['org:x:a', 'org:x:b']],
    ['no per', { o: { id: 'org_1', rol: 'member', fpm: '3' }, fea: 'o:x' }, []],
  ])('v2 permissions: %s', async (_title, claims, permissions) => {
    await withVerifier({ providers: [provider()] }, async (verify) => {
      const { principal } = await verify(await issuer.sessionToken({ claims: { v: 2, azp: AZP, ...claims } }));
      expect(principal?.permissions).toEqual(permissions);
      expect(principal?.organizationRole).toBe('org:member');
    });
  });

  test('o and fea without v: 2 are not read (Clerk does not read them either)', async () => {
    await withVerifier({ providers: [provider()] }, async (verify) => {
      const { principal } = await verify(await issuer.sessionToken({ claims: { azp: AZP, o: { id: 'org_1', rol: 'admin', per: 'read', fpm: '1' }, fea: 'o:x' } }));
      expect([principal?.roles, principal?.permissions, principal?.organizationId, principal?.features]).toEqual([[], [], null, ['o:x']]);
    });
  });

  test('a user without organization: nulls and empty lists', async () => {
    await withVerifier({ providers: [provider()] }, async (verify) => {
      const { principal } = await verify(await issuer.sessionToken({ claims: { v: 2, azp: AZP } }));
      expect(fieldsOf(principal)).toMatchObject({ roles: [], organizationId: null, organizationSlug: null, organizationRole: null, permissions: [], features: [], actor: null });
    });
  });
});

describe('session status (sts)', () => {
  test.each([
    ['absent (v1)', undefined, 200],
    ['active', 'active', 200],
  ])('%s passes', async (_title, sts, status) => {
    await withVerifier({ providers: [provider()] }, async (verify) => {
      expect((await verify(await issuer.sessionToken({ claims: { azp: AZP, sts } }))).status).toBe(status);
    });
  });

  test('pending is refused by default: 401 invalid_token session_pending', async () => {
    await withVerifier({ providers: [provider()] }, async (verify) => {
      expect(await verify(await issuer.sessionToken({ claims: { ...v2Claims(), sts: 'pending' } }))).toEqual({ status: 401, error: 'invalid_token', reason: 'session_pending' });
    });
  });

  test('pending passes with acceptPendingSessions: true', async () => {
    await withVerifier({ providers: [provider({ acceptPendingSessions: true })] }, async (verify) => {
      expect((await verify(await issuer.sessionToken({ claims: { ...v2Claims(), sts: 'pending' } }))).status).toBe(200);
    });
  });

  test.each([['expired'], ['ACTIVE'], [1], [null]])('any other value (%p) is claim_invalid, even with acceptPendingSessions', async (sts) => {
    await withVerifier({ providers: [provider({ acceptPendingSessions: true })] }, async (verify) => {
      expect(await verify(await issuer.sessionToken({ claims: { azp: AZP, sts } }))).toEqual({ status: 401, error: 'invalid_token', reason: 'claim_invalid' });
    });
  });

  test('acceptPendingSessions must be a boolean', () => {
    expect(() => clerk({ issuer: issuer.issuer, acceptPendingSessions: 'yes' as never })).toThrow(/acceptPendingSessions must be true or false/);
  });
});

describe('azp, typ and fea', () => {
  test('with authorizedParties, a token without azp is refused (azp_invalid); without them it passes', async () => {
    const token = await issuer.sessionToken({ claims: { azp: undefined } });
    await withVerifier({ providers: [provider()] }, async (verify) => {
      expect(await verify(token)).toEqual({ status: 401, error: 'invalid_token', reason: 'azp_invalid' });
    });
    await withVerifier({ providers: [issuer.provider()] }, async (verify) => {
      expect((await verify(token)).status).toBe(200);
    });
  });

  test.each([
    ['at+jwt', 'kind_rejected'],
    ['application/at+jwt', 'kind_rejected'],
    ['jwt', 'kind_rejected'],
    ['application/jwt', 'kind_rejected'],
  ])('typ %s is refused (%s): Clerk accepts only JWT or none', async (typ, reason) => {
    await withVerifier({ providers: [provider()] }, async (verify) => {
      expect(await verify(await issuer.sessionToken({ claims: { azp: AZP } }, { header: { typ } }))).toEqual({ status: 401, error: 'invalid_token', reason });
    });
  });

  test.each([['JWT'], [undefined]])('typ %p passes', async (typ) => {
    await withVerifier({ providers: [provider()] }, async (verify) => {
      expect((await verify(await issuer.sessionToken({ claims: { azp: AZP } }, { header: { typ } }))).status).toBe(200);
    });
  });

  test.each([['dashboard'], [42]])('an fea Clerk cannot read (%p) in a v2 token with an organization is claim_invalid (Clerk\'s middleware throws on it)', async (fea) => {
    await withVerifier({ providers: [provider()] }, async (verify) => {
      expect(await verify(await issuer.sessionToken({ claims: { ...v2Claims(), fea } }))).toEqual({ status: 401, error: 'invalid_token', reason: 'claim_invalid' });
    });
  });

  test('the same fea where Clerk does not read it (no organization, or v1) passes, with no features', async () => {
    await withVerifier({ providers: [provider()] }, async (verify) => {
      for (const claims of [{ v: 2, fea: 'dashboard' }, { fea: 'dashboard' }]) {
        const { status, principal } = await verify(await issuer.sessionToken({ claims: { azp: AZP, ...claims } }));
        expect([status, principal?.features]).toEqual([200, []]);
      }
    });
  });
});

describe('users without a mapping', () => {
  test('without resolveLegacyUser the Clerk user id is the subject, and no WorkOS id is claimed', async () => {
    await withVerifier({ providers: [issuer.provider()] }, async (verify) => {
      const { principal } = await verify(await issuer.sessionToken({ sub: 'user_2SOLO' }));
      expect([principal?.subject, principal?.clerkUserId, principal?.workosUserId]).toEqual(['user_2SOLO', 'user_2SOLO', null]);
    });
  });

  test('with resolveLegacyUser the mapped id is the subject and the WorkOS id', async () => {
    await withVerifier({ providers: [issuer.provider()], resolveLegacyUser: () => 'user_01MAPPED' }, async (verify) => {
      const { principal } = await verify(await issuer.sessionToken({ sub: 'user_2SOLO' }));
      expect([principal?.subject, principal?.clerkUserId, principal?.workosUserId]).toEqual(['user_01MAPPED', 'user_2SOLO', 'user_01MAPPED']);
    });
  });
});
