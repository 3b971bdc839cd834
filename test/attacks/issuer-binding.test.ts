/** Attacks on the binding between a token's issuer and the keys that verify it. */
import type { Express } from 'express';
import { guardedApp, expectError } from '../helpers';
import { bearer } from './support';
import { b64url, closeIssuers, faultyKeyHost, startIssuers, type TestIssuer } from '../support/issuers';

let issuers: { a: TestIssuer; b: TestIssuer };
let hostA: Awaited<ReturnType<typeof faultyKeyHost>>;
let hostB: Awaited<ReturnType<typeof faultyKeyHost>>;
let app: Express;
beforeAll(async () => {
  issuers = await startIssuers({
    a: { kind: 'oidc', issuer: 'https://a.sessionguard.test', name: 'a' },
    b: { kind: 'oidc', issuer: 'https://b.sessionguard.test', name: 'b' },
  });
  // Both providers publish a key under the same kid, with different key material.
  const shared = (issuer: TestIssuer) => () => ({ keys: [{ ...issuer.key.publicJwk, kid: 'shared-kid' }] });
  hostA = await faultyKeyHost(shared(issuers.a));
  hostB = await faultyKeyHost(shared(issuers.b));
  app = guardedApp({ providers: [issuers.a.provider({ jwksUrl: hostA.url }), issuers.b.provider({ jwksUrl: hostB.url })] }).app;
});
afterAll(async () => {
  await hostA.close();
  await hostB.close();
  await closeIssuers(issuers);
});

const signA = (claims: Record<string, unknown>): Promise<string> => issuers.a.sign(issuers.a.sessionClaims({ claims }), { header: { kid: 'shared-kid' } });

test('each provider accepts its own tokens under the shared kid (controls)', async () => {
  const resA = await bearer(app, await signA({}));
  expect([resA.status, resA.body.provider]).toEqual([200, 'a']);
  const resB = await bearer(app, await issuers.b.sign(issuers.b.sessionClaims(), { header: { kid: 'shared-kid' } }));
  expect([resB.status, resB.body.provider]).toEqual([200, 'b']);
});

test("a token signed by A's key claiming B's issuer, same kid: signature_invalid", async () => {
  expectError(await bearer(app, await signA({ iss: issuers.b.issuer })), 401, 'invalid_token', 'signature_invalid');
});

test('A cached then B-claimed: the cache is per provider and the answer stays a refusal', async () => {
  const own = await signA({ sub: 'user_cached' });
  expect((await bearer(app, own)).status).toBe(200);
  expectError(await bearer(app, await signA({ sub: 'user_cached', iss: issuers.b.issuer })), 401, 'invalid_token', 'signature_invalid');
});

test.each([
  ['a trailing slash', 'https://a.sessionguard.test/'],
  ['another case', 'https://A.sessionguard.test'],
  ['another scheme', 'http://a.sessionguard.test'],
  ['a default port', 'https://a.sessionguard.test:443'],
  ['surrounding spaces', ' https://a.sessionguard.test'],
  ['a path', 'https://a.sessionguard.test/x'],
  ['unicode look-alike', 'https://а.sessionguard.test'],
  ['a NUL byte', 'https://a.sessionguard.test\u0000'],
])('iss with %s: issuer_unknown and no key fetch', async (_name, iss) => {
  const before = hostA.requests + hostB.requests;
  expectError(await bearer(app, await signA({ iss })), 401, 'invalid_token', 'issuer_unknown');
  expect(hostA.requests + hostB.requests).toBe(before);
});

test.each([
  ['an array', ['https://a.sessionguard.test'], 'claim_invalid'],
  ['a number', 1, 'claim_invalid'],
  ['an object', { iss: 'https://a.sessionguard.test' }, 'claim_invalid'],
  ['null', null, 'claim_invalid'],
  ['missing', undefined, 'claim_missing'],
])('iss as %s: %s', async (_name, iss, reason) => {
  const claims = issuers.a.sessionClaims({ claims: { iss } });
  if (iss === undefined) delete claims.iss;
  const t = await issuers.a.sign(claims, { header: { kid: 'shared-kid' } });
  expectError(await bearer(app, t), 401, 'invalid_token', reason);
});

test('issuer routing happens before any key work: an unsigned token with an unknown iss fetches nothing', async () => {
  const before = hostA.requests + hostB.requests;
  const t = `${b64url({ alg: 'RS256', kid: 'shared-kid' })}.${b64url({ iss: 'https://evil.example', sub: 'x' })}.AAAA`;
  expectError(await bearer(app, t), 401, 'invalid_token', 'issuer_unknown');
  expect(hostA.requests + hostB.requests).toBe(before);
});
