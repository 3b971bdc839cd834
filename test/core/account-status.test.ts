/** Account status: suspended (future and past), banned, lookup failing or answering garbage, cached per subject; on the framework-free verifier. */
import { createVerifier, type AccountStatus, type SessionError, type SessionGuardOptions, type SessionPrincipal, type SessionVerifier } from '../../src';
import { manualClock, type TestIssuer, useIssuers } from '../support/issuers';
import { authenticate, expectRejection, statusOf } from './support';
import { collectingLogger } from '../support/logger';

const issuers = useIssuers({ workos: { kind: 'workos' }, clerk: { kind: 'clerk' } });

/** A verifier whose status lookup answers `lookup(subject)` and records each call (a failing lookup is logged, kept in `logger`). */
function verifierWithStatus(lookup: (subject: string) => unknown, options: Partial<SessionGuardOptions> = {}) {
  const calls: { subject: string; principal: SessionPrincipal }[] = [];
  const logger = collectingLogger();
  const verifier = createVerifier({
    logger,
    providers: [issuers.workos.provider(), issuers.clerk.provider()],
    resolveLegacyUser: (clerkUserId) => (clerkUserId === 'user_2LEGACY' ? 'user_01LEGACY' : null),
    accountStatus: (subject, principal) => {
      calls.push({ subject, principal });
      return lookup(subject) as AccountStatus;
    },
    ...options,
  });
  return { verifier, calls, logger };
}

async function getAs(verifier: SessionVerifier, sub: string, issuer: TestIssuer = issuers.workos) {
  return authenticate(verifier, await issuer.sessionToken({ sub, expiresIn: 3600 }));
}

const principal = (outcome: unknown): SessionPrincipal => outcome as SessionPrincipal;

describe('suspended', () => {
  test('a suspension ending in the future is a 403 with suspended_until (ISO 8601) and reason', async () => {
    const until = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const { verifier } = verifierWithStatus(() => ({ state: 'suspended', suspendedUntil: until.toISOString(), reason: 'Harassment of other users' }));
    const rejection = expectRejection(await getAs(verifier, 'user_01S'), 403, 'account_suspended', 'Harassment of other users');
    expect(rejection.suspendedUntil).toBe(until.toISOString());
    expect(rejection.message).toContain(until.toISOString());
  });

  test.each([
    ['a Date', (ms: number) => new Date(ms)],
    ['epoch milliseconds', (ms: number) => ms],
    ['an ISO string with an offset', (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00')],
  ])('suspendedUntil given as %s is answered in ISO 8601', async (_title, form) => {
    const untilMs = Math.floor(Date.now() / 1000) * 1000 + 86_400_000;
    const { verifier } = verifierWithStatus(() => ({ state: 'suspended', suspendedUntil: form(untilMs), reason: 'spam' }));
    const rejection = expectRejection(await getAs(verifier, 'user_01S'), 403, 'account_suspended', 'spam');
    expect(rejection.suspendedUntil).toBe(new Date(untilMs).toISOString());
  });

  test('a suspension whose suspended_until has passed no longer applies', async () => {
    const { verifier } = verifierWithStatus(() => ({ state: 'suspended', suspendedUntil: new Date(Date.now() - 1000).toISOString(), reason: 'spam' }));
    const outcome = await getAs(verifier, 'user_01S');
    expect(statusOf(outcome)).toBe(200);
    expect(principal(outcome).subject).toBe('user_01S');
  });

  test('a suspension ends while its status is cached: the end is compared on every request', async () => {
    const clock = manualClock();
    const until = clock.now() + 30_000;
    const { verifier, calls } = verifierWithStatus(() => ({ state: 'suspended', suspendedUntil: until, reason: 'cooling off' }), {
      clock: clock.now,
      statusCacheTtlSeconds: 300,
    });
    expectRejection(await getAs(verifier, 'user_01S'), 403, 'account_suspended', 'cooling off');
    clock.advance(30);
    expect(statusOf(await getAs(verifier, 'user_01S'))).toBe(200);
    expect(calls).toHaveLength(1);
  });

  test('a suspension without a reason still carries one', async () => {
    const { verifier } = verifierWithStatus(() => ({ state: 'suspended', suspendedUntil: Date.now() + 60_000 }));
    const outcome = await getAs(verifier, 'user_01S');
    expect(statusOf(outcome)).toBe(403);
    const rejection = outcome as SessionError;
    expect(rejection.error).toBe('account_suspended');
    expect(typeof rejection.reason).toBe('string');
  });
});

describe('banned', () => {
  test('a ban is a 403 account_banned with the reason and no suspended_until', async () => {
    const { verifier } = verifierWithStatus(() => ({ state: 'banned', reason: 'Fraudulent payments' }));
    const rejection = expectRejection(await getAs(verifier, 'user_01B'), 403, 'account_banned', 'Fraudulent payments');
    expect(rejection.suspendedUntil).toBeUndefined();
  });

  test('a legacy Clerk user is looked up by the WorkOS id it maps to', async () => {
    const { verifier, calls } = verifierWithStatus((subject) => (subject === 'user_01LEGACY' ? { state: 'banned', reason: 'r' } : { state: 'active' }));
    expectRejection(await getAs(verifier, 'user_2LEGACY', issuers.clerk), 403, 'account_banned', 'r');
    expect(calls.map((call) => call.subject)).toEqual(['user_01LEGACY']);
    expect(calls[0]?.principal).toMatchObject({ subject: 'user_01LEGACY', clerkUserId: 'user_2LEGACY' });
  });
});

describe('a lookup that fails is a 503 status_unavailable: never a 500, never a pass', () => {
  test.each<[string, (subject: string) => unknown]>([
    ['throws', () => {
      throw new Error('status db down');
    }],
    ['rejects', () => Promise.reject(new Error('timeout'))],
    ['throws a non-Error', () => {
      throw 'nope';
    }],
  ])('a lookup that %s', async (_title, lookup) => {
    const { verifier } = verifierWithStatus(lookup);
    const rejection = expectRejection(await getAs(verifier, 'user_01F'), 503, 'service_unavailable', 'status_unavailable');
    expect(Number(rejection.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
  });

  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string other than \'active\'', 'suspended'],
    ['\'active\' in other case', 'Active'],
    ['an unknown state', { state: 'paused' }],
    ['a state in other case', { state: 'ACTIVE' }],
    ['suspended without an end', { state: 'suspended', reason: 'x' }],
    ['suspended until an unparseable date', { state: 'suspended', suspendedUntil: 'next week' }],
    ['suspended until NaN', { state: 'suspended', suspendedUntil: Number.NaN }],
    ['suspended until a time no Date can hold', { state: 'suspended', suspendedUntil: 1e20 }],
    ['banned with a non-string reason', { state: 'banned', reason: 42 }],
  ])('a lookup answering %s', async (_title, answer) => {
    const { verifier } = verifierWithStatus(() => answer);
    expectRejection(await getAs(verifier, 'user_01G'), 503, 'service_unavailable', 'status_unavailable');
  });

  test("the string 'active' is an active account, as the object form is", async () => {
    const { verifier } = verifierWithStatus(() => 'active');
    expect(statusOf(await getAs(verifier, 'user_01ACTIVE'))).toBe(200);
  });

  test('a failure is not cached: the next request asks again', async () => {
    let down = true;
    const { verifier, calls } = verifierWithStatus(() => {
      if (down) throw new Error('down');
      return { state: 'active' };
    });
    expectRejection(await getAs(verifier, 'user_01F'), 503, 'service_unavailable', 'status_unavailable');
    down = false;
    expect(statusOf(await getAs(verifier, 'user_01F'))).toBe(200);
    expect(calls).toHaveLength(2);
  });
});

describe('status cache', () => {
  test('status is read once per subject for the TTL, then again', async () => {
    const clock = manualClock();
    const { verifier, calls } = verifierWithStatus(() => ({ state: 'active' }), { clock: clock.now, statusCacheTtlSeconds: 10 });
    for (let i = 0; i < 3; i++) expect(statusOf(await getAs(verifier, 'user_01A'))).toBe(200);
    expect(statusOf(await getAs(verifier, 'user_01B'))).toBe(200);
    expect(calls.map((call) => call.subject)).toEqual(['user_01A', 'user_01B']);
    clock.advance(11);
    expect(statusOf(await getAs(verifier, 'user_01A'))).toBe(200);
    expect(calls.map((call) => call.subject)).toEqual(['user_01A', 'user_01B', 'user_01A']);
  });

  test('a ban takes effect after the TTL, even for a token already verified and cached', async () => {
    const clock = manualClock();
    let status: AccountStatus = { state: 'active' };
    const { verifier } = verifierWithStatus(() => status, { clock: clock.now, statusCacheTtlSeconds: 5 });
    const token = await issuers.workos.sessionToken({ sub: 'user_01A', expiresIn: 3600 });
    const get = () => authenticate(verifier, token);
    expect(statusOf(await get())).toBe(200);
    status = { state: 'banned', reason: 'abuse' };
    expect(statusOf(await get())).toBe(200);
    clock.advance(6);
    expectRejection(await get(), 403, 'account_banned', 'abuse');
  });

  test('invalidate({ subject }) applies a change at once', async () => {
    let status: AccountStatus = { state: 'active' };
    const { verifier } = verifierWithStatus(() => status, { statusCacheTtlSeconds: 300 });
    expect(statusOf(await getAs(verifier, 'user_01A'))).toBe(200);
    status = { state: 'banned', reason: 'abuse' };
    verifier.invalidate({ subject: 'user_01A' });
    expectRejection(await getAs(verifier, 'user_01A'), 403, 'account_banned', 'abuse');
  });

  test('statusCacheTtlSeconds: 0 reads the status on every request', async () => {
    const { verifier, calls } = verifierWithStatus(() => ({ state: 'active' }), { statusCacheTtlSeconds: 0 });
    for (let i = 0; i < 3; i++) expect(statusOf(await getAs(verifier, 'user_01A'))).toBe(200);
    expect(calls).toHaveLength(3);
  });
});
