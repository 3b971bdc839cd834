/** Account status: suspended (future and past), banned, lookup failing or answering garbage, cached per subject. */
import request from 'supertest';
import { expectError, guardedApp } from '../helpers';
import type { AccountStatus, SessionGuardOptions, SessionPrincipal } from '../../src';
import { manualClock, type TestIssuer, useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' }, clerk: { kind: 'clerk' } });

/** An app whose status lookup answers `lookup(subject)` and records each call. */
function appWithStatus(lookup: (subject: string) => unknown, options: Partial<SessionGuardOptions> = {}) {
  const calls: { subject: string; principal: SessionPrincipal }[] = [];
  const { app, guard } = guardedApp({
    providers: [issuers.workos.provider(), issuers.clerk.provider()],
    resolveLegacyUser: (clerkUserId) => (clerkUserId === 'user_2LEGACY' ? 'user_01LEGACY' : null),
    accountStatus: (subject, principal) => {
      calls.push({ subject, principal });
      return lookup(subject) as AccountStatus;
    },
    ...options,
  });
  return { app, guard, calls };
}

async function getAs(app: Parameters<typeof request>[0], sub: string, issuer: TestIssuer = issuers.workos) {
  const token = await issuer.sessionToken({ sub, expiresIn: 3600 });
  return request(app).get('/me').set('Authorization', `Bearer ${token}`);
}

describe('suspended', () => {
  test('a suspension ending in the future is a 403 with suspended_until (ISO 8601) and reason', async () => {
    const until = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const { app } = appWithStatus(() => ({ state: 'suspended', suspendedUntil: until.toISOString(), reason: 'Harassment of other users' }));
    const res = await getAs(app, 'user_01S');
    expectError(res, 403, 'account_suspended', 'Harassment of other users');
    expect(res.body.suspended_until).toBe(until.toISOString());
    expect(res.body.message).toContain(until.toISOString());
  });

  test.each([
    ['a Date', (ms: number) => new Date(ms)],
    ['epoch milliseconds', (ms: number) => ms],
    ['an ISO string with an offset', (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00')],
  ])('suspendedUntil given as %s is answered in ISO 8601', async (_title, form) => {
    const untilMs = Math.floor(Date.now() / 1000) * 1000 + 86_400_000;
    const { app } = appWithStatus(() => ({ state: 'suspended', suspendedUntil: form(untilMs), reason: 'spam' }));
    const res = await getAs(app, 'user_01S');
    expectError(res, 403, 'account_suspended', 'spam');
    expect(res.body.suspended_until).toBe(new Date(untilMs).toISOString());
  });

  test('a suspension whose suspended_until has passed no longer applies', async () => {
    const { app } = appWithStatus(() => ({ state: 'suspended', suspendedUntil: new Date(Date.now() - 1000).toISOString(), reason: 'spam' }));
    const res = await getAs(app, 'user_01S');
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('user_01S');
  });

  test('a suspension ends while its status is cached: the end is compared on every request', async () => {
    const clock = manualClock();
    const until = clock.now() + 30_000;
    const { app, calls } = appWithStatus(() => ({ state: 'suspended', suspendedUntil: until, reason: 'cooling off' }), {
      clock: clock.now,
      statusCacheTtlSeconds: 300,
    });
    expectError(await getAs(app, 'user_01S'), 403, 'account_suspended', 'cooling off');
    clock.advance(30);
    expect((await getAs(app, 'user_01S')).status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  test('a suspension without a reason still carries one', async () => {
    const { app } = appWithStatus(() => ({ state: 'suspended', suspendedUntil: Date.now() + 60_000 }));
    const res = await getAs(app, 'user_01S');
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('account_suspended');
    expect(typeof res.body.reason).toBe('string');
  });
});

describe('banned', () => {
  test('a ban is a 403 account_banned with the reason and no suspended_until', async () => {
    const { app } = appWithStatus(() => ({ state: 'banned', reason: 'Fraudulent payments' }));
    const res = await getAs(app, 'user_01B');
    expectError(res, 403, 'account_banned', 'Fraudulent payments');
    expect(res.body).not.toHaveProperty('suspended_until');
  });

  test('a legacy Clerk user is looked up by the WorkOS id it maps to', async () => {
    const { app, calls } = appWithStatus((subject) => (subject === 'user_01LEGACY' ? { state: 'banned', reason: 'r' } : { state: 'active' }));
    expectError(await getAs(app, 'user_2LEGACY', issuers.clerk), 403, 'account_banned', 'r');
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
    const { app } = appWithStatus(lookup);
    const res = await getAs(app, 'user_01F');
    expectError(res, 503, 'service_unavailable', 'status_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
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
    const { app } = appWithStatus(() => answer);
    expectError(await getAs(app, 'user_01G'), 503, 'service_unavailable', 'status_unavailable');
  });

  test("the string 'active' is an active account, as the object form is", async () => {
    const { app } = appWithStatus(() => 'active');
    expect((await getAs(app, 'user_01ACTIVE')).status).toBe(200);
  });

  test('a failure is not cached: the next request asks again', async () => {
    let down = true;
    const { app, calls } = appWithStatus(() => {
      if (down) throw new Error('down');
      return { state: 'active' };
    });
    expectError(await getAs(app, 'user_01F'), 503, 'service_unavailable', 'status_unavailable');
    down = false;
    expect((await getAs(app, 'user_01F')).status).toBe(200);
    expect(calls).toHaveLength(2);
  });
});

describe('status cache', () => {
  test('status is read once per subject for the TTL, then again', async () => {
    const clock = manualClock();
    const { app, calls } = appWithStatus(() => ({ state: 'active' }), { clock: clock.now, statusCacheTtlSeconds: 10 });
    for (let i = 0; i < 3; i++) expect((await getAs(app, 'user_01A')).status).toBe(200);
    expect((await getAs(app, 'user_01B')).status).toBe(200);
    expect(calls.map((call) => call.subject)).toEqual(['user_01A', 'user_01B']);
    clock.advance(11);
    expect((await getAs(app, 'user_01A')).status).toBe(200);
    expect(calls.map((call) => call.subject)).toEqual(['user_01A', 'user_01B', 'user_01A']);
  });

  test('a ban takes effect after the TTL, even for a token already verified and cached', async () => {
    const clock = manualClock();
    let status: AccountStatus = { state: 'active' };
    const { app } = appWithStatus(() => status, { clock: clock.now, statusCacheTtlSeconds: 5 });
    const token = await issuers.workos.sessionToken({ sub: 'user_01A', expiresIn: 3600 });
    const get = () => request(app).get('/me').set('Authorization', `Bearer ${token}`);
    expect((await get()).status).toBe(200);
    status = { state: 'banned', reason: 'abuse' };
    expect((await get()).status).toBe(200);
    clock.advance(6);
    expectError(await get(), 403, 'account_banned', 'abuse');
  });

  test('invalidate({ subject }) applies a change at once', async () => {
    let status: AccountStatus = { state: 'active' };
    const { app, guard } = appWithStatus(() => status, { statusCacheTtlSeconds: 300 });
    expect((await getAs(app, 'user_01A')).status).toBe(200);
    status = { state: 'banned', reason: 'abuse' };
    guard.verifier.invalidate({ subject: 'user_01A' });
    expectError(await getAs(app, 'user_01A'), 403, 'account_banned', 'abuse');
  });

  test('statusCacheTtlSeconds: 0 reads the status on every request', async () => {
    const { app, calls } = appWithStatus(() => ({ state: 'active' }), { statusCacheTtlSeconds: 0 });
    for (let i = 0; i < 3; i++) expect((await getAs(app, 'user_01A')).status).toBe(200);
    expect(calls).toHaveLength(3);
  });
});
