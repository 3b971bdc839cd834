import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createVerifier, identitySessions, workos, type SessionVerifier } from '../../src';

const ISSUER = 'https://identity.example.test';
const PROJECT = 'project-test-11111111-2222-3333-4444-555555555555';
const SESSION = 'https://stytch.com/session';

let sign: (payload: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;
let verifier: SessionVerifier;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  sign = (payload, header = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISSUER, aud: [PROJECT], sub: 'user_1', iat: now, nbf: now, exp: now + 300, ...payload })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT', ...header })
      .sign(privateKey);
  };
  verifier = createVerifier({ providers: [identitySessions({ issuer: ISSUER, projectId: PROJECT, jwks: { keys: [jwk as never] } })] });
});
afterAll(() => verifier.close());

function claim(id = 'session-1', extra: Record<string, unknown> = {}) {
  return { id, expires_at: new Date(Date.now() + 3600_000).toISOString(), roles: ['viewer'], permissions: ['documents:read'], brand_id: 'brand_real', organization_id: 'org_1', ...extra };
}

test('roles, scopes, brand and session id come from the session claim and sid', async () => {
  const principal = await verifier.verify(await sign({ sid: 'session-1', [SESSION]: claim() }));
  expect(principal).toMatchObject({ sessionId: 'session-1', roles: ['viewer'], scopes: ['documents:read'], permissions: ['documents:read'], brandId: 'brand_real', organizationId: 'org_1', workosUserId: 'user_1' });
});

test('top-level custom claims named scope, scp, roles, brand_id or permissions grant nothing; they stay on claims', async () => {
  const principal = await verifier.verify(
    await sign({ sid: 'session-1', [SESSION]: claim('session-1', { roles: [], permissions: [], brand_id: null }), scope: 'admin:all', scp: ['root'], roles: ['admin'], role: 'owner', brand_id: 'brand_other', permissions: ['billing:write'], org_id: 'org_evil' }),
  );
  expect(principal).toMatchObject({ roles: [], scopes: [], scope: '', permissions: [], brandId: null, organizationId: 'org_1' });
  expect(principal.claims).toMatchObject({ scope: 'admin:all', roles: ['admin'], brand_id: 'brand_other', permissions: ['billing:write'] });
});

test.each([
  ['no session claim', { sid: 'session-1' }],
  ['a session claim naming another session than sid', { sid: 'session-1', [SESSION]: claim('session-2') }],
  ['no sid', { [SESSION]: claim() }],
])('%s: 401 invalid_token kind_rejected', async (_name, payload) => {
  await expect(verifier.verify(await sign(payload))).rejects.toMatchObject({ status: 401, error: 'invalid_token', reason: 'kind_rejected' });
});

test('a token without typ JWT: kind_rejected', async () => {
  await expect(verifier.verify(await sign({ sid: 'session-1', [SESSION]: claim() }, { typ: 'at+jwt' }))).rejects.toMatchObject({ status: 401, reason: 'kind_rejected' });
});

test.each([
  [{ issuer: ISSUER, projectId: PROJECT }, /jwksUrl \(or jwks\) is required/],
  [{ issuer: 'not a url', projectId: PROJECT, jwksUrl: 'https://x.test/jwks' }, /not a URL/],
  [{ issuer: ISSUER, projectId: '', jwksUrl: 'https://x.test/jwks' }, /projectId/],
  [{ issuer: ISSUER, projectId: PROJECT, jwksUrl: 'https://x.test/jwks', roleClaim: 'roles' }, /roleClaim/],
  [{ issuer: ISSUER, projectId: PROJECT, jwksUrl: 'http://example.test/jwks' }, /https/],
])('identitySessions(%o) is refused', (options, message) => {
  expect(() => identitySessions(options as never)).toThrow(message);
});

describe('sessionGuard options for first-party sessions', () => {
  const provider = () => identitySessions({ issuer: ISSUER, projectId: PROJECT, jwksUrl: 'https://x.test/jwks' });
  test.each([
    [{ cookies: { hostPrefix: true, secure: false } }, /hostPrefix: true needs secure: true/],
    [{ cookies: { jwt: '__Host-mine' } }, /carries a prefix itself/],
    [{ cookies: { jwt: 'same', token: 'same' } }, /different names/],
    [{ cookies: { jwtName: 'x' } }, /jwtName/],
    [{ refresh: { serviceUrl: 'http://identity.example.test', projectId: PROJECT, secret: 's' } }, /https/],
    [{ refresh: { serviceUrl: 'https://identity.example.test' } }, /serviceUrl, projectId, secret/],
    [{ refresh: { service: {} } }, /createIdentityService/],
    [{ refresh: { service: { sessionsInProcess: async () => ({ status: 200, body: '{}' }) }, serviceUrl: 'https://x.test' } }, /not both/],
    [{ refresh: { service: { sessionsInProcess: async () => ({ status: 200, body: '{}' }) }, extendMinutes: 2 } }, /extendMinutes/],
  ])('%o is refused at construction', (extra, message) => {
    expect(() => createVerifier({ providers: [provider()], ...(extra as object) })).toThrow(message);
  });

  test('refresh or cookies without an identitySessions() provider are refused', () => {
    expect(() => createVerifier({ providers: [workos({ clientId: 'client_01TEST' })], cookies: {} })).toThrow(/add an identitySessions/);
  });

  test('startSession refuses a created session without string tokens; endSession needs refresh', async () => {
    const verifier = createVerifier({ providers: [provider()] });
    expect(() => verifier.firstParty!.startSession({ session_token: '', session_jwt: 'x' })).toThrow(TypeError);
    expect(() => verifier.firstParty!.startSession({ session_token: 't', session_jwt: 42 as never })).toThrow(/session_jwt must be a non-empty string/);
    await expect(verifier.firstParty!.endSession({ headers: {} })).rejects.toThrow(/needs the refresh option/);
    verifier.close();
  });

  test('authenticateRequest() without first-party sessions answers as authenticate() with no cookies', async () => {
    const plain = createVerifier({ providers: [provider()] });
    expect(plain.firstParty).toBeDefined();
    await expect(plain.authenticateRequest({ headers: {} }, { optional: true })).resolves.toEqual({ principal: undefined, setCookies: [] });
    plain.close();
  });
});
