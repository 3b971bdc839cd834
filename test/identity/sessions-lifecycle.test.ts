import { generateKeyPairSync } from 'node:crypto';
import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import { hasuraTemplate, memoryStore, memorySessions, oidc, tokenTemplates, type SessionPrincipal, type SessionRecordStore } from '../../src';
import { createIdentityService, identityKoa } from '../../src/identity';
import { guardedApp } from '../helpers';
import { decodeJwt, identityClient } from './harness';
import { expectDocumented } from './api-document';
import { basic, expectStytchError, PROJECT_ID, SECRET, sessionsClient, startSessions, VOUCHING_SECRET, type SessionsRig } from './sessions-harness';

const API_KEY = 'svc_orders_5b3f0c2e9d4a47e1a6f8c0b2d7e9f1a3';
const vouching = { auth: basic(PROJECT_ID, VOUCHING_SECRET) };
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe('with a shared status store', () => {
  let rig: SessionsRig;
  const store = memoryStore();
  beforeAll(async () => {
    rig = await startSessions({ store });
  });
  afterAll(() => rig.close());

  test('a suspended or banned user can neither create nor authenticate a session: 403', async () => {
    const api = sessionsClient(rig.url);
    const session = (await api.create({ user_id: 'user_01SUS' }, vouching)).body;
    await store.suspend('user_01SUS', { until: Date.now() + 3_600_000 });
    expectStytchError(await api.authenticate({ session_token: session.session_token }), 403, 'account_suspended', session.session_token);
    expectStytchError(await api.create({ user_id: 'user_01SUS' }, vouching), 403, 'account_suspended');
    const upstream = await rig.issuer.sessionToken({ sub: 'user_01SUS' });
    expectStytchError(await api.create({ token: upstream }), 403, 'account_suspended', upstream);
    await store.ban('user_01SUS');
    expectStytchError(await api.authenticate({ session_jwt: session.session_jwt }), 403, 'account_banned');
    await store.reinstate('user_01SUS');
    expect((await api.authenticate({ session_token: session.session_token })).status).toBe(200);
  });

  test('revoke writes the session id to the status store, so every verifier refuses its JWTs at once', async () => {
    const api = sessionsClient(rig.url);
    const session = (await api.create({ user_id: 'user_01REV' }, vouching)).body;
    const verify = identityClient(rig.url);
    expect((await verify.verify({ auth: `Bearer ${API_KEY}`, body: { token: session.session_jwt } })).status).toBe(200);
    // Another service verifying locally with the published keys and the same store.
    const downstream = guardedApp({ providers: [oidc({ issuer: rig.url, jwks: (await api.projectJwks(PROJECT_ID)).body, audience: PROJECT_ID })], store }).app;
    expect((await request(downstream).get('/me').set('Authorization', `Bearer ${session.session_jwt}`)).status).toBe(200);
    expect((await api.revoke({ session_id: session.session.session_id })).status).toBe(200);
    expect(await store.isRevoked({ sessionId: session.session.session_id, tokenId: null })).toBe(true);
    const refused = await verify.verify({ auth: `Bearer ${API_KEY}`, body: { token: session.session_jwt } });
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 401, error: 'session_revoked' });
    const downstreamRefused = await request(downstream).get('/me').set('Authorization', `Bearer ${session.session_jwt}`);
    expect({ status: downstreamRefused.status, error: downstreamRefused.body.error }).toEqual({ status: 401, error: 'session_revoked' });
  });

  test('revoke by user_id ends every session of the user', async () => {
    const api = sessionsClient(rig.url);
    const sessions = [(await api.create({ user_id: 'user_01ALL' }, vouching)).body, (await api.create({ user_id: 'user_01ALL' }, vouching)).body];
    expect((await api.list('?user_id=user_01ALL')).body.sessions).toHaveLength(2);
    expect((await api.revoke({ user_id: 'user_01ALL' })).status).toBe(200);
    expect((await api.list('?user_id=user_01ALL')).body.sessions).toEqual([]);
    for (const session of sessions) expect(await store.isRevoked({ sessionId: session.session.session_id, tokenId: null })).toBe(true);
  });
});

describe('without a shared status store', () => {
  test('this instance refuses a revoked JWT at once; another service keeps accepting it until exp', async () => {
    const rig = await startSessions();
    try {
      const api = sessionsClient(rig.url);
      const session = (await api.create({ user_id: 'user_01LOCAL' }, vouching)).body;
      const downstream = guardedApp({ providers: [oidc({ issuer: rig.url, jwks: (await api.projectJwks(PROJECT_ID)).body, audience: PROJECT_ID })] }).app;
      await api.revoke({ session_token: session.session_token });
      const refused = await identityClient(rig.url).verify({ auth: `Bearer ${API_KEY}`, body: { token: session.session_jwt } });
      expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 401, error: 'session_revoked' });
      expect((await request(downstream).get('/me').set('Authorization', `Bearer ${session.session_jwt}`)).status).toBe(200);
    } finally {
      await rig.close();
    }
  });
});

describe('with an accountStatus hook', () => {
  test('the hook\'s principal has the session JWT\'s claims, frozen like every principal\'s', async () => {
    const seen: SessionPrincipal[] = [];
    const rig = await startSessions({
      accountStatus: (_subject, principal) => {
        seen.push(principal);
        return { state: 'active' };
      },
    });
    try {
      const session = (await sessionsClient(rig.url).create({ user_id: 'user_01HOOK' }, vouching)).body;
      expect(session.session_token).toEqual(expect.any(String));
      expect(seen.length).toBeGreaterThan(0);
      for (const principal of seen) {
        expect(principal.subject).toBe('user_01HOOK');
        expect(principal.claims.sub).toBe('user_01HOOK');
        expect(Object.isFrozen(principal.claims)).toBe(true);
      }
    } finally {
      await rig.close();
    }
  });
});

describe('store failures', () => {
  function flakySessions(): SessionRecordStore & { failRevoke: boolean; failAll: boolean } {
    const inner = memorySessions();
    const flaky = {
      failRevoke: false,
      failAll: false,
      create: (...args: Parameters<SessionRecordStore['create']>) => (flaky.failAll ? Promise.reject(new Error('down')) : inner.create(...args)),
      findByTokenHash: (...args: Parameters<SessionRecordStore['findByTokenHash']>) => (flaky.failAll ? Promise.reject(new Error('down')) : inner.findByTokenHash(...args)),
      findById: (...args: Parameters<SessionRecordStore['findById']>) => (flaky.failAll ? Promise.reject(new Error('down')) : inner.findById(...args)),
      update: (...args: Parameters<SessionRecordStore['update']>) => inner.update(...args),
      revoke: (...args: Parameters<SessionRecordStore['revoke']>) => (flaky.failRevoke ? Promise.reject(new Error('down')) : inner.revoke(...args)),
      listByUser: (...args: Parameters<SessionRecordStore['listByUser']>) => inner.listByUser(...args),
    };
    return flaky;
  }

  test('a failing store is a 503 service_unavailable with Retry-After; a retried revoke completes one cut short', async () => {
    const sessions = flakySessions();
    const status = memoryStore();
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const rig = await startSessions({ store: status, sessions: { store: sessions, signingKeys: [key as never] } });
    try {
      const api = sessionsClient(rig.url);
      const session = (await api.create({ user_id: 'user_01FLAKY' }, vouching)).body;
      sessions.failRevoke = true;
      const cut = await api.revoke({ session_id: session.session.session_id });
      expectStytchError(cut, 503, 'service_unavailable');
      expect(cut.headers['retry-after']).toBe('5');
      // The status store was written first: the JWT is already refused everywhere, and so is the token.
      expect(await status.isRevoked({ sessionId: session.session.session_id, tokenId: null })).toBe(true);
      expectStytchError(await api.authenticate({ session_token: session.session_token }), 404, 'session_not_found');
      sessions.failRevoke = false;
      expect((await api.revoke({ session_id: session.session.session_id })).status).toBe(200);
      expect((await api.list('?user_id=user_01FLAKY')).body.sessions).toEqual([]);
      sessions.failAll = true;
      expectStytchError(await api.authenticate({ session_token: session.session_token }), 503, 'service_unavailable', session.session_token);
      expectStytchError(await api.create({ user_id: 'user_01FLAKY' }, vouching), 503, 'service_unavailable');
    } finally {
      await rig.close();
    }
  });
});

describe('one service', () => {
  let rig: SessionsRig;
  const templates = tokenTemplates({ issuer: 'https://templates.sessionguard.test', templates: [hasuraTemplate()] });
  beforeAll(async () => {
    rig = await startSessions({ templates, sessions: { maxDurationMinutes: 120 } });
  });
  afterAll(() => rig.close());

  test('N parallel authenticates of one session, each adding a distinct claim key, end with all N keys', async () => {
    const api = sessionsClient(rig.url);
    const session = (await api.create({ user_id: 'user_01RACE' }, vouching)).body;
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => api.authenticate({ session_token: session.session_token, session_custom_claims: { [`k${i}`]: i } })));
    for (const answer of answers) expect(answer.status).toBe(200);
    const final = await api.authenticate({ session_token: session.session_token });
    expect(final.body.session.custom_claims).toEqual(Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, i])));
  });

  test('the JWKS endpoints: template and session keys together with unique kids; the project set has session keys only; no private member', async () => {
    const api = sessionsClient(rig.url);
    const all = (await identityClient(rig.url).jwks()).body.keys as Record<string, unknown>[];
    const project = (await api.projectJwks(PROJECT_ID)).body.keys as Record<string, unknown>[];
    expect(all.map((key) => key.kid)).toEqual([templates.kid, ...project.map((key) => key.kid)]);
    expect(new Set(all.map((key) => key.kid)).size).toBe(all.length);
    expect(project).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })]);
    for (const key of [...all, ...project]) for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
  });

  test('/v1/sessions/verify verifies the service\'s own session JWTs without listing them in providers', async () => {
    const session = (await sessionsClient(rig.url).create({ user_id: 'user_01VERIFY', roles: ['editor'] }, vouching)).body;
    const res = await identityClient(rig.url).verify({ auth: `Bearer ${API_KEY}`, body: { token: session.session_jwt } });
    expect(res.status).toBe(200);
    // Roles and the session id come from the session claim, as a Stytch SDK reads them.
    expect(res.body).toEqual({
      subject: 'user_01VERIFY', type: 'user', brand_id: null, workos_user_id: 'user_01VERIFY', clerk_user_id: null, scope: '',
      session_id: session.session.session_id, roles: ['editor'], organization_id: null, organization_slug: null, organization_role: null,
      permissions: [], features: [], entitlements: [], feature_flags: [], actor: null,
      authentication_factors: [{ type: 'trusted_auth_token', delivery_method: 'service_vouched', last_authenticated_at: expect.any(String) }],
    });
    const scoped = await identityClient(rig.url).verifySession(session.session.session_id, { auth: `Bearer ${API_KEY}`, body: { token: session.session_jwt } });
    expect(scoped.status).toBe(200);
    const other = await identityClient(rig.url).verifySession('session-other', { auth: `Bearer ${API_KEY}`, body: { token: session.session_jwt } });
    expect({ status: other.status, reason: other.body.reason }).toEqual({ status: 403, reason: 'session_mismatch' });
  });

  test('a template can never give its tokens the session claim', async () => {
    const greedy = tokenTemplates({
      issuer: 'https://templates.sessionguard.test',
      templates: [{ name: 'greedy', claims: () => ({ 'https://stytch.com/session': { id: 'session-forged', roles: ['admin'] }, plan: 'pro' }) }],
    });
    const { payload } = decodeJwt(await greedy.mint({ subject: 'user_01T', sessionId: 'session-1' } as never, 'greedy'));
    expect(payload).toMatchObject({ plan: 'pro', sub: 'user_01T' });
    expect(payload).not.toHaveProperty(['https://stytch.com/session']);
  });

  test('a template token cannot start a session (kind_rejected) and never carries the session claim', async () => {
    const session = (await sessionsClient(rig.url).create({ user_id: 'user_01TPL' }, vouching)).body;
    const minted = await identityClient(rig.url).mint(session.session.session_id, 'custom_hasura', { auth: `Bearer ${session.session_jwt}` });
    expect(minted.status).toBe(200);
    expect(decodeJwt(minted.body.jwt).payload['https://stytch.com/session']).toBeUndefined();
    expectStytchError(await sessionsClient(rig.url).create({ token: minted.body.jwt }), 401, 'kind_rejected', minted.body.jwt);
  });

  test('maxDurationMinutes caps every duration; vouched roles are recorded and checked', async () => {
    const api = sessionsClient(rig.url);
    const before = Date.now();
    const session = (await api.create({ user_id: 'user_01CAP', roles: ['admin'], session_duration_minutes: 527040, session_custom_claims: { tier: 'gold', sub: 'x' } }, vouching)).body;
    expect(Date.parse(session.session.expires_at)).toBeLessThanOrEqual(before + 120 * 60_000 + 1000);
    expect(Date.parse(session.session.expires_at)).toBeGreaterThan(before + 119 * 60_000);
    expect(session.session.custom_claims).toEqual({ tier: 'gold' });
    expect(session.session.authentication_factors[0]).toMatchObject({ type: 'trusted_auth_token', delivery_method: 'service_vouched' });
    const checked = await api.authenticate({ session_jwt: session.session_jwt, authorization_check: { resource_id: 'billing', action: 'write' } });
    expect(checked.body.verdict).toEqual({ authorized: true, granting_roles: ['admin'] });
    expect(decodeJwt(checked.body.session_jwt).payload).toMatchObject({ tier: 'gold', sub: 'user_01CAP' });
  });

  test('identityKoa(service) serves the same endpoints', async () => {
    const app = new Koa();
    app.use(identityKoa(rig.service));
    const created = await request(app.callback()).post('/v1/sessions').set('Authorization', basic(PROJECT_ID, VOUCHING_SECRET)).send({ user_id: 'user_01KOA' });
    expect(created.status).toBe(200);
    expectDocumented(created, 'post', '/v1/sessions');
    const listed = await request(app.callback()).get('/v1/sessions?user_id=user_01KOA').set('Authorization', basic(PROJECT_ID, SECRET));
    expectDocumented(listed, 'get', '/v1/sessions');
    expect(listed.body.sessions.map((session: { session_id: string }) => session.session_id)).toEqual([created.body.session.session_id]);
  });
});

/** A store that is not memorySessions() (as a durable one would be), backed by one. */
function sharedStore(): SessionRecordStore {
  const inner = memorySessions();
  return {
    create: (record) => inner.create(record),
    findByTokenHash: (hash, now) => inner.findByTokenHash(hash, now),
    findById: (id, now) => inner.findById(id, now),
    update: (id, patch, accept) => inner.update(id, patch, accept),
    revoke: (target, now) => inner.revoke(target, now),
    listByUser: (userId, now) => inner.listByUser(userId, now),
  };
}

describe('configuration', () => {
  const idpKey = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'idp-1', alg: 'ES256' } as never;
  const base = {
    providers: [oidc({ issuer: 'https://idp.sessionguard.test', audience: false, jwks: { keys: [idpKey] } })],
    serviceAuth: { apiKeys: [{ name: 'orders', key: API_KEY, scopes: ['sessions:verify'] }] },
  };
  const sessions = { store: memorySessions(), issuer: 'https://identity.sessionguard.test', projectId: PROJECT_ID, secrets: [SECRET] };
  const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  test.each([
    ['a shared store without signingKeys', { sessions: { ...sessions, store: sharedStore() } }, /signingKeys is required/],
    ['a short secret', { sessions: { ...sessions, secrets: ['short'] } }, /at least 32 characters/],
    ['no secrets', { sessions: { ...sessions, secrets: [] } }, /secrets must be a non-empty list/],
    ['an empty issuer', { sessions: { ...sessions, issuer: '' } }, /issuer must be a non-empty string/],
    ['a duration cap out of range', { sessions: { ...sessions, maxDurationMinutes: 600_000 } }, /maxDurationMinutes/],
    ['a policy without roles', { sessions: { ...sessions, policy: { resources: [] } as never } }, /sessions.policy/],
    ['the templates\' issuer', { templates: tokenTemplates({ issuer: sessions.issuer, templates: [hasuraTemplate()] }), sessions }, /must differ from the templates' issuer/],
  ])('%s fails at start-up', (_name, options, message) => {
    expect(() => createIdentityService({ ...base, ...(options as object) } as never)).toThrow(message);
  });

  test('one key for both templates and sessions, or one kid twice, is refused', () => {
    const key = rsa();
    const templates = tokenTemplates({ issuer: 'https://templates.sessionguard.test', signingKey: { privateKey: key, kid: 't1' }, templates: [hasuraTemplate()] });
    expect(() => createIdentityService({ ...base, templates, sessions: { ...sessions, signingKeys: [{ privateKey: key, kid: 's1' }] } })).toThrow(/also the templates' key/);
    expect(() => createIdentityService({ ...base, templates, sessions: { ...sessions, signingKeys: [{ privateKey: rsa(), kid: 't1' }] } })).toThrow(/each published kid must be unique/);
    expect(() => createIdentityService({ ...base, sessions: { ...sessions, signingKeys: [{ privateKey: rsa(), kid: 'a' }, { privateKey: rsa(), kid: 'a' }] } })).toThrow(/same kid/);
  });

  test('signing keys rotate: the first signs, all are published; without sessions the routes fall through', async () => {
    const [first, second] = [rsa(), rsa()];
    const service = createIdentityService({ ...base, sessions: { ...sessions, signingKeys: [{ privateKey: first, kid: 'new' }, { privateKey: second, kid: 'old' }] } });
    const app = express();
    const { identityRouter } = await import('../../src/identity');
    app.use(identityRouter(service));
    const jwks = await request(app).get(`/v1/sessions/jwks/${PROJECT_ID}`);
    expectDocumented(jwks, 'get', '/v1/sessions/jwks/{project_id}');
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toEqual(['new', 'old']);
    const session = await request(app).post('/v1/sessions').set('Authorization', basic(PROJECT_ID, SECRET)).send({ token: 'x' });
    expectDocumented(session, 'post', '/v1/sessions');
    expect(session.status).toBe(401);
    service.close();
    const plain = express();
    plain.use(identityRouter({ ...base }));
    plain.use((_req, res) => res.status(404).json({ fell: 'through' }));
    expect((await request(plain).post('/v1/sessions/authenticate').send({})).body).toEqual({ fell: 'through' });
  });
});
