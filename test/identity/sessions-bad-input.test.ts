import request from 'supertest';
import { expectDocumented } from './api-document';
import { basic, expectStytchError, PROJECT_ID, REFRESH_SECRET, SECRET, sessionsClient, startSessions, VOUCHING_SECRET, type SessionsRig } from './sessions-harness';

let rig: SessionsRig;
let api: ReturnType<typeof sessionsClient>;
let live: { session_token: string; session_jwt: string; session: { session_id: string } };

beforeAll(async () => {
  rig = await startSessions();
  api = sessionsClient(rig.url);
  live = (await api.create({ user_id: 'user_01BAD', roles: ['editor'] }, { auth: basic(PROJECT_ID, VOUCHING_SECRET) })).body;
});
afterAll(() => rig.close());

describe('credentials', () => {
  const cases: [string, string | null][] = [
    ['no Authorization header', null],
    ['a wrong secret', basic(PROJECT_ID, 'secret-test-wrong-000000000000000000000000')],
    ['a wrong project', basic('project-test-other', SECRET)],
    ['a Bearer token', `Bearer ${SECRET}`],
    ['Basic without a colon', `Basic ${Buffer.from(SECRET).toString('base64')}`],
    ['Basic that is not base64', 'Basic %%%'],
  ];
  test.each(cases)('%s: 401 unauthorized_credentials on every endpoint, nothing echoed', async (_name, auth) => {
    for (const res of [
      await api.create({ user_id: 'user_01X' }, { auth }),
      await api.authenticate({ session_token: live.session_token }, { auth }),
      await api.revoke({ session_id: live.session.session_id }, { auth }),
      await api.list('?user_id=user_01BAD', { auth }),
      await api.policy({ auth }),
    ]) {
      expectStytchError(res, 401, 'unauthorized_credentials', SECRET, live.session_token);
      expect(res.headers['www-authenticate']).toBe('Basic realm="sessions"');
    }
    // The session was not touched by any of them.
    expect((await api.authenticate({ session_token: live.session_token })).status).toBe(200);
  });

  test('a wrong project and a wrong secret get the very same body (but for the request id)', async () => {
    const project = await api.list('?user_id=u', { auth: basic('project-test-other', SECRET) });
    const secret = await api.list('?user_id=u', { auth: basic(PROJECT_ID, 'secret-test-wrong-000000000000000000000000') });
    expect({ ...project.body, request_id: '' }).toEqual({ ...secret.body, request_id: '' });
  });

  test('a secret without the scope: 403 unauthorized_credentials', async () => {
    const refresh = basic(PROJECT_ID, REFRESH_SECRET);
    expectStytchError(await api.create({ user_id: 'user_01X' }, { auth: refresh }), 403, 'unauthorized_credentials');
    expectStytchError(await api.revoke({ session_id: live.session.session_id }, { auth: refresh }), 403, 'unauthorized_credentials');
    expectStytchError(await api.list('?user_id=user_01BAD', { auth: refresh }), 403, 'unauthorized_credentials');
    // A bare secret may create from a token, not for a user it vouches for.
    expectStytchError(await api.create({ user_id: 'user_01X' }), 403, 'unauthorized_credentials');
  });
});

describe('POST /v1/sessions/authenticate', () => {
  const badBodies: [string, unknown, string][] = [
    ['not JSON', '{"session_token":', 'invalid_argument'],
    ['an array', '[]', 'invalid_argument'],
    ['a string', '"token"', 'invalid_argument'],
    ['no body', undefined, 'no_session_arguments'],
    ['an empty object', {}, 'no_session_arguments'],
    ['a numeric session_token', { session_token: 5 }, 'invalid_argument'],
    ['an empty session_token', { session_token: '' }, 'invalid_argument'],
    ['an object session_jwt', { session_jwt: { a: 1 } }, 'invalid_argument'],
    ['both token and JWT', { session_token: 'a', session_jwt: 'b' }, 'too_many_session_arguments'],
    ['a string duration', { session_token: 'a', session_duration_minutes: '60' }, 'invalid_argument'],
    ['a duration of 4', { session_token: 'a', session_duration_minutes: 4 }, 'invalid_session_duration_minutes'],
    ['a duration of 527041', { session_token: 'a', session_duration_minutes: 527041 }, 'invalid_session_duration_minutes'],
    ['a fractional duration', { session_token: 'a', session_duration_minutes: 5.5 }, 'invalid_session_duration_minutes'],
    ['a negative duration', { session_token: 'a', session_duration_minutes: -60 }, 'invalid_session_duration_minutes'],
    ['claims as a list', { session_token: 'a', session_custom_claims: ['x'] }, 'invalid_argument'],
    ['claims as a string', { session_token: 'a', session_custom_claims: 'x' }, 'invalid_argument'],
    ['claims over 4096 bytes', { session_token: 'a', session_custom_claims: { blob: 'x'.repeat(4100) } }, 'custom_claims_too_large'],
    ['an authorization_check without action', { session_token: 'a', authorization_check: { resource_id: 'documents' } }, 'invalid_argument'],
    ['an authorization_check as a string', { session_token: 'a', authorization_check: 'documents:read' }, 'invalid_argument'],
  ];
  test.each(badBodies)('%s: 400 %s', async (_name, body, errorType) => {
    expectStytchError(await api.authenticate(body), 400, errorType, 'x'.repeat(100));
  });

  test('a body over the size cap: 413 invalid_argument', async () => {
    const res = await api.authenticate({ session_token: live.session_token, session_custom_claims: { blob: 'x'.repeat(20_000) } });
    expectStytchError(res, 413, 'invalid_argument', live.session_token);
  });

  test('unknown, revoked and expired sessions: 404 session_not_found, the token never echoed', async () => {
    const unknown = 'u'.repeat(43);
    expectStytchError(await api.authenticate({ session_token: unknown }), 404, 'session_not_found', unknown);
    const session = (await api.create({ user_id: 'user_01GONE' }, { auth: basic(PROJECT_ID, VOUCHING_SECRET) })).body;
    expect((await api.revoke({ session_token: session.session_token })).status).toBe(200);
    expectStytchError(await api.authenticate({ session_token: session.session_token }), 404, 'session_not_found', session.session_token);
    expectStytchError(await api.authenticate({ session_jwt: session.session_jwt }), 404, 'session_not_found', session.session_jwt);
    const expiring = (await api.create({ user_id: 'user_01OLD', session_duration_minutes: 5 }, { auth: basic(PROJECT_ID, VOUCHING_SECRET) })).body;
    rig.clock.offsetMs = 6 * 60_000;
    try {
      expectStytchError(await api.authenticate({ session_token: expiring.session_token }), 404, 'session_not_found');
      expectStytchError(await api.authenticate({ session_jwt: expiring.session_jwt, session_duration_minutes: 60 }), 404, 'session_not_found');
    } finally {
      rig.clock.offsetMs = 0;
    }
  });

  test('a JWT with a bad signature, or not this service\'s, is never refreshed: 401 invalid_session_jwt', async () => {
    const [header, payload, signature] = live.session_jwt.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'user_01ADMIN' })).toString('base64url')}.${signature}`;
    expectStytchError(await api.authenticate({ session_jwt: tampered }), 401, 'invalid_session_jwt', tampered);
    const flipped = `${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
    expectStytchError(await api.authenticate({ session_jwt: flipped }), 401, 'invalid_session_jwt');
    const upstream = await rig.issuer.sessionToken({ sub: 'user_01BAD', sid: live.session.session_id });
    expectStytchError(await api.authenticate({ session_jwt: upstream }), 401, 'invalid_session_jwt', upstream);
    expectStytchError(await api.authenticate({ session_jwt: 'not.a.jwt' }), 401, 'invalid_session_jwt');
  });

  test('claims that fit 4096 bytes but would make the JWT longer than 3800 bytes: 400, session unchanged', async () => {
    const res = await api.authenticate({ session_token: live.session_token, session_custom_claims: { blob: 'x'.repeat(3000) } });
    expectStytchError(res, 400, 'custom_claims_too_large');
    expect(res.body.error_message).toMatch(/3800/);
    const after = await api.authenticate({ session_token: live.session_token });
    expect(after.body.session.custom_claims).toEqual({});
  });

  test('an authorization_check on an unknown resource, or another organization: 403 unauthorized_action', async () => {
    expectStytchError(await api.authenticate({ session_token: live.session_token, authorization_check: { resource_id: 'nuclear', action: 'launch' } }), 403, 'unauthorized_action');
    expectStytchError(
      await api.authenticate({ session_token: live.session_token, authorization_check: { resource_id: 'documents', action: 'read', organization_id: 'org_01OTHER' } }),
      403,
      'unauthorized_action',
    );
  });
});

describe('POST /v1/sessions, POST /v1/sessions/revoke, GET /v1/sessions', () => {
  const vouching = { auth: basic(PROJECT_ID, VOUCHING_SECRET) };
  const createBodies: [string, unknown, string][] = [
    ['no body', undefined, 'invalid_argument'],
    ['neither token nor user_id', { session_duration_minutes: 60 }, 'invalid_argument'],
    ['both token and user_id', { token: 'a.b.c', user_id: 'user_01X' }, 'invalid_argument'],
    ['a numeric user_id', { user_id: 7 }, 'invalid_argument'],
    ['roles as a string', { user_id: 'user_01X', roles: 'admin' }, 'invalid_argument'],
    ['roles with a token', { token: 'a.b.c', roles: ['admin'] }, 'invalid_argument'],
    ['a duration of 0', { user_id: 'user_01X', session_duration_minutes: 0 }, 'invalid_session_duration_minutes'],
    ['claims over 4096 bytes', { user_id: 'user_01X', session_custom_claims: { blob: 'y'.repeat(4100) } }, 'custom_claims_too_large'],
    ['claims making the JWT too long', { user_id: 'user_01X', session_custom_claims: { blob: 'y'.repeat(3000) } }, 'custom_claims_too_large'],
  ];
  test.each(createBodies)('create with %s: 400 %s', async (_name, body, errorType) => {
    expectStytchError(await api.create(body, vouching), 400, errorType);
  });

  test('create from a token the providers refuse: 401 with the verifier\'s reason, the token never echoed', async () => {
    const expired = await rig.issuer.sessionToken({ issuedAt: -600, expiresIn: -300 });
    expectStytchError(await api.create({ token: expired }), 401, 'token_expired', expired);
    const garbage = 'x'.repeat(40);
    expectStytchError(await api.create({ token: garbage }), 401, 'token_malformed', garbage);
  });

  test('create from this service\'s own session JWT: 401 kind_rejected', async () => {
    expectStytchError(await api.create({ token: live.session_jwt }), 401, 'kind_rejected', live.session_jwt);
  });

  const revokeBodies: [string, unknown, string][] = [
    ['no body', undefined, 'no_session_revoke_arguments'],
    ['an empty object', {}, 'no_session_revoke_arguments'],
    ['two arguments', { session_id: 'a', user_id: 'b' }, 'too_many_session_revoke_arguments'],
    ['a numeric session_id', { session_id: 1 }, 'invalid_argument'],
    ['not JSON', 'nope', 'invalid_argument'],
  ];
  test.each(revokeBodies)('revoke with %s: 400 %s', async (_name, body, errorType) => {
    expectStytchError(await api.revoke(body), 400, errorType);
  });

  test('revoke of an unknown session: 404 session_not_found; of a bad JWT: 401 invalid_session_jwt', async () => {
    expectStytchError(await api.revoke({ session_id: 'session-unknown' }), 404, 'session_not_found');
    expectStytchError(await api.revoke({ session_token: 'unknown-token' }), 404, 'session_not_found', 'unknown-token');
    expectStytchError(await api.revoke({ session_jwt: 'a.b.c' }), 401, 'invalid_session_jwt');
  });

  test('list without one user_id: 400 invalid_argument', async () => {
    expectStytchError(await api.list(''), 400, 'invalid_argument');
    expectStytchError(await api.list('?user_id='), 400, 'invalid_argument');
    expectStytchError(await api.list('?user_id=a&user_id=b'), 400, 'invalid_argument');
  });

  test('the project key set of another project: 404', async () => {
    expectStytchError(await api.projectJwks('project-test-other'), 404, 'project_not_found');
  });

  test('a path with bad percent-encoding is a 400 of the service, not a 500', async () => {
    const res = await request(rig.url).get('/v1/sessions/jwks/%E0%A4%A');
    expectDocumented(res, 'get', '/v1/sessions/jwks/{project_id}');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', reason: 'path_invalid' });
  });
});
