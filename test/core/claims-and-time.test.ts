/** CONTRACT.md section 2: required claims and their types, and time checks with the clock tolerance (core, no framework). */
import { createVerifier, type SessionPrincipal, type SessionVerifier } from '../../src';
import { manualClock, type TestIssuer, useIssuers } from '../support/issuers';
import { authenticate, expectRejection, statusOf } from './support';

const issuers = useIssuers({ workos: { kind: 'workos' }, clerk: { kind: 'clerk' }, oidc: { kind: 'oidc' } });

/** A verifier whose clock stands still at a whole second, with the issuer's provider. */
function verifierAt(issuer: TestIssuer, overrides: Record<string, unknown> = {}): { verifier: SessionVerifier; clock: ReturnType<typeof manualClock> } {
  const clock = manualClock();
  const verifier = createVerifier({ providers: [issuer.provider(overrides)], clock: clock.now, resolveLegacyUser: () => 'user_01MAPPED' });
  return { verifier, clock };
}

/** A WorkOS session payload at `now` (seconds), with overrides; `undefined` removes a claim. */
function payload(now: number, overrides: Record<string, unknown>): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: issuers.workos.issuer,
    sub: 'user_01TIME',
    sid: 'session_TIME',
    auth_time: now - 10,
    iat: now - 10,
    exp: now + 300,
    ...overrides,
  };
  for (const name of Object.keys(claims)) if (claims[name] === undefined) delete claims[name];
  return claims;
}

describe('clock tolerance (default 5 s)', () => {
  test('exp exactly at now - tolerance is expired; one second inside is accepted', async () => {
    const { verifier, clock } = verifierAt(issuers.workos);
    const now = clock.seconds();
    expectRejection(await authenticate(verifier, await issuers.workos.sign(payload(now, { exp: now - 5 }))), 401, 'token_expired');
    const inside = await authenticate(verifier, await issuers.workos.sign(payload(now, { exp: now - 4 })));
    expect(statusOf(inside)).toBe(200);
  });

  test('nbf up to now + tolerance is accepted; one second later is not yet valid', async () => {
    const { verifier, clock } = verifierAt(issuers.workos);
    const now = clock.seconds();
    expect(statusOf(await authenticate(verifier, await issuers.workos.sign(payload(now, { nbf: now + 5 }))))).toBe(200);
    expectRejection(await authenticate(verifier, await issuers.workos.sign(payload(now, { nbf: now + 6 }))), 401, 'invalid_token', 'token_not_yet_valid');
  });

  test('iat up to now + tolerance is accepted; one second later is in the future', async () => {
    const { verifier, clock } = verifierAt(issuers.workos);
    const now = clock.seconds();
    expect(statusOf(await authenticate(verifier, await issuers.workos.sign(payload(now, { iat: now + 5 }))))).toBe(200);
    expectRejection(await authenticate(verifier, await issuers.workos.sign(payload(now, { iat: now + 6 }))), 401, 'invalid_token', 'iat_in_future');
  });

  test('a token valid now expires when the clock passes exp + tolerance', async () => {
    const { verifier, clock } = verifierAt(issuers.workos, {}); // token cache on: the time check is re-run on hits
    const now = clock.seconds();
    const token = await issuers.workos.sign(payload(now, { exp: now + 60 }));
    expect(statusOf(await authenticate(verifier, token))).toBe(200);
    clock.advance(64);
    expect(statusOf(await authenticate(verifier, token))).toBe(200);
    clock.advance(1);
    expectRejection(await authenticate(verifier, token), 401, 'token_expired');
  });

  test('a token not yet valid becomes valid when the clock reaches nbf - tolerance', async () => {
    const { verifier, clock } = verifierAt(issuers.workos);
    const now = clock.seconds();
    const token = await issuers.workos.sign(payload(now, { nbf: now + 100, iat: now }));
    expectRejection(await authenticate(verifier, token), 401, 'invalid_token', 'token_not_yet_valid');
    clock.advance(95);
    expect(statusOf(await authenticate(verifier, token))).toBe(200);
  });
});

describe('custom clockToleranceSeconds', () => {
  test('60 s: exp at now - 60 is expired, now - 59 accepted; nbf at now + 60 accepted, now + 61 refused', async () => {
    const { verifier, clock } = verifierAt(issuers.workos, { clockToleranceSeconds: 60 });
    const now = clock.seconds();
    expectRejection(await authenticate(verifier, await issuers.workos.sign(payload(now, { exp: now - 60 }))), 401, 'token_expired');
    expect(statusOf(await authenticate(verifier, await issuers.workos.sign(payload(now, { exp: now - 59 }))))).toBe(200);
    expect(statusOf(await authenticate(verifier, await issuers.workos.sign(payload(now, { nbf: now + 60 }))))).toBe(200);
    expectRejection(await authenticate(verifier, await issuers.workos.sign(payload(now, { nbf: now + 61 }))), 401, 'invalid_token', 'token_not_yet_valid');
  });

  test('0 s: exp equal to now is expired, now + 1 accepted; iat at now + 1 refused', async () => {
    const { verifier, clock } = verifierAt(issuers.workos, { clockToleranceSeconds: 0 });
    const now = clock.seconds();
    expectRejection(await authenticate(verifier, await issuers.workos.sign(payload(now, { exp: now }))), 401, 'token_expired');
    expect(statusOf(await authenticate(verifier, await issuers.workos.sign(payload(now, { exp: now + 1 }))))).toBe(200);
    expectRejection(await authenticate(verifier, await issuers.workos.sign(payload(now, { iat: now + 1 }))), 401, 'invalid_token', 'iat_in_future');
  });
});

describe('required claims', () => {
  const cases: [title: string, overrides: Record<string, unknown>, reason: string][] = [
    ['missing exp', { exp: undefined }, 'claim_missing'],
    ['missing iat', { iat: undefined }, 'claim_missing'],
    ['missing sub', { sub: undefined }, 'claim_missing'],
    ['missing sid', { sid: undefined }, 'claim_missing'],
    ['missing iss', { iss: undefined }, 'claim_missing'],
    ['non-numeric exp (string)', { exp: 'tomorrow' }, 'claim_invalid'],
    ['numeric-looking string exp', { exp: '9999999999' }, 'claim_invalid'],
    ['null exp', { exp: null }, 'claim_invalid'],
    ['non-numeric iat', { iat: [1] }, 'claim_invalid'],
    ['non-numeric nbf', { nbf: '0' }, 'claim_invalid'],
    ['empty sub', { sub: '' }, 'claim_invalid'],
    ['numeric sub', { sub: 42 }, 'claim_invalid'],
    ['empty sid', { sid: '' }, 'claim_invalid'],
    ['object sid', { sid: { id: 'x' } }, 'claim_invalid'],
    ['non-string iss', { iss: 7 }, 'claim_invalid'],
    ['non-string jti', { jti: 7 }, 'claim_invalid'],
  ];

  test.each(cases)('%s is a 401 invalid_token', async (_title, overrides, reason) => {
    const { verifier, clock } = verifierAt(issuers.workos);
    const res = await authenticate(verifier, await issuers.workos.sign(payload(clock.seconds(), overrides)));
    expectRejection(res, 401, 'invalid_token', reason);
  });

  test('a Clerk session token needs sid too', async () => {
    const { verifier } = verifierAt(issuers.clerk);
    const res = await authenticate(verifier, await issuers.clerk.sessionToken({ claims: { sid: undefined } }));
    expectRejection(res, 401, 'invalid_token', 'claim_missing');
  });

  test('an oidc() token needs no sid by default, but does with requireSessionId', async () => {
    const token = await issuers.oidc.sessionToken({ claims: { sid: undefined } });
    const lenient = verifierAt(issuers.oidc).verifier;
    const res = await authenticate(lenient, token);
    expect(statusOf(res)).toBe(200);
    expect((res as SessionPrincipal).sessionId).toBeNull();
    const strict = verifierAt(issuers.oidc, { requireSessionId: true }).verifier;
    expectRejection(await authenticate(strict, token), 401, 'invalid_token', 'claim_missing');
  });

  test('an oidc() token with an sid of the wrong type is still refused', async () => {
    const { verifier } = verifierAt(issuers.oidc);
    expectRejection(await authenticate(verifier, await issuers.oidc.sessionToken({ claims: { sid: 5 } })), 401, 'invalid_token', 'claim_invalid');
  });
});
