import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { hasuraTemplate, oidc, tokenTemplates, type PrivateJwk, type SessionPrincipal, type TokenTemplates } from '../../src';
import { sessionGuard } from '../../src/express';
import { expectError, guardedApp } from '../helpers';
import { decodeJwt } from './harness';
import { useIssuers } from '../support/issuers';

const ISSUER = 'https://identity.sessionguard.test';
const issuers = useIssuers({ workos: { kind: 'workos' } });

/** An app that trusts only the template tokens of `templates`, by their published key set (no network). */
function downstream(templates: TokenTemplates) {
  return guardedApp({ providers: [oidc({ audience: false, issuer: ISSUER, jwks: templates.jwks(), algorithms: [templates.alg] })] }).app;
}

const principal = {
  subject: 'user_01P',
  sessionId: 'session_01P',
  roles: ['editor'],
} as unknown as SessionPrincipal;

describe('tokenTemplates()', () => {
  test('EdDSA: a generated key, verified downstream with its JWKS', async () => {
    const templates = tokenTemplates({ issuer: ISSUER, alg: 'EdDSA', templates: [hasuraTemplate({ defaultRole: 'viewer', lifetimeSeconds: 300 })] });
    expect(templates.jwks().keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: templates.kid })]);
    const jwt = await templates.mint(principal, 'custom_hasura');
    const { header, payload } = decodeJwt(jwt);
    expect(header).toEqual({ alg: 'EdDSA', kid: templates.kid, typ: 'JWT' });
    expect((payload.exp as number) - (payload.iat as number)).toBe(300);
    const res = await request(downstream(templates)).get('/me').set('Authorization', `Bearer ${jwt}`);
    expect(res.status).toBe(200);
    expect(res.body.claims['https://hasura.io/jwt/claims']).toEqual({
      'x-hasura-user-id': 'user_01P',
      'x-hasura-default-role': 'viewer',
      'x-hasura-allowed-roles': ['viewer', 'editor'],
    });
  });

  test('a given PEM key: its thumbprint is the default kid, an explicit kid wins', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const byThumbprint = tokenTemplates({ issuer: ISSUER, signingKey: { privateKey: pem }, templates: [hasuraTemplate()] });
    const again = tokenTemplates({ issuer: ISSUER, signingKey: { privateKey: pem.replace(/\n/g, '\\n') }, templates: [hasuraTemplate()] });
    expect(byThumbprint.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(again.kid).toBe(byThumbprint.kid);
    const asJwk = createPrivateKey(pem).export({ format: 'jwk' }) as PrivateJwk;
    expect(tokenTemplates({ issuer: ISSUER, signingKey: { privateKey: asJwk }, templates: [hasuraTemplate()] }).kid).toBe(byThumbprint.kid);
    const named = tokenTemplates({ issuer: ISSUER, signingKey: { privateKey: pem, kid: 'identity-2026' }, templates: [hasuraTemplate()] });
    expect(named.jwks().keys[0]!.kid).toBe('identity-2026');
    expect(decodeJwt(await named.mint(principal, 'custom_hasura')).header.kid).toBe('identity-2026');
    expect((await request(downstream(named)).get('/me').set('Authorization', `Bearer ${await named.mint(principal, 'custom_hasura')}`)).status).toBe(200);
  });

  test('a template cannot override the claims the minter owns', async () => {
    const templates = tokenTemplates({
      issuer: ISSUER,
      templates: [{ name: 'greedy', claims: () => ({ iss: 'https://evil.test', sub: 'admin', exp: 9_999_999_999, jti: 'fixed', plan: 'pro' }), audience: 'hasura' }],
    });
    const { payload } = decodeJwt(await templates.mint(principal, 'greedy'));
    expect(payload).toMatchObject({ iss: ISSUER, sub: 'user_01P', sid: 'session_01P', plan: 'pro', aud: 'hasura' });
    expect(payload.jti).not.toBe('fixed');
    expect((payload.exp as number) - (payload.iat as number)).toBe(60);
    const other = decodeJwt(await templates.mint(principal, 'greedy')).payload;
    expect(other.jti).not.toBe(payload.jti);
  });

  test('unknown templates and bad lifetimes are refused', async () => {
    const templates = tokenTemplates({ issuer: ISSUER, templates: [hasuraTemplate()] });
    await expect(templates.mint(principal, 'nope')).rejects.toMatchObject({ status: 404, error: 'not_found', reason: 'template_unknown' });
    await expect(templates.mint(principal, 'custom_hasura', { expiresInSeconds: 10 })).rejects.toThrow(RangeError);
  });

  test('bad configuration fails at start-up', () => {
    const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const cases: [unknown, RegExp][] = [
      [{ issuer: 'not a url', templates: [hasuraTemplate()] }, /issuer must be a URL/],
      [{ issuer: ISSUER, templates: [] }, /non-empty list/],
      [{ issuer: ISSUER, templates: [hasuraTemplate(), hasuraTemplate()] }, /two templates are named "custom_hasura"/],
      [{ issuer: ISSUER, templates: [hasuraTemplate({ lifetimeSeconds: 5 })] }, /lifetimeSeconds/],
      [{ issuer: ISSUER, templates: [{ name: 'x y', claims: () => ({}) }] }, /template name/],
      [{ issuer: ISSUER, templates: [hasuraTemplate()], alg: 'HS256' }, /alg must be one of/],
      [{ issuer: ISSUER, templates: [hasuraTemplate()], signingKey: { privateKey: weakRsa } }, /at least 2048 bits/],
      [{ issuer: ISSUER, templates: [hasuraTemplate()], signingKey: { privateKey: 'garbage' } }, /not a valid private key/],
      [{ issuer: ISSUER, templates: [hasuraTemplate()], signingKey: { privateKey: generateKeyPairSync('ed25519').privateKey, alg: 'ES256' } }, /cannot sign ES256/],
    ];
    for (const [options, message] of cases) expect(() => tokenTemplates(options as never)).toThrow(message);
  });
});

describe('req.auth.getToken() in the middleware', () => {
  const templates = tokenTemplates({ issuer: ISSUER, templates: [hasuraTemplate()] });

  function app(withTemplates: boolean) {
    const server = express();
    server.use(sessionGuard({ providers: [issuers.workos.provider()], ...(withTemplates ? { templates } : {}) }));
    server.get('/token', async (req, res) => {
      const template = typeof req.query.template === 'string' ? req.query.template : undefined;
      try {
        res.json({ token: await req.auth!.getToken(template === undefined ? undefined : { template }) });
      } catch (error) {
        res.status(418).json({ failed: (error as Error).message });
      }
    });
    server.get('/auth', (req, res) => {
      res.json({
        serialised: JSON.stringify(req.auth),
        ownKeys: Reflect.ownKeys(req.auth!).map(String),
        sharedMethod: req.auth!.getToken === Object.getPrototypeOf(req.auth).getToken,
      });
    });
    return server;
  }

  test('getToken() returns the incoming token; JSON.stringify(req.auth) never shows it', async () => {
    const token = await issuers.workos.sessionToken({ sub: 'user_01G' });
    const res = await request(app(true)).get('/token').set('Authorization', `Bearer ${token}`);
    expect(res.body.token).toBe(token);
    const auth = await request(app(true)).get('/auth').set('Authorization', `Bearer ${token}`);
    expect(auth.body.serialised).not.toContain(token.split('.')[2]);
    expect(JSON.parse(auth.body.serialised)).toMatchObject({ subject: 'user_01G' });
    expect(Object.keys(JSON.parse(auth.body.serialised))).toEqual([
      'subject', 'type', 'brandId', 'workosUserId', 'clerkUserId', 'scope', 'scopes', 'roles', 'sessionId', 'organizationId', 'organizationSlug',
      'organizationRole', 'permissions', 'features', 'entitlements', 'featureFlags', 'actor', 'authenticationFactors', 'provider', 'issuer', 'claims',
    ]);
    expect(auth.body.ownKeys).not.toContain('getToken');
    expect(auth.body.sharedMethod).toBe(true);
  });

  test('getToken({ template }) mints locally, with no network call, a token the downstream accepts', async () => {
    const token = await issuers.workos.sessionToken({ sub: 'user_01L', sid: 'session_01L' });
    const server = app(true);
    await request(server).get('/token').set('Authorization', `Bearer ${token}`); // the guard fetches its keys once
    const before = issuers.workos.jwksRequests;
    const res = await request(server).get('/token?template=custom_hasura').set('Authorization', `Bearer ${token}`);
    expect(issuers.workos.jwksRequests).toBe(before);
    const { payload } = decodeJwt(res.body.token);
    expect(payload).toMatchObject({ iss: ISSUER, sub: 'user_01L', sid: 'session_01L' });
    expect((await request(downstream(templates)).get('/me').set('Authorization', `Bearer ${res.body.token}`)).status).toBe(200);
  });

  test('an unknown template, or none configured, is an error for the route to handle', async () => {
    const token = await issuers.workos.sessionToken();
    const unknown = await request(app(true)).get('/token?template=nope').set('Authorization', `Bearer ${token}`);
    expect(unknown.body.failed).toBe('No JWT template has that name.');
    const none = await request(app(false)).get('/token?template=custom_hasura').set('Authorization', `Bearer ${token}`);
    expect(none.body.failed).toMatch(/needs templates/);
  });

  test('templates must come from tokenTemplates()', () => {
    expect(() => sessionGuard({ providers: [issuers.workos.provider()], templates: {} as never })).toThrow(/templates must come from tokenTemplates/);
  });
});

test('a downstream rejects an expired template token like any other', async () => {
  let now = Date.now();
  const templates = tokenTemplates({ issuer: ISSUER, templates: [hasuraTemplate()], clock: () => now });
  const jwt = await templates.mint(principal, 'custom_hasura');
  now += 3_600_000;
  const { app } = guardedApp({ providers: [oidc({ audience: false, issuer: ISSUER, jwks: templates.jwks(), algorithms: ['ES256'] })], clock: () => now });
  expectError(await request(app).get('/me').set('Authorization', `Bearer ${jwt}`), 401, 'token_expired');
});
