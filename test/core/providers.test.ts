/** clerk(), workos() and oidc() against real tokens: networkless PEM keys, inline JWKS, audiences, algorithms; on the framework-free verifier. */
import { clerk, createVerifier, isSessionError, oidc, workos, type SessionGuardOptions, type SessionVerifier } from '../../src';
import { authenticate, expectRejection, statusOf } from './support';
import { createKey, useIssuers } from '../support/issuers';

const issuers = useIssuers({
  clerk: { kind: 'clerk' },
  workos: { kind: 'workos', clientId: 'client_01ABC' },
  orders: { kind: 'oidc', issuer: 'https://idp.orders.test', alg: 'ES256' },
  ed: { kind: 'oidc', issuer: 'https://idp.ed.test', alg: 'EdDSA' },
});

function verifierWith(options: SessionGuardOptions): SessionVerifier {
  return createVerifier(options);
}

/** What an adapter would answer: the status, and the principal or the error body. */
async function get(verifier: SessionVerifier, token: string) {
  const outcome = await authenticate(verifier, token);
  return { outcome, status: statusOf(outcome), body: isSessionError(outcome) ? outcome.toJSON() : outcome };
}

function expectError(res: Awaited<ReturnType<typeof get>>, status: number, error: string, reason?: string): void {
  expectRejection(res.outcome, status, error, reason);
}

const resolveLegacyUser = (id: string) => `user_01_${id}`;

describe('clerk() networkless jwtKey (PEM)', () => {
  const forms: [string, (pem: string) => string][] = [
    ['as exported (multi-line)', (pem) => pem],
    ['on a single line', (pem) => pem.replace(/\n/g, '')],
    ['with escaped "\\n" (as in a .env file)', (pem) => pem.replace(/\n/g, '\\n')],
    ['with CRLF line ends and surrounding spaces', (pem) => `  ${pem.replace(/\n/g, '\r\n')}  `],
  ];

  test.each(forms)('a PEM %s verifies with zero fetches', async (_title, reshape) => {
    const verifier = verifierWith({ providers: [clerk({ issuer: issuers.clerk.issuer, jwtKey: reshape(issuers.clerk.key.publicPem) })], resolveLegacyUser });
    const res = await get(verifier, await issuers.clerk.sessionToken({ sub: 'user_2PEM' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ subject: 'user_01_user_2PEM', clerkUserId: 'user_2PEM' });
    expect(issuers.clerk.jwksRequests).toBe(0);
  });

  test('a token signed with another key is refused, whatever its kid', async () => {
    const verifier = verifierWith({ providers: [clerk({ issuer: issuers.clerk.issuer, jwtKey: issuers.clerk.key.publicPem })], resolveLegacyUser });
    const other = await issuers.clerk.createDetachedKey();
    expectError(await get(verifier, await issuers.clerk.sessionToken({}, { key: other })), 401, 'invalid_token', 'signature_invalid');
    expect(issuers.clerk.jwksRequests).toBe(0);
  });

  test('a 3072-bit key works (not only 2048)', async () => {
    const key = await createKey('RS256', { modulusLength: 3072, kid: 'ins_big' });
    const verifier = verifierWith({ providers: [clerk({ issuer: issuers.clerk.issuer, jwtKey: key.publicPem })], resolveLegacyUser });
    expect((await get(verifier, await issuers.clerk.sessionToken({}, { key }))).status).toBe(200);
  });
});

describe('clerk() token kinds and authorized parties', () => {
  test.each([
    ['the session category', { cat: 'cl_B7d4PD111AAA' }],
    ['no category', { cat: undefined }],
    ['the uncategorised marker', { cat: 'cl_I7d4PD111III' }],
  ])('a token with %s is a session', async (_title, header) => {
    const verifier = verifierWith({ providers: [issuers.clerk.provider()], resolveLegacyUser });
    expect((await get(verifier, await issuers.clerk.sessionToken({}, { header }))).status).toBe(200);
  });

  test.each([
    ['a JWT template token', 'cl_B7d4PD222AAA'],
    ['an M2M token', 'cl_B7d4PD333AAA'],
    ['an unknown category', 'cl_SOMETHINGELSE'],
  ])('%s is refused as kind_rejected', async (_title, cat) => {
    const verifier = verifierWith({ providers: [issuers.clerk.provider()], resolveLegacyUser });
    expectError(await get(verifier, await issuers.clerk.sessionToken({}, { header: { cat } })), 401, 'invalid_token', 'kind_rejected');
  });

  test('azp: listed passes, unlisted fails, absent fails too; unchecked without authorizedParties', async () => {
    const strict = verifierWith({ providers: [issuers.clerk.provider({ authorizedParties: ['https://a.test', 'https://b.test'] })], resolveLegacyUser });
    expect((await get(strict, await issuers.clerk.sessionToken({ claims: { azp: 'https://b.test' } }))).status).toBe(200);
    expectError(await get(strict, await issuers.clerk.sessionToken({ claims: { azp: 'https://c.test' } })), 401, 'invalid_token', 'azp_invalid');
    expectError(await get(strict, await issuers.clerk.sessionToken({ claims: { azp: ['https://a.test'] } })), 401, 'invalid_token', 'azp_invalid');
    // As @clerk/backend: with authorizedParties configured, a token without azp is refused.
    expectError(await get(strict, await issuers.clerk.sessionToken({ claims: { azp: undefined } })), 401, 'invalid_token', 'azp_invalid');
    const open = verifierWith({ providers: [issuers.clerk.provider()], resolveLegacyUser });
    expect((await get(open, await issuers.clerk.sessionToken({ claims: { azp: 'https://c.test' } }))).status).toBe(200);
  });
});

describe('workos()', () => {
  test('accepts both issuer forms WorkOS uses, and nothing else', async () => {
    const verifier = verifierWith({ providers: [issuers.workos.provider()] });
    for (const iss of ['https://api.workos.com/', 'https://api.workos.com/user_management/client_01ABC']) {
      expect((await get(verifier, await issuers.workos.sessionToken({ claims: { iss } }))).status).toBe(200);
    }
    for (const iss of ['https://api.workos.com', 'https://api.workos.com/user_management/client_OTHER']) {
      expectError(await get(verifier, await issuers.workos.sessionToken({ claims: { iss } })), 401, 'invalid_token', 'issuer_unknown');
    }
  });

  test('issuers can be overridden', async () => {
    const verifier = verifierWith({ providers: [issuers.workos.provider({ issuers: ['https://auth.example.com'] })] });
    expect((await get(verifier, await issuers.workos.sessionToken({ claims: { iss: 'https://auth.example.com' } }))).status).toBe(200);
    expectError(await get(verifier, await issuers.workos.sessionToken()), 401, 'invalid_token', 'issuer_unknown');
  });

  test('no aud is required by default; an audience option requires it', async () => {
    const lenient = verifierWith({ providers: [issuers.workos.provider()] });
    expect((await get(lenient, await issuers.workos.sessionToken({ claims: { aud: 'anything' } }))).status).toBe(200);
    const strict = verifierWith({ providers: [issuers.workos.provider({ audience: 'client_01ABC' })] });
    expect((await get(strict, await issuers.workos.sessionToken({ claims: { aud: 'client_01ABC' } }))).status).toBe(200);
    expectError(await get(strict, await issuers.workos.sessionToken()), 401, 'invalid_token', 'audience_invalid');
  });

  test('default key-set URL is the WorkOS one for the client id', () => {
    expect(workos({ clientId: 'client_01ABC' }).keySource).toEqual({ type: 'jwks', url: 'https://api.workos.com/sso/jwks/client_01ABC' });
    expect(clerk({ issuer: 'https://clerk.example.com' }).keySource).toEqual({ type: 'jwks', url: 'https://clerk.example.com/.well-known/jwks.json' });
  });

  test('the principal normalises scopes, roles and brand', async () => {
    const verifier = verifierWith({ providers: [issuers.workos.provider()] });
    const res = await get(verifier, await issuers.workos.sessionToken({ sub: 'user_01P', sid: 'session_P', claims: { permissions: ['orders:read', 'orders:write'], scope: 'openid orders:read', role: 'admin', brand_id: 'brand_1' } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      subject: 'user_01P',
      workosUserId: 'user_01P',
      clerkUserId: null,
      sessionId: 'session_P',
      brandId: 'brand_1',
      scope: 'openid orders:read orders:write',
      scopes: ['openid', 'orders:read', 'orders:write'],
      roles: ['admin'],
      provider: 'workos',
      issuer: issuers.workos.issuer,
      type: 'user',
    });
  });
});

describe('oidc()', () => {
  test('ES256 with an audience: string and list audiences match, missing or other do not', async () => {
    const verifier = verifierWith({ providers: [issuers.orders.provider({ audience: 'api://orders', algorithms: ['ES256'] })] });
    expect((await get(verifier, await issuers.orders.sessionToken({ claims: { aud: 'api://orders' } }))).status).toBe(200);
    expect((await get(verifier, await issuers.orders.sessionToken({ claims: { aud: ['api://billing', 'api://orders'] } }))).status).toBe(200);
    expectError(await get(verifier, await issuers.orders.sessionToken()), 401, 'invalid_token', 'audience_invalid');
    expectError(await get(verifier, await issuers.orders.sessionToken({ claims: { aud: 'api://billing' } })), 401, 'invalid_token', 'audience_invalid');
    expectError(await get(verifier, await issuers.orders.sessionToken({ claims: { aud: [42] } })), 401, 'invalid_token', 'audience_invalid');
  });

  test('an RS256 token for an ES256-only provider is alg_not_allowed', async () => {
    const verifier = verifierWith({ providers: [issuers.orders.provider({ algorithms: ['ES256'] })] });
    const rsa = await issuers.orders.createDetachedKey('RS256');
    expectError(await get(verifier, await issuers.orders.sessionToken({}, { key: rsa })), 401, 'invalid_token', 'alg_not_allowed');
  });

  test('a token whose alg does not fit the key of its kid is refused', async () => {
    const verifier = verifierWith({ providers: [issuers.orders.provider({ algorithms: ['ES256', 'RS256'] })] });
    const rsa = await issuers.orders.createDetachedKey('RS256', issuers.orders.key.kid);
    expectError(await get(verifier, await issuers.orders.sessionToken({}, { key: rsa })), 401, 'invalid_token', 'alg_not_allowed');
  });

  test('EdDSA tokens verify', async () => {
    const verifier = verifierWith({ providers: [issuers.ed.provider()] });
    expect((await get(verifier, await issuers.ed.sessionToken())).status).toBe(200);
  });

  test('an inline jwks verifies with zero fetches; an unknown kid is kid_unknown', async () => {
    const verifier = verifierWith({ providers: [oidc({ audience: false, issuer: issuers.orders.issuer, jwks: issuers.orders.jwks(), algorithms: ['ES256'] })] });
    const fetchesBefore = issuers.orders.jwksRequests;
    expect((await get(verifier, await issuers.orders.sessionToken())).status).toBe(200);
    const other = await issuers.orders.createDetachedKey();
    expectError(await get(verifier, await issuers.orders.sessionToken({}, { key: other })), 401, 'invalid_token', 'kid_unknown');
    expect(issuers.orders.jwksRequests).toBe(fetchesBefore);
  });
});

describe('several providers side by side', () => {
  test('each token is routed to its issuer and named by its provider', async () => {
    const verifier = verifierWith({
      providers: [issuers.clerk.provider(), issuers.workos.provider(), issuers.orders.provider()],
      resolveLegacyUser,
    });
    expect((await get(verifier, await issuers.clerk.sessionToken({ sub: 'user_2X' }))).body).toMatchObject({ provider: 'clerk', subject: 'user_01_user_2X' });
    expect((await get(verifier, await issuers.workos.sessionToken({ sub: 'user_01Y' }))).body).toMatchObject({ provider: 'workos', subject: 'user_01Y' });
    expect((await get(verifier, await issuers.orders.sessionToken({ sub: 'user_Z' }))).body).toMatchObject({ provider: 'oidc', subject: 'user_Z' });
  });

  test('a token signed by one issuer but claiming another is refused', async () => {
    const verifier = verifierWith({ providers: [issuers.workos.provider(), issuers.clerk.provider()], resolveLegacyUser });
    const token = await issuers.clerk.sessionToken({ claims: { iss: issuers.workos.issuer, auth_time: Math.floor(Date.now() / 1000) } });
    expectError(await get(verifier, token), 401, 'invalid_token', 'kid_unknown');
  });
});
