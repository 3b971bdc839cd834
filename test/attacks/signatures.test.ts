/** Attacks on the signature bytes and on weak keys. */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Express } from 'express';
import { guardedApp, expectError } from '../helpers';
import { clerk, oidc, type PublicJwk, type RevocationQuery } from '../../src';
import { bearer } from './support';
import { b64url, faultyKeyHost, segments, useIssuers } from '../support/issuers';

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** (r, s) -> (r, n - s): the other valid ECDSA signature of the same message. */
function malleate(token: string): string {
  const [h, p, s] = segments(token);
  const bytes = Buffer.from(s, 'base64url');
  const sValue = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
  const flipped = Buffer.from((P256_ORDER - sValue).toString(16).padStart(64, '0'), 'hex');
  return `${h}.${p}.${Buffer.concat([bytes.subarray(0, 32), flipped]).toString('base64url')}`;
}

const issuers = useIssuers({
  rsa: { kind: 'workos' },
  ec: { kind: 'oidc', alg: 'ES256', issuer: 'https://ec.sessionguard.test', name: 'ec' },
});
let app: Express;
const revoked = new Set<string>();
const queries: RevocationQuery[] = [];
beforeAll(async () => {
  app = guardedApp({
    providers: [issuers.rsa.provider(), issuers.ec.provider({ requireSessionId: true })],
    isRevoked: (query) => {
      queries.push(query);
      return (query.sessionId !== null && revoked.has(query.sessionId)) || (query.tokenId !== null && revoked.has(query.tokenId));
    },
    statusCacheTtlSeconds: 0,
  }).app;
});

describe('ES256', () => {
  test('an all-zero signature: signature_invalid', async () => {
    const [h, p] = segments(await issuers.ec.sessionToken());
    expectError(await bearer(app, `${h}.${p}.${Buffer.alloc(64).toString('base64url')}`), 401, 'invalid_token', 'signature_invalid');
  });
  test('r = s = n (the group order): signature_invalid', async () => {
    const [h, p] = segments(await issuers.ec.sessionToken());
    const n = Buffer.from(P256_ORDER.toString(16), 'hex');
    expectError(await bearer(app, `${h}.${p}.${Buffer.concat([n, n]).toString('base64url')}`), 401, 'invalid_token', 'signature_invalid');
  });
  test.each([63, 65, 72, 0x46])('a signature of %i bytes (DER or truncated): signature_invalid', async (length) => {
    const [h, p, s] = segments(await issuers.ec.sessionToken());
    const bytes = Buffer.from(s, 'base64url');
    const sig = length <= 64 ? bytes.subarray(0, length) : Buffer.concat([bytes, Buffer.alloc(length - 64, 1)]);
    expectError(await bearer(app, `${h}.${p}.${sig.toString('base64url')}`), 401, 'invalid_token', 'signature_invalid');
  });
  test('a malleated signature is still valid: it is the same identity, and revocation by sid still blocks it', async () => {
    const original = await issuers.ec.sessionToken({ sub: 'user_01MALLEABLE', expiresIn: 3600 });
    const twin = malleate(original);
    expect(twin).not.toBe(original);
    const [resA, resB] = [await bearer(app, original), await bearer(app, twin)];
    expect([resA.status, resB.status]).toEqual([200, 200]);
    expect(resB.body.subject).toBe('user_01MALLEABLE');
    expect(resB.body.sessionId).toBe(resA.body.sessionId);
    revoked.add(resA.body.sessionId as string);
    expectError(await bearer(app, original), 401, 'session_revoked', 'session_revoked');
    expectError(await bearer(app, twin), 401, 'session_revoked', 'session_revoked');
  });
  test('revocation by jti blocks the malleated twin too', async () => {
    const original = await issuers.ec.sessionToken({ sub: 'user_01MALLEABLE', expiresIn: 3600 });
    const twin = malleate(original);
    expect((await bearer(app, twin)).status).toBe(200);
    const jti = JSON.parse(Buffer.from(segments(original)[1], 'base64url').toString()).jti as string;
    revoked.add(jti);
    expect(queries.at(-1)?.tokenId).toBe(jti);
    expectError(await bearer(app, twin), 401, 'session_revoked', 'session_revoked');
  });
});

describe('RS256', () => {
  test.each([
    ['truncated by one byte', (b: Buffer) => b.subarray(0, b.length - 1)],
    ['truncated to half', (b: Buffer) => b.subarray(0, b.length / 2)],
    ['extended by one byte', (b: Buffer) => Buffer.concat([b, Buffer.from([0])])],
    ['with a leading zero byte', (b: Buffer) => Buffer.concat([Buffer.from([0]), b])],
    ['doubled', (b: Buffer) => Buffer.concat([b, b])],
    ['one bit flipped', (b: Buffer) => Buffer.from(b.map((x, i) => (i === 100 ? x ^ 1 : x)))],
    ['all zero', (b: Buffer) => Buffer.alloc(b.length)],
    ['all 0xff', (b: Buffer) => Buffer.alloc(b.length, 0xff)],
    ['one byte', () => Buffer.from([1])],
  ])('a signature %s: signature_invalid', async (_name, change) => {
    const [h, p, s] = segments(await issuers.rsa.sessionToken());
    const t = `${h}.${p}.${change(Buffer.from(s, 'base64url')).toString('base64url')}`;
    expectError(await bearer(app, t), 401, 'invalid_token', 'signature_invalid');
  });
  test("another token's signature: signature_invalid", async () => {
    const [h, p] = segments(await issuers.rsa.sessionToken({ sub: 'user_01A' }));
    const [, , s] = segments(await issuers.rsa.sessionToken({ sub: 'user_01B' }));
    expectError(await bearer(app, `${h}.${p}.${s}`), 401, 'invalid_token', 'signature_invalid');
  });
});

describe('1024-bit RSA keys are refused', () => {
  let weak: { privateKey: KeyObject; publicKey: KeyObject };
  const ISSUER = 'https://weak.sessionguard.test';
  function weakToken(kid: string): string {
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64url({ alg: 'RS256', kid })}.${b64url({ iss: ISSUER, sub: 'user_weak', iat: now, exp: now + 300 })}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(weak.privateKey).toString('base64url')}`;
  }
  const weakJwk = (): PublicJwk => ({ ...weak.publicKey.export({ format: 'jwk' }), kty: 'RSA', kid: 'weak', alg: 'RS256', use: 'sig' });
  beforeAll(() => {
    weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  });

  test('a weak key next to a good one in a served JWKS: the weak kid is unknown', async () => {
    const host = await faultyKeyHost(() => ({ keys: [weakJwk(), issuers.rsa.key.publicJwk] }));
    try {
      const weakApp = guardedApp({ providers: [oidc({ audience: false, issuer: ISSUER, jwksUrl: host.url })] }).app;
      expectError(await bearer(weakApp, weakToken('weak')), 401, 'invalid_token', 'kid_unknown');
    } finally {
      await host.close();
    }
  });
  test('a served JWKS holding only a weak key is refused as a whole: 503 jwks_unavailable', async () => {
    const host = await faultyKeyHost(() => ({ keys: [weakJwk()] }));
    try {
      const weakApp = guardedApp({ providers: [oidc({ audience: false, issuer: ISSUER, jwksUrl: host.url })] }).app;
      expectError(await bearer(weakApp, weakToken('weak')), 503, 'service_unavailable', 'jwks_unavailable');
    } finally {
      await host.close();
    }
  });
  test('an inline JWKS or a PEM with a weak key fails at start-up', () => {
    expect(() => guardedApp({ providers: [oidc({ audience: false, issuer: ISSUER, jwks: { keys: [weakJwk()] } })] })).toThrow(/1024 bits/);
    const pem = weak.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(() => guardedApp({ providers: [oidc({ audience: false, issuer: ISSUER, jwks: { keys: [] } })] })).toThrow(/no usable public key/);
    expect(() => guardedApp({ providers: [clerk({ issuer: ISSUER, jwtKey: pem })], resolveLegacyUser: () => null })).toThrow(/1024 bits/);
  });
});
