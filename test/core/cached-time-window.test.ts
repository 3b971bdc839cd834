/**
 * A cached token skips reading its exp, nbf and iat while the clock is inside the window its time
 * checks already passed in: from the earliest time they passed to 1 ms before exp. Outside that
 * window (a clock turned back, or at exp) every check runs again and answers as on a cache miss,
 * whichever way the hit came: a connection's memo or the cache lookup.
 */
import { createVerifier, isSessionError, type SessionPrincipal } from '../../src';
import type { RequestLike } from '../../src/core/request/credentials';
import { createTestIssuer, type TestIssuer } from '../support/issuers';

let workos: TestIssuer;
beforeAll(async () => {
  workos = await createTestIssuer({ kind: 'workos' });
});
afterAll(() => workos.close());

const T = (Math.floor(Date.now() / 1000) + 10) * 1000;

function onConnection(connection: object, token: string): RequestLike {
  return { method: 'GET', rawHeaders: ['Host', 'api.test', 'Authorization', `Bearer ${token}`], socket: connection, headers: {} };
}

async function verdict(run: () => unknown): Promise<{ subject?: string; status?: number; error?: string; reason?: string }> {
  try {
    return { subject: ((await run()) as SessionPrincipal).subject };
  } catch (error) {
    if (!isSessionError(error)) throw error;
    return { status: error.status, error: error.error, reason: error.reason };
  }
}

/** A verifier on a clock the test sets, and both ways a cached token is found again. */
function setUp(clockToleranceSeconds: number) {
  const clock = { now: T };
  const verifier = createVerifier({ providers: [workos.provider({ clockToleranceSeconds })], clock: () => clock.now });
  const connection = {};
  const ways = {
    memo: (token: string) => verdict(() => verifier.authenticateNow(onConnection(connection, token))),
    lookup: (token: string) => verdict(() => verifier.verify(token)),
  };
  return { clock, verifier, ways };
}

const accepted = { subject: 'user_01WINDOW' };

describe.each(['memo', 'lookup'] as const)('a cached token found by its %s', (way) => {
  test('the clock turned back before its nbf: 401 token_not_yet_valid, and accepted again once it is back', async () => {
    const { clock, ways } = setUp(0);
    const token = await workos.sessionToken({ sub: 'user_01WINDOW', claims: { iat: T / 1000 - 100, nbf: T / 1000, exp: T / 1000 + 300 } });
    expect(await ways.memo(token)).toEqual(accepted);
    expect(await ways[way](token)).toEqual(accepted);
    clock.now = T - 1000;
    expect(await ways[way](token)).toEqual({ status: 401, error: 'invalid_token', reason: 'token_not_yet_valid' });
    clock.now = T + 5000;
    expect(await ways[way](token)).toEqual(accepted);
  });

  test('the clock turned back before its iat: 401 iat_in_future', async () => {
    const { clock, ways } = setUp(0);
    const token = await workos.sessionToken({ sub: 'user_01WINDOW', claims: { iat: T / 1000, nbf: undefined, exp: T / 1000 + 300 } });
    expect(await ways.memo(token)).toEqual(accepted);
    clock.now = T - 2000;
    expect(await ways[way](token)).toEqual({ status: 401, error: 'invalid_token', reason: 'iat_in_future' });
  });

  test('with no tolerance: accepted 1 ms before exp, 401 token_expired at exp', async () => {
    const { clock, ways } = setUp(0);
    const token = await workos.sessionToken({ sub: 'user_01WINDOW', claims: { iat: T / 1000, exp: T / 1000 + 60 } });
    expect(await ways.memo(token)).toEqual(accepted);
    clock.now = T + 60_000 - 1;
    expect(await ways[way](token)).toEqual(accepted);
    clock.now = T + 60_000;
    expect(await ways[way](token)).toEqual({ status: 401, error: 'token_expired', reason: undefined });
  });

  test('with 30 s of tolerance: accepted until exp + 30 s (checked again past exp), expired from there', async () => {
    const { clock, ways } = setUp(30);
    const token = await workos.sessionToken({ sub: 'user_01WINDOW', claims: { iat: T / 1000, exp: T / 1000 + 60 } });
    expect(await ways.memo(token)).toEqual(accepted);
    clock.now = T + 89_999;
    expect(await ways[way](token)).toEqual(accepted);
    clock.now = T + 90_000;
    expect(await ways[way](token)).toEqual({ status: 401, error: 'token_expired', reason: undefined });
  });
});
