/** Confusion between tokens meant for another audience, party, purpose or kind. */
import type { Express } from 'express';
import { guardedApp, expectError } from '../helpers';
import { bearer } from './support';
import { signRaw, useIssuers } from '../support/issuers';

const issuers = useIssuers({
  oidc: { kind: 'oidc', issuer: 'https://idp.sessionguard.test' },
  clerk: { kind: 'clerk' },
  workos: { kind: 'workos' },
});
let app: Express;
const SESSION_CAT = 'cl_B7d4PD111AAA';
beforeAll(async () => {
  app = guardedApp({
    providers: [
      issuers.oidc.provider({ audience: ['api://sessionguard', 'api://other'] }),
      issuers.clerk.provider({ authorizedParties: ['https://app.sessionguard.test'] }),
      issuers.workos.provider(),
    ],
    resolveLegacyUser: (id) => `user_for_${id}`,
  }).app;
});

const oidcToken = (claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> =>
  issuers.oidc.sign(issuers.oidc.sessionClaims({ claims }), { header });
const clerkToken = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> =>
  issuers.clerk.sessionToken({ claims }, { header });

describe('audience', () => {
  test.each([
    ['a matching string', 'api://sessionguard'],
    ['an array holding a match', ['api://elsewhere', 'api://other']],
  ])('aud as %s is accepted', async (_name, aud) => {
    expect((await bearer(app, await oidcToken({ aud }))).status).toBe(200);
  });
  test.each([
    ['missing', undefined],
    ['another audience', 'api://elsewhere'],
    ['a prefix', 'api://session'],
    ['another case', 'API://SESSIONGUARD'],
    ['an empty array', []],
    ['an array of non-strings', [1, null, { aud: 'api://sessionguard' }]],
    ['an object', { 'api://sessionguard': true }],
    ['a nested array', [['api://sessionguard']]],
  ])('aud %s: audience_invalid', async (_name, aud) => {
    expectError(await bearer(app, await oidcToken({ aud })), 401, 'invalid_token', 'audience_invalid');
  });
});

describe('azp (Clerk authorizedParties)', () => {
  test('the configured party is accepted (control)', async () => {
    expect((await bearer(app, await clerkToken())).status).toBe(200);
  });
  test.each([
    ['another origin', 'https://evil.example'],
    ['a trailing slash', 'https://app.sessionguard.test/'],
    ['a suffix match', 'https://app.sessionguard.test.evil.example'],
    ['an array', ['https://app.sessionguard.test']],
    ['a number', 1],
    ['null', null],
  ])('azp as %s: azp_invalid', async (_name, azp) => {
    expectError(await bearer(app, await clerkToken({ azp })), 401, 'invalid_token', 'azp_invalid');
  });
});

describe('typ', () => {
  test.each(['JWT', 'jwt', 'at+jwt', 'application/at+jwt', 'application/jwt'])('typ %j is a session or access token', async (typ) => {
    expect((await bearer(app, await oidcToken({ aud: 'api://sessionguard' }, { typ }))).status).toBe(200);
  });
  test.each(['logout+jwt', 'dpop+jwt', 'secevent+jwt', 'id_token', 'JWE', 'JOSE', 'JOSE+JSON', 'token-introspection+jwt', ''])(
    'typ %j is another kind of JWT: kind_rejected',
    async (typ) => {
      expectError(await bearer(app, await oidcToken({ aud: 'api://sessionguard' }, { typ })), 401, 'invalid_token', 'kind_rejected');
    },
  );
  test.each(['1', '["JWT"]', 'null', '{"typ":"JWT"}'])('typ %s (not a string): token_malformed', async (typ) => {
    const header = `{"alg":"RS256","kid":"${issuers.oidc.key.kid}","typ":${typ}}`;
    const t = await signRaw(issuers.oidc.key, header, JSON.stringify(issuers.oidc.sessionClaims({ claims: { aud: 'api://sessionguard' } })));
    expectError(await bearer(app, t), 401, 'invalid_token', 'token_malformed');
  });
});

describe('Clerk token categories (cat) and token kinds', () => {
  test.each([SESSION_CAT, 'cl_I7d4PD111III'])('cat %j is a session token', async (cat) => {
    expect((await bearer(app, await clerkToken({}, { cat }))).status).toBe(200);
  });
  test('no cat (older Clerk instances) is a session token', async () => {
    expect((await bearer(app, await clerkToken({}, { cat: undefined }))).status).toBe(200);
  });
  test.each(['cl_B7d4PD222AAA', 'cl_B7d4PD333AAA', 'm2m', '', 1, null, [SESSION_CAT]])('cat %j: kind_rejected', async (cat) => {
    expectError(await bearer(app, await clerkToken({}, { cat })), 401, 'invalid_token', 'kind_rejected');
  });
  test('a Clerk JWT-template token without sid: claim_missing', async () => {
    expectError(await bearer(app, await clerkToken({ sid: undefined }, { cat: undefined })), 401, 'invalid_token', 'claim_missing');
  });
  test('a WorkOS client-credentials (M2M) token without sid: claim_missing', async () => {
    const t = await issuers.workos.sign(issuers.workos.sessionClaims({ claims: { sid: undefined, sub: 'client_01M2M' } }));
    expectError(await bearer(app, t), 401, 'invalid_token', 'claim_missing');
  });
  test.each([
    ['empty', '', 'claim_invalid'],
    ['a number', 42, 'claim_invalid'],
    ['an array', ['user_01'], 'claim_invalid'],
  ])('sub as %s: %s', async (_name, sub, reason) => {
    expectError(await bearer(app, await issuers.workos.sign(issuers.workos.sessionClaims({ claims: { sub } }))), 401, 'invalid_token', reason);
  });
  test('sub missing: claim_missing', async () => {
    expectError(await bearer(app, await issuers.workos.sign(issuers.workos.sessionClaims({ claims: { sub: undefined } }))), 401, 'invalid_token', 'claim_missing');
  });
  test.each([['', 'claim_invalid'], [7, 'claim_invalid']])('sid %j: %s', async (sid, reason) => {
    expectError(await bearer(app, await issuers.workos.sign(issuers.workos.sessionClaims({ claims: { sid } }))), 401, 'invalid_token', reason);
  });
});
