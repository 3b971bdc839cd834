import * as stytch from 'stytch';
import { decodeJwt } from './harness';
import { PROJECT_ID, REFRESH_SECRET, SECRET, sessionsClient, startSessions, type SessionsRig } from './sessions-harness';

/**
 * The real `stytch` package against the identity service mounted at `/` on loopback: the sessions
 * endpoints must be what Stytch's own SDK expects on the wire, and its session JWTs must verify
 * locally in Stytch's SDK.
 */
let rig: SessionsRig;
let client: stytch.Client;
let warnings: string[];

beforeAll(async () => {
  rig = await startSessions();
  warnings = [];
  const warn = jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.join(' ')));
  client = new stytch.Client({ project_id: PROJECT_ID, secret: SECRET, env: `${rig.url}/` });
  warn.mockRestore();
});
afterAll(() => rig.close());

test('sessions.getJWKS answers the session keys, public members only', async () => {
  const answer = await client.sessions.getJWKS({ project_id: PROJECT_ID });
  expect(answer.status_code).toBe(200);
  expect(answer.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) })]);
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) expect(answer.keys[0]).not.toHaveProperty(member);
});

const authenticateCalls = () => rig.calls.get('POST /v1/sessions/authenticate') ?? 0;

/** A session made from an upstream WorkOS token of an editor in org_01ACME. */
async function newSession(claims: Record<string, unknown> = {}, issuedAt = 0) {
  const upstream = await rig.issuer.sessionToken({ sub: 'user_01STYTCH', issuedAt, claims: { role: 'editor', org_id: 'org_01ACME', permissions: ['documents:read'], ...claims } });
  const res = await sessionsClient(rig.url).create({ token: upstream, session_duration_minutes: 60 });
  expect({ status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({ status: 200, body: 'ok' });
  return res.body as { session: { session_id: string }; session_token: string; session_jwt: string };
}

test('the SDK warns about the custom env, and uses it as the base URL and an accepted issuer', () => {
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain(`Using a custom 'env' value ("${rig.url}/")`);
});

test('sessions.authenticate with a session token: the session, the same token, a fresh JWT, the user', async () => {
  const created = await newSession();
  const answer = await client.sessions.authenticate({ session_token: created.session_token });
  expect(answer.status_code).toBe(200);
  expect(answer.request_id).toMatch(/^request-id-/);
  expect(answer.session_token).toBe(created.session_token);
  expect(answer.session.session_id).toBe(created.session.session_id);
  expect(answer.session.user_id).toBe('user_01STYTCH');
  expect(answer.session.roles).toEqual(['editor']);
  expect(answer.session.authentication_factors).toEqual([
    { type: 'trusted_auth_token', delivery_method: 'trusted_token_exchange', last_authenticated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) },
  ]);
  expect(answer.user).toMatchObject({ user_id: 'user_01STYTCH', emails: [], phone_numbers: [], providers: [], roles: ['editor'] });
  const { header, payload } = decodeJwt(answer.session_jwt);
  expect(header).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'JWT' });
  expect(payload).toMatchObject({ iss: rig.url, aud: [PROJECT_ID], sub: 'user_01STYTCH', sid: created.session.session_id });
  expect((payload.exp as number) - (payload.iat as number)).toBe(300);
  expect(payload['https://stytch.com/session']).toMatchObject({
    id: created.session.session_id,
    roles: ['editor'],
    organization_id: 'org_01ACME',
    permissions: ['documents:read'],
    brand_id: null,
  });
});

test('sessions.authenticate with a session JWT answers an empty session_token', async () => {
  const created = await newSession();
  const answer = await client.sessions.authenticate({ session_jwt: created.session_jwt });
  expect(answer.session_token).toBe('');
  expect(answer.session.session_id).toBe(created.session.session_id);
  expect(decodeJwt(answer.session_jwt).payload.sid).toBe(created.session.session_id);
});

test('an expired but correctly signed JWT of a live session is refreshed', async () => {
  rig.clock.offsetMs = -10 * 60_000;
  const created = await newSession({}, -600).finally(() => (rig.clock.offsetMs = 0));
  expect(decodeJwt(created.session_jwt).payload.exp as number).toBeLessThan(Date.now() / 1000);
  await expect(client.sessions.authenticateJwtLocal({ session_jwt: created.session_jwt })).rejects.toThrow(/jwt_invalid/);
  const answer = await client.sessions.authenticate({ session_jwt: created.session_jwt });
  expect(answer.session.session_id).toBe(created.session.session_id);
  expect(decodeJwt(answer.session_jwt).payload.exp as number).toBeGreaterThan(Date.now() / 1000);
  // The refreshed JWT verifies locally in Stytch's SDK.
  const local = await client.sessions.authenticateJwtLocal({ session_jwt: answer.session_jwt });
  expect(local.session_id).toBe(created.session.session_id);
});

test('session_duration_minutes extends the session to now plus that many minutes', async () => {
  const created = await newSession();
  const before = Date.now();
  const answer = await client.sessions.authenticate({ session_token: created.session_token, session_duration_minutes: 600 });
  const expiresAt = Date.parse(answer.session.expires_at!);
  expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 600 * 60_000);
  expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600 * 60_000);
});

test('session_custom_claims: set, change, delete (nested too); reserved names ignored; top level in the JWT', async () => {
  const created = await newSession();
  const first = await client.sessions.authenticate({
    session_token: created.session_token,
    session_custom_claims: { plan: 'pro', prefs: { theme: 'dark', lang: 'en' }, iss: 'https://evil.test', roles: ['admin'], 'https://stytch.com/session': {} },
  });
  expect(first.session.custom_claims).toEqual({ plan: 'pro', prefs: { theme: 'dark', lang: 'en' } });
  const jwt = decodeJwt(first.session_jwt).payload;
  expect(jwt).toMatchObject({ plan: 'pro', prefs: { theme: 'dark', lang: 'en' }, iss: rig.url });
  expect(jwt.roles).toBeUndefined();
  const second = await client.sessions.authenticate({ session_jwt: first.session_jwt, session_custom_claims: { plan: 'team', prefs: { lang: null } } });
  expect(second.session.custom_claims).toEqual({ plan: 'team', prefs: { theme: 'dark' } });
  const third = await client.sessions.authenticate({ session_token: created.session_token, session_custom_claims: { prefs: null } });
  expect(third.session.custom_claims).toEqual({ plan: 'team' });
});

test('authorization_check: granted with the granting roles; refused with a 403 unauthorized_action', async () => {
  const created = await newSession();
  const granted = await client.sessions.authenticate({ session_token: created.session_token, authorization_check: { resource_id: 'documents', action: 'write' } });
  expect(granted.verdict).toEqual({ authorized: true, granting_roles: ['editor'] });
  const refused = await client.sessions.authenticate({ session_token: created.session_token, authorization_check: { resource_id: 'billing', action: 'read' } }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(stytch.StytchError);
  expect(refused).toMatchObject({ status_code: 403, error_type: 'unauthorized_action', request_id: expect.stringMatching(/^request-id-/) });
});

test('sessions.authenticateJwtLocal verifies a session JWT with no call to authenticate', async () => {
  const created = await newSession();
  const claimed = await client.sessions.authenticate({ session_token: created.session_token, session_custom_claims: { plan: 'pro' } });
  const calls = authenticateCalls();
  const jwksFetches = rig.calls.get(`GET /v1/sessions/jwks/${PROJECT_ID}`) ?? 0;
  const local = await client.sessions.authenticateJwtLocal({ session_jwt: claimed.session_jwt });
  expect(authenticateCalls()).toBe(calls);
  expect(local).toMatchObject({ session_id: created.session.session_id, user_id: 'user_01STYTCH', roles: ['editor'] });
  // The SDK keeps every top-level claim it does not know as a custom claim: sid among them.
  expect(local.custom_claims).toEqual({ plan: 'pro', sid: created.session.session_id });
  // The SDK rewrites expires_at through Date#toISOString (with milliseconds): the same instant.
  expect(Date.parse(local.expires_at!)).toBe(Date.parse(claimed.session.expires_at!));
  expect(local.started_at).toBe(claimed.session.started_at);
  // Its key set came from this service's per-project JWKS endpoint (fetched once, then cached by the SDK).
  expect((rig.calls.get(`GET /v1/sessions/jwks/${PROJECT_ID}`) ?? 0) - jwksFetches).toBeLessThanOrEqual(1);
  expect(rig.calls.get(`GET /v1/sessions/jwks/${PROJECT_ID}`)).toBeGreaterThanOrEqual(1);
  const again = await client.sessions.authenticateJwt({ session_jwt: claimed.session_jwt });
  expect(again.session.session_id).toBe(created.session.session_id);
  expect(authenticateCalls()).toBe(calls);
});

test('sessions.authenticateJwtLocal runs an authorization_check locally with the policy it fetches: granted, refused', async () => {
  const created = await newSession();
  const calls = authenticateCalls();
  const granted = await client.sessions.authenticateJwtLocal({ session_jwt: created.session_jwt, authorization_check: { resource_id: 'documents', action: 'write' } });
  expect(granted.session_id).toBe(created.session.session_id);
  const refused = await client.sessions
    .authenticateJwtLocal({ session_jwt: created.session_jwt, authorization_check: { resource_id: 'billing', action: 'read' } })
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(stytch.ClientError);
  expect(refused).toMatchObject({ code: 'invalid_permissions' });
  expect(authenticateCalls()).toBe(calls);
  expect(rig.calls.get('GET /v1/rbac/policy')).toBe(1);
  const policy = await client.rbac.policy();
  expect(policy.policy!.roles.map((role) => role.role_id)).toEqual(['viewer', 'editor', 'admin']);
  expect(policy.policy!.roles[1]).toEqual({ role_id: 'editor', description: '', permissions: [{ resource_id: 'documents', actions: ['read', 'write'] }] });
});

test('sessions.get lists the user\'s live sessions; sessions.revoke ends one; then it is a 404 session_not_found', async () => {
  const created = await newSession({ sub: 'user_01REVOKE' });
  const other = await newSession({ sub: 'user_01REVOKE' });
  const listed = await client.sessions.get({ user_id: 'user_01REVOKE' });
  expect(listed.status_code).toBe(200);
  expect(listed.sessions.map((session) => session.session_id)).toEqual([created.session.session_id, other.session.session_id]);
  expect(JSON.stringify(listed)).not.toContain(created.session_token);
  const revoked = await client.sessions.revoke({ session_id: created.session.session_id });
  expect(revoked).toEqual({ request_id: expect.stringMatching(/^request-id-/), status_code: 200 });
  expect((await client.sessions.get({ user_id: 'user_01REVOKE' })).sessions.map((session) => session.session_id)).toEqual([other.session.session_id]);
  const error = await client.sessions.authenticate({ session_token: created.session_token }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(stytch.StytchError);
  expect(error).toMatchObject({ status_code: 404, error_type: 'session_not_found', error_message: 'Session could not be found.' });
  await client.sessions.revoke({ session_jwt: other.session_jwt });
  expect((await client.sessions.get({ user_id: 'user_01REVOKE' })).sessions).toEqual([]);
});

test('an unknown session throws StytchError 404 session_not_found with every field', async () => {
  const error = (await client.sessions.authenticate({ session_token: 'unknown-session-token-0000000000000000000000' }).catch((caught: unknown) => caught)) as stytch.StytchError;
  expect(error).toBeInstanceOf(stytch.StytchError);
  expect({ ...error }).toEqual({
    status_code: 404,
    request_id: expect.stringMatching(/^request-id-/),
    error_type: 'session_not_found',
    error_message: 'Session could not be found.',
    error_url: 'https://stytch.com/docs/api/errors/404#session_not_found',
    error_details: undefined,
  });
  expect(error.message).not.toContain('unknown-session-token');
});

test('a secret with only sessions:authenticate can authenticate but not revoke (the middleware refresh secret)', async () => {
  const created = await newSession();
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const refresher = new stytch.Client({ project_id: PROJECT_ID, secret: REFRESH_SECRET, env: `${rig.url}/` });
  expect((await refresher.sessions.authenticate({ session_token: created.session_token })).session.session_id).toBe(created.session.session_id);
  const error = await refresher.sessions.revoke({ session_id: created.session.session_id }).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ status_code: 403, error_type: 'unauthorized_credentials' });
  const wrong = new stytch.Client({ project_id: 'project-test-other', secret: SECRET, env: `${rig.url}/` });
  expect(await wrong.sessions.get({ user_id: 'user_01STYTCH' }).catch((caught: unknown) => caught)).toMatchObject({ status_code: 401, error_type: 'unauthorized_credentials' });
  jest.restoreAllMocks();
});

test('every answer the SDK received is one openapi/identity.json declares', () => {
  expect(rig.expectAllDocumented()).toBeGreaterThan(25);
});
