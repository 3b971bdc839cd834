/** Time claims at each tolerance edge, in odd types, and a token that expires while cached. */
import type { Express } from 'express';
import { guardedApp, expectError } from '../helpers';
import { bearer } from './support';
import { manualClock, signRaw, useIssuers } from '../support/issuers';

const NOW = 1_900_000_000; // seconds; the verifier's clock is pinned here
const TOLERANCE = 5; // the default clockToleranceSeconds

const issuers = useIssuers({ workos: { kind: 'workos' } });
let app: Express;
let clock: ReturnType<typeof manualClock>;
beforeEach(() => {
  clock = manualClock(NOW * 1000);
  app = guardedApp({ providers: [issuers.workos.provider()], clock: clock.now }).app;
});

function token(times: Record<string, unknown>): Promise<string> {
  return issuers.workos.sign(issuers.workos.sessionClaims({ claims: { iat: NOW - 60, nbf: NOW - 60, exp: NOW + 300, ...times } }));
}

describe('edges of the tolerance', () => {
  test.each([
    ['exp one second inside the tolerance', { exp: NOW - TOLERANCE + 1 }],
    ['nbf at now + tolerance', { nbf: NOW + TOLERANCE }],
    ['iat at now + tolerance', { iat: NOW + TOLERANCE, nbf: undefined }],
    ['no nbf', { nbf: undefined }],
    ['fractional times', { iat: NOW - 0.5, exp: NOW + 0.5, nbf: NOW - 0.5 }],
  ])('%s: accepted', async (_name, times) => {
    expect((await bearer(app, await token(times))).status).toBe(200);
  });
  test.each([
    ['exp at now - tolerance', { exp: NOW - TOLERANCE }, 'token_expired', undefined],
    ['exp long past', { exp: NOW - 86_400 }, 'token_expired', undefined],
    ['exp 0', { exp: 0 }, 'token_expired', undefined],
    ['exp negative', { exp: -1 }, 'token_expired', undefined],
    ['nbf one second beyond the tolerance', { nbf: NOW + TOLERANCE + 1 }, 'invalid_token', 'token_not_yet_valid'],
    ['iat one second beyond the tolerance', { iat: NOW + TOLERANCE + 1, nbf: undefined }, 'invalid_token', 'iat_in_future'],
  ])('%s: %s', async (_name, times, error, reason) => {
    expectError(await bearer(app, await token(times)), 401, error, reason);
  });
});

describe('types', () => {
  test.each([
    ['exp', String(NOW + 300)],
    ['iat', String(NOW)],
    ['nbf', String(NOW)],
    ['exp', null],
    ['exp', true],
    ['iat', [NOW]],
    ['nbf', { t: NOW }],
  ])('%s as %j: claim_invalid', async (claim, value) => {
    expectError(await bearer(app, await token({ [claim]: value })), 401, 'invalid_token', 'claim_invalid');
  });
  test.each(['exp', 'iat'])('%s missing: claim_missing', async (claim) => {
    expectError(await bearer(app, await token({ [claim]: undefined })), 401, 'invalid_token', 'claim_missing');
  });
  test.each([
    ['exp', '1e400'],
    ['exp', '-1e400'],
    ['iat', '1e400'],
    ['iat', '-1e400'],
    ['nbf', '-1e400'],
  ])('%s as %s (parses to ±Infinity): claim_invalid', async (claim, literal) => {
    const claims = issuers.workos.sessionClaims({ claims: { iat: NOW - 60, nbf: NOW - 60, exp: NOW + 300 } });
    const text = JSON.stringify({ ...claims, [claim]: 0 }).replace(`"${claim}":0`, `"${claim}":${literal}`);
    const t = await signRaw(issuers.workos.key, JSON.stringify({ alg: 'RS256', kid: issuers.workos.key.kid }), text);
    expectError(await bearer(app, t), 401, 'invalid_token', 'claim_invalid');
  });
});

describe('time and the verified-token cache', () => {
  test('a token expiring while cached is refused once its exp passes', async () => {
    const t = await token({ exp: NOW + 60 });
    expect((await bearer(app, t)).status).toBe(200);
    expect((await bearer(app, t)).status).toBe(200); // from the cache
    clock.advanceMs((60 + TOLERANCE) * 1000);
    expectError(await bearer(app, t), 401, 'token_expired');
  });
  test('a not-yet-valid token refused, then accepted once nbf is reached', async () => {
    const t = await token({ nbf: NOW + 30, iat: NOW });
    expectError(await bearer(app, t), 401, 'invalid_token', 'token_not_yet_valid');
    clock.advanceMs(25_000);
    expect((await bearer(app, t)).status).toBe(200);
  });
});
