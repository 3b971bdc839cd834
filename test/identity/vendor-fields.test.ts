/**
 * The verify endpoint's vendor fields and nullable workos_user_id, checked against the OpenAPI
 * document; remote principals carry them; an older service without them still works.
 */
import express from 'express';
import request from 'supertest';
import { remote } from '../../src';
import { identityRouter } from '../../src/identity';
import type { TestIssuer } from '../../src/testing';
import { guardedApp } from '../helpers';
import { closeIssuers, startIssuers } from '../support/issuers';
import { identityClient, serve, type Served } from './harness';

const API_KEY = 'svc_v_0123456789abcdef0123456789abcdef';
const AUTH = `Bearer ${API_KEY}`;

let issuers: { clerk: TestIssuer; stytch: TestIssuer; workos: TestIssuer };
let identity: Served;
let old: Served;
beforeAll(async () => {
  issuers = await startIssuers({ clerk: { kind: 'clerk' }, stytch: { kind: 'stytch' }, workos: { kind: 'workos' } });
  const app = express();
  app.use(identityRouter({
    providers: [issuers.clerk.provider(), issuers.stytch.provider(), issuers.workos.provider()],
    serviceAuth: { apiKeys: [{ name: 'svc', key: API_KEY, scopes: ['sessions:verify'] }] },
  }));
  identity = await serve(app);
  // An identity service from before these fields: the six original members only.
  const before = express();
  before.post('/v1/sessions/verify', (_req, res) => {
    res.json({ subject: 'user_01OLD', type: 'user', brand_id: null, workos_user_id: 'user_01OLD', clerk_user_id: null, scope: 'read' });
  });
  old = await serve(before);
});
afterAll(async () => {
  await Promise.all([identity.close(), old.close()]);
  await closeIssuers(issuers);
});

test('an unmapped Clerk user: workos_user_id null, organization and permissions in snake_case', async () => {
  const token = await issuers.clerk.sessionToken({
    sub: 'user_2NOMAP',
    sid: 'sess_2NOMAP',
    claims: { v: 2, o: { id: 'org_1', slg: 'acme', rol: 'admin', per: 'read,manage', fpm: '3,2' }, fea: 'o:dashboard,o:reports', act: { sub: 'user_2SUPPORT' } },
  });
  const res = await identityClient(identity.url).verify({ auth: AUTH, body: { token } });
  expect(res.status).toBe(200);
  expect(res.body).toStrictEqual({
    subject: 'user_2NOMAP',
    type: 'user',
    brand_id: null,
    workos_user_id: null,
    clerk_user_id: 'user_2NOMAP',
    scope: 'org:dashboard:read org:dashboard:manage org:reports:manage',
    session_id: 'sess_2NOMAP',
    roles: ['org:admin'],
    organization_id: 'org_1',
    organization_slug: 'acme',
    organization_role: 'org:admin',
    permissions: ['org:dashboard:read', 'org:dashboard:manage', 'org:reports:manage'],
    features: ['o:dashboard', 'o:reports'],
    entitlements: [],
    feature_flags: [],
    actor: { sub: 'user_2SUPPORT' },
    authentication_factors: [],
  });
});

test('a Stytch user: workos_user_id null, session id and factors from the session claim', async () => {
  const token = await issuers.stytch.sessionToken({ sub: 'user-test-1', sid: 'session-test-1' });
  const res = await identityClient(identity.url).verify({ auth: AUTH, body: { token } });
  expect(res.body).toMatchObject({ subject: 'user-test-1', workos_user_id: null, clerk_user_id: null, session_id: 'session-test-1', roles: ['stytch_user'] });
  expect(res.body.authentication_factors).toEqual([expect.objectContaining({ type: 'magic_link', delivery_method: 'email' })]);
});

test('a remote principal carries what the service answered, with workos_user_id null and apart from subject', async () => {
  const { app } = guardedApp({ providers: [remote({ url: identity.url, credentials: API_KEY })] });
  const token = await issuers.clerk.sessionToken({ sub: 'user_2REMOTE', claims: { v: 2, o: { id: 'org_9', rol: 'member', per: 'read', fpm: '1' }, fea: 'o:reports' } });
  const res = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    subject: 'user_2REMOTE', workosUserId: null, clerkUserId: 'user_2REMOTE', roles: ['org:member'], organizationId: 'org_9',
    organizationRole: 'org:member', permissions: ['org:reports:read'], features: ['o:reports'], scopes: ['org:reports:read'], provider: 'remote',
  });
  const workos = await issuers.workos.sessionToken({ sub: 'user_01W', claims: { org_id: 'org_W', entitlements: ['audit-logs'], feature_flags: ['beta'] } });
  expect((await request(app).get('/me').set('Authorization', `Bearer ${workos}`)).body).toMatchObject({
    subject: 'user_01W', workosUserId: 'user_01W', organizationId: 'org_W', entitlements: ['audit-logs'], featureFlags: ['beta'],
  });
});

test('an identity service from before these fields: the principal gets empty vendor fields, roles and session from the token', async () => {
  const { app } = guardedApp({ providers: [remote({ url: old.url, credentials: API_KEY })] });
  const token = await issuers.workos.sessionToken({ sub: 'user_01OLD', sid: 'session_01OLD', claims: { role: 'admin' } });
  expect((await request(app).get('/me').set('Authorization', `Bearer ${token}`)).body).toMatchObject({
    subject: 'user_01OLD', workosUserId: 'user_01OLD', sessionId: 'session_01OLD', roles: ['admin'], scopes: ['read'],
    organizationId: null, permissions: [], features: [], entitlements: [], featureFlags: [], actor: null, authenticationFactors: [],
  });
});
