/** Attacks on how the verification key is chosen: embedded keys, key URLs, hostile kids. */
import { createServer } from 'node:http';
import request from 'supertest';
import type { Express } from 'express';
import { guardedApp, expectError } from '../helpers';
import { bearer } from './support';
import { b64url, closeIssuers, LoopbackHost, segments, startIssuers, type TestIssuer } from '../support/issuers';

let issuers: { workos: TestIssuer; two: TestIssuer };
let app: Express;
let twoApp: Express;
let listener: LoopbackHost;
let claims: Record<string, unknown>;
beforeAll(async () => {
  issuers = await startIssuers({ workos: { kind: 'workos' }, two: { kind: 'oidc', issuer: 'https://two.sessionguard.test', name: 'two' } });
  listener = await LoopbackHost.start((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}'));
  const guarded = guardedApp({ providers: [issuers.workos.provider()] });
  app = guarded.app;
  await guarded.guard.warm();
  claims = issuers.workos.sessionClaims({ sub: 'user_01VICTIM', expiresIn: 3600 });
  await issuers.two.rotate({ keepOld: true });
  twoApp = guardedApp({ providers: [issuers.two.provider()] }).app;
});
afterAll(async () => {
  await listener.close();
  await closeIssuers(issuers);
});

describe('keys and key URLs named by the token are never used', () => {
  test.each([
    ['jwk', async (attacker: Awaited<ReturnType<TestIssuer['createDetachedKey']>>) => ({ jwk: attacker.publicJwk })],
    ['jku', async () => ({ jku: `${listener.origin}/jwks.json` })],
    ['x5u', async () => ({ x5u: `${listener.origin}/cert.pem` })],
    ['x5c', async () => ({ x5c: [Buffer.from('not a certificate the verifier would ever parse').toString('base64')] })],
    ['jku and jwk, no kid', async (attacker: Awaited<ReturnType<TestIssuer['createDetachedKey']>>) => ({ kid: undefined, jwk: attacker.publicJwk, jku: `${listener.origin}/jwks.json` })],
  ])('header %s with an attacker key and the provider kid: signature_invalid, no request made', async (_name, makeHeader) => {
    const attacker = await issuers.workos.createDetachedKey('RS256', issuers.workos.key.kid);
    const header = await makeHeader(attacker);
    const t = await issuers.workos.sign(claims, { key: attacker, header });
    const res = await bearer(app, t);
    expectError(res, 401, 'invalid_token', 'signature_invalid');
    expect(listener.requests).toBe(0);
  });

  test('header jku with an attacker kid: kid_unknown, no request to the jku host', async () => {
    const attacker = await issuers.workos.createDetachedKey('RS256', 'attacker-kid');
    const t = await issuers.workos.sign(claims, { key: attacker, header: { jku: `${listener.origin}/jwks.json`, x5u: `${listener.origin}/x` } });
    expectError(await bearer(app, t), 401, 'invalid_token', 'kid_unknown');
    expect(listener.requests).toBe(0);
  });
});

describe('hostile kids', () => {
  test.each([
    '../../../../etc/passwd',
    '..%2f..%2fetc%2fpasswd',
    "' OR '1'='1",
    '"; DROP TABLE keys; --',
    '<script>alert(1)</script>',
    '\u0000',
    'kid\r\nX-Injected: 1',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    `${'x'.repeat(1000)}`,
    '',
    'https://evil.example/jwks.json',
    '$(curl 127.0.0.1)',
  ])('kid %j: kid_unknown, at most one refetch', async (kid) => {
    const before = issuers.workos.jwksRequests;
    const t = await issuers.workos.sign(claims, { header: { kid } });
    const res = await bearer(app, t);
    expectError(res, 401, 'invalid_token', 'kid_unknown');
    expect(res.body.message).not.toContain(kid || 'never');
    expect(issuers.workos.jwksRequests - before).toBeLessThanOrEqual(1);
  });

  test('a 100 KB kid: token_too_large (on a server that lets such a header in)', async () => {
    const t = `${b64url({ alg: 'RS256', kid: 'k'.repeat(100_000) })}.${b64url(claims)}.AAAA`;
    const server = createServer({ maxHeaderSize: 512 * 1024 }, app);
    try {
      expectError(await request(server).get('/me').set('Authorization', `Bearer ${t}`), 401, 'invalid_token', 'token_too_large');
    } finally {
      server.close();
    }
  });

  test.each(['123', '0', 'true', 'null', '["kid"]', '{"kid":"x"}', '1e400'])('kid of the wrong type (%s): kid_unknown', async (kid) => {
    const headerText = `{"alg":"RS256","kid":${kid}}`;
    const t = `${b64url(headerText)}.${b64url(claims)}.${segments(await issuers.workos.sign(claims))[2]}`;
    expectError(await bearer(app, t), 401, 'invalid_token', 'kid_unknown');
  });
});

describe('no kid', () => {
  test('no kid while the set holds two keys: kid_unknown', async () => {
    const t = await issuers.two.sessionToken({}, { header: { kid: undefined } });
    expectError(await bearer(twoApp, t), 401, 'invalid_token', 'kid_unknown');
  });

  test('no kid while the set holds one key: that key is used (as jose and Clerk do)', async () => {
    const t = await issuers.workos.sign(claims, { header: { kid: undefined } });
    const res = await bearer(app, t);
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('user_01VICTIM');
  });

  test('no kid, one key, signed by another key: signature_invalid', async () => {
    const attacker = await issuers.workos.createDetachedKey();
    const t = await issuers.workos.sign(claims, { key: attacker, header: { kid: undefined } });
    expectError(await bearer(app, t), 401, 'invalid_token', 'signature_invalid');
  });
});
