/** Algorithm confusion: none, HS256 keyed with the public key, foreign algorithms, alg/key mismatch. */
import { createHmac, createPublicKey, KeyObject, sign as nodeSign, constants } from 'node:crypto';
import type { Express } from 'express';
import { guardedApp, expectError } from '../helpers';
import { clerk, workos } from '../../src';
import { bearer } from './support';
import { b64url, segments, startIssuers, type TestIssuer, useIssuers } from '../support/issuers';

const issuers = useIssuers({
  workos: { kind: 'workos' },
  clerk: { kind: 'clerk' },
  es: { kind: 'oidc', alg: 'ES256', issuer: 'https://es.sessionguard.test', name: 'es' },
});
let app: Express;
let claims: Record<string, unknown>;
let clerkClaims: Record<string, unknown>;
beforeAll(async () => {
  app = guardedApp({
    providers: [
      issuers.workos.provider(),
      // Networkless Clerk: the classic target of RS256/HS256 confusion, as the PEM is at hand.
      clerk({ issuer: issuers.clerk.issuer, jwtKey: issuers.clerk.key.publicPem }),
      issuers.es.provider(),
    ],
    resolveLegacyUser: (id) => `user_for_${id}`,
  }).app;
  claims = issuers.workos.sessionClaims({ sub: 'user_01VICTIM', expiresIn: 3600 });
  clerkClaims = issuers.clerk.sessionClaims({ expiresIn: 3600 });
});

function hs256(secret: Buffer | string, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Every form in which a public key may be fed to an HMAC by a confused verifier. */
function publicKeyForms(pem: string, jwk: object): [string, Buffer | string][] {
  const key = createPublicKey(pem);
  const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }) as string;
  return [
    ['SPKI PEM', pem],
    ['SPKI PEM without trailing newline', pem.trim()],
    ['PKCS#1 PEM', pkcs1],
    ['PEM with a leading space', ` ${pem}`],
    ['PEM with a BOM', `\ufeff${pem}`],
    ['PEM with CRLF', pem.replace(/\n/g, '\r\n')],
    ['SPKI DER', key.export({ type: 'spki', format: 'der' })],
    ['PKCS#1 DER', key.export({ type: 'pkcs1', format: 'der' })],
    ['JWK text', JSON.stringify(jwk)],
    ['JWK text of the JWKS', JSON.stringify({ keys: [jwk] })],
    ['modulus bytes', Buffer.from((jwk as { n: string }).n, 'base64url')],
  ];
}

test('the real tokens are accepted (controls)', async () => {
  expect((await bearer(app, await issuers.workos.sign(claims))).status).toBe(200);
  expect((await bearer(app, await issuers.clerk.sign(clerkClaims, { header: { cat: 'cl_B7d4PD111AAA' } }))).status).toBe(200);
});

describe('none', () => {
  test.each(['none', 'None', 'NONE', 'nOnE', 'none '])('alg %j with an empty signature: token_malformed', async (alg) => {
    const t = `${b64url({ alg, typ: 'JWT' })}.${b64url(claims)}.`;
    expectError(await bearer(app, t), 401, 'invalid_token', 'token_malformed');
  });
  test.each(['none', 'None', 'NONE', 'nOnE'])('alg %j with some signature: alg_not_allowed', async (alg) => {
    const t = `${b64url({ alg, kid: issuers.workos.key.kid })}.${b64url(claims)}.AAAA`;
    expectError(await bearer(app, t), 401, 'invalid_token', 'alg_not_allowed');
  });
});

describe('HS256 keyed with the provider public key', () => {
  test.each(['workos', 'clerk'] as const)('%s: every form of the public key as HMAC secret is refused', async (which) => {
    const issuer = issuers[which];
    const payload = which === 'clerk' ? clerkClaims : claims;
    for (const [, secret] of publicKeyForms(issuer.key.publicPem, issuer.key.publicJwk)) {
      for (const alg of ['HS256', 'HS384', 'HS512', 'hs256']) {
        const t = hs256(secret, { alg, kid: issuer.key.kid, typ: 'JWT', ...(which === 'clerk' ? { cat: 'cl_B7d4PD111AAA' } : {}) }, payload);
        expectError(await bearer(app, t), 401, 'invalid_token', 'alg_not_allowed');
      }
    }
  });

  test('HS256 cannot even be configured', () => {
    expect(() => workos({ clientId: 'client_x', algorithms: ['HS256'] })).toThrow(/symmetric/);
    expect(() => workos({ clientId: 'client_x', algorithms: ['none'] })).toThrow(/none/);
  });

  test('an oct key in a JWKS is refused at import', () => {
    expect(() => workos({ clientId: 'client_x', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'k' }] } })).not.toThrow();
    expect(() =>
      guardedApp({ providers: [workos({ clientId: 'client_x', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'k' }] } })] }),
    ).toThrow(/symmetric key/);
  });
});

describe('foreign algorithms', () => {
  test('ES256 where only RS256 is allowed (kid of the RSA key)', async () => {
    const ecKey = await issuers.workos.createDetachedKey('ES256', issuers.workos.key.kid);
    const t = await issuers.workos.sign(claims, { key: ecKey });
    expectError(await bearer(app, t), 401, 'invalid_token', 'alg_not_allowed');
  });

  test.each(['RS1', 'ES256K', 'EdDSA', 'PS256', 'RS384', 'ES512', 'RSA-OAEP', 'dir', ''])('alg %j for an RS256-only provider', async (alg) => {
    const t = `${b64url({ alg, kid: issuers.workos.key.kid })}.${b64url(claims)}.${segments(await issuers.workos.sign(claims))[2]}`;
    expectError(await bearer(app, t), 401, 'invalid_token', 'alg_not_allowed');
  });

  test('RS256 for an ES256-only provider', async () => {
    const t = await issuers.es.sign(issuers.es.sessionClaims(), { key: await issuers.es.createDetachedKey('RS256', issuers.es.key.kid) });
    expectError(await bearer(app, t), 401, 'invalid_token', 'alg_not_allowed');
  });
});

describe("a token alg that differs from the JWK's alg", () => {
  let multi: TestIssuer;
  let multiApp: Express;
  beforeAll(async () => {
    multi = (await startIssuers({ m: { kind: 'oidc', issuer: 'https://multi.sessionguard.test', name: 'multi' } })).m;
    multiApp = guardedApp({ providers: [multi.provider({ algorithms: ['RS256', 'PS256'] })] }).app;
  });
  afterAll(() => multi.close());

  test('PS256 with a key published as alg RS256 (same RSA key pair): alg_not_allowed', async () => {
    const header = b64url({ alg: 'PS256', kid: multi.key.kid });
    const payload = b64url(multi.sessionClaims());
    const signature = nodeSign('sha256', Buffer.from(`${header}.${payload}`), {
      key: KeyObject.from(multi.key.privateKey),
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
    // Control: the same signature verifies as PS256 with the bare key, so only the alg binding refuses it.
    expectError(await bearer(multiApp, `${header}.${payload}.${signature.toString('base64url')}`), 401, 'invalid_token', 'alg_not_allowed');
    expect((await bearer(multiApp, await multi.sessionToken())).status).toBe(200);
  });
});
