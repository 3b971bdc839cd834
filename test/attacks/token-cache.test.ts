/** The verified-token cache must never vouch for anything it did not verify. */
import type { Express } from 'express';
import { guardedApp, expectError } from '../helpers';
import type { SessionGuardOptions } from '../../src';
import { bearer } from './support';
import { b64url, manualClock, segments, useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' }, other: { kind: 'oidc', issuer: 'https://other.sessionguard.test', name: 'other' } });

const suspended = new Set<string>();
const revoked = new Set<string>();
function options(clock: () => number, tokenCache?: false): SessionGuardOptions {
  return {
    providers: [issuers.workos.provider(), issuers.other.provider()],
    clock,
    statusCacheTtlSeconds: 0,
    accountStatus: (subject) =>
      suspended.has(subject) ? { state: 'suspended', suspendedUntil: new Date(clock() + 3_600_000).toISOString(), reason: 'spam' } : { state: 'active' },
    isRevoked: ({ sessionId }) => sessionId !== null && revoked.has(sessionId),
    ...(tokenCache === false ? { tokenCache: false } : {}),
  };
}

describe('after a token is cached', () => {
  let app: Express;
  let token: string;
  beforeAll(async () => {
    app = guardedApp(options(Date.now)).app;
    token = await issuers.workos.sessionToken({ sub: 'user_01CACHED', expiresIn: 3600 });
    expect((await bearer(app, token)).status).toBe(200);
    expect((await bearer(app, token)).status).toBe(200);
  });

  test('the same header and payload with the signature of another key: signature_invalid', async () => {
    const [h, p] = segments(token);
    const attacker = await issuers.workos.createDetachedKey('RS256', issuers.workos.key.kid);
    const [, , foreign] = segments(await issuers.workos.sign({}, { key: attacker }));
    expectError(await bearer(app, `${h}.${p}.${foreign}`), 401, 'invalid_token', 'signature_invalid');
  });
  test('the same header and payload with a signature one bit off: signature_invalid', async () => {
    const [h, p, s] = segments(token);
    const bytes = Buffer.from(s, 'base64url');
    bytes[0] = bytes[0]! ^ 0x80;
    expectError(await bearer(app, `${h}.${p}.${bytes.toString('base64url')}`), 401, 'invalid_token', 'signature_invalid');
  });
  test('another header with the cached signature: signature_invalid', async () => {
    const [, p, s] = segments(token);
    const header = b64url({ alg: 'RS256', kid: issuers.workos.key.kid, typ: 'JWT', x: 1 });
    expectError(await bearer(app, `${header}.${p}.${s}`), 401, 'invalid_token', 'signature_invalid');
  });
  test('another payload with the cached signature: signature_invalid', async () => {
    const [h, p, s] = segments(token);
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    expectError(await bearer(app, `${h}.${b64url({ ...claims, sub: 'user_01ATTACKER' })}.${s}`), 401, 'invalid_token', 'signature_invalid');
  });
  test('the cached token claiming another issuer: refused', async () => {
    const [h, p, s] = segments(token);
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    expectError(await bearer(app, `${h}.${b64url({ ...claims, iss: issuers.other.issuer })}.${s}`), 401, 'invalid_token', 'kid_unknown');
  });
  test('suspension and revocation are re-checked on a cache hit', async () => {
    const t = await issuers.workos.sessionToken({ sub: 'user_01LATER', expiresIn: 3600 });
    const first = await bearer(app, t);
    expect(first.status).toBe(200);
    suspended.add('user_01LATER');
    expectError(await bearer(app, t), 403, 'account_suspended', 'spam');
    suspended.delete('user_01LATER');
    revoked.add(first.body.sessionId as string);
    expectError(await bearer(app, t), 401, 'session_revoked', 'session_revoked');
  });
});

test('decisions are identical with the cache disabled, on first sight, on repeats and as time passes', async () => {
  const start = Date.now();
  const clockA = manualClock(start);
  const clockB = manualClock(start);
  const cached = guardedApp(options(clockA.now)).app;
  const uncached = guardedApp(options(clockB.now, false)).app;
  const w = issuers.workos;
  const attacker = await w.createDetachedKey('RS256', w.key.kid);
  suspended.add('user_01SUSPENDED');
  const revokedToken = await w.sessionToken({ sid: 'session_REVOKED' });
  revoked.add('session_REVOKED');
  const valid = await w.sessionToken({ expiresIn: 60 });
  const tokens = [
    valid,
    await w.sessionToken({ expiresIn: 3600 }),
    await w.sessionToken({ expiresIn: -60 }),
    await w.sessionToken({ sub: 'user_01SUSPENDED' }),
    revokedToken,
    await w.sessionToken({}, { key: attacker }),
    await w.sessionToken({}, { header: { kid: 'nope' } }),
    await w.sessionToken({ claims: { iss: 'https://nowhere.example' } }),
    await w.sessionToken({ claims: { nbf: Math.floor(start / 1000) + 30 } }),
    await w.sessionToken({ claims: { sid: undefined } }),
    await issuers.other.sessionToken(),
    `${segments(valid)[0]}.${segments(valid)[1]}.${segments(await w.sessionToken())[2]}`,
    'garbage',
  ];
  const decide = async (app: Express, t: string) => {
    const res = await bearer(app, t);
    return [res.status, res.body.error ?? null, res.body.reason ?? null, res.body.subject ?? null];
  };
  for (const step of [0, 0, 40_000, 30_000]) {
    clockA.advanceMs(step);
    clockB.advanceMs(step);
    const a = [];
    const b = [];
    for (const t of tokens) {
      a.push(await decide(cached, t));
      b.push(await decide(uncached, t));
    }
    expect(a).toEqual(b);
  }
  // And the list covered both outcomes.
  expect(tokens.length).toBeGreaterThan(10);
});
