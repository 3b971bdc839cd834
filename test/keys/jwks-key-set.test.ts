import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { guardedApp, expectError } from '../helpers';
import type { SessionEvent } from '../../src';
import { bearer } from '../attacks/support';
import { createTestIssuer, faultyKeyHost, manualClock, type TestIssuer } from '../support/issuers';

let issuer: TestIssuer;
let host: Awaited<ReturnType<typeof faultyKeyHost>>;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'workos' });
  host = await faultyKeyHost(() => issuer.jwks());
});
afterAll(async () => {
  await host.close();
  await issuer.close();
});
beforeEach(() => {
  host.mode = 'ok';
  host.requests = 0;
});

const MAX_AGE = 600_000;

function setup(keySets: Record<string, number> = {}, extra: { tokenCache?: false } = {}) {
  const clock = manualClock();
  const events: SessionEvent[] = [];
  const { app, guard } = guardedApp({
    providers: [issuer.provider({ jwksUrl: host.url })],
    keySets: { fetchTimeoutMs: 300, maxAgeMs: MAX_AGE, ...keySets },
    clock: clock.now,
    onEvent: (event) => events.push(event),
    ...extra,
  });
  return { app, guard, clock, events };
}

describe('warm() and readiness', () => {
  test('warm() fetches the keys ahead of traffic and ready turns true', async () => {
    const { app, guard } = setup();
    expect(guard.ready).toBe(false);
    await expect(guard.warm()).resolves.toBe(true);
    expect(guard.ready).toBe(true);
    expect(host.requests).toBe(1);
    const res = await bearer(app, await issuer.sessionToken());
    expect(res.status).toBe(200);
    expect(host.requests).toBe(1);
  });

  test('warm() with the key host down resolves false and ready stays false', async () => {
    host.mode = 'down';
    const { guard } = setup();
    await expect(guard.warm()).resolves.toBe(false);
    expect(guard.ready).toBe(false);
  });
});

describe('cold start with the key host down', () => {
  test.each(['down', 'hang', 'drip', 'reset', 'redirect', 'html', 'huge', 'many'] as const)(
    'host %s: the first request is a 503 jwks_unavailable with Retry-After',
    async (mode) => {
      host.mode = mode;
      const { app } = setup();
      const res = await bearer(app, await issuer.sessionToken());
      expectError(res, 503, 'service_unavailable', 'jwks_unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    },
  );

  test('failed fetches back off 1 s doubling (not one fetch per request), and service recovers by itself', async () => {
    host.mode = 'down';
    const { app, clock } = setup();
    const token = await issuer.sessionToken();
    expectError(await bearer(app, token), 503, 'service_unavailable', 'jwks_unavailable');
    expect(host.requests).toBe(1);
    for (let i = 0; i < 5; i++) expectError(await bearer(app, token), 503, 'service_unavailable', 'jwks_unavailable');
    expect(host.requests).toBe(1); // within the 1 s backoff: no fetch
    clock.advanceMs(1000);
    await bearer(app, token);
    expect(host.requests).toBe(2);
    clock.advanceMs(1000); // backoff is now 2 s
    await bearer(app, token);
    expect(host.requests).toBe(2);
    clock.advanceMs(1000);
    await bearer(app, token);
    expect(host.requests).toBe(3);
    // Backoff is capped at 30 s.
    for (let i = 0; i < 6; i++) {
      clock.advanceMs(30_000);
      await bearer(app, token);
    }
    const before = host.requests;
    clock.advanceMs(29_000);
    await bearer(app, token);
    expect(host.requests).toBe(before);
    host.mode = 'ok';
    clock.advanceMs(1000);
    expect((await bearer(app, token)).status).toBe(200);
  });

  test('concurrent first requests share one fetch', async () => {
    const { app } = setup();
    const token = await issuer.sessionToken();
    const results = await Promise.all(Array.from({ length: 20 }, () => bearer(app, token)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(host.requests).toBe(1);
  });
});

describe('refresh and stale-if-error', () => {
  test('a refresh ahead of expiry never makes a request wait while keys are held', async () => {
    // fetchTimeoutMs longer than the test timeout: had the request waited on the hanging host, the test would fail.
    const { app, guard, clock } = setup({ fetchTimeoutMs: 60_000 });
    await guard.warm();
    const token = await issuer.sessionToken({ expiresIn: 3600 });
    expect((await bearer(app, token)).status).toBe(200); // cached from here: the hit below must still start the refresh
    clock.advanceMs(MAX_AGE * 0.95);
    host.mode = 'hang';
    const res = await bearer(app, token);
    expect(res.status).toBe(200);
    // The refresh runs in the background: its request reaches the host after the answer above on
    // Node 22 and 24 (and before it on 20), so wait for it to arrive rather than count at once.
    await host.received(2);
    expect(host.requests).toBe(2); // the background refresh did start, and only one
  });

  test('past maxAge with the host down, held keys keep verifying until maxStale, then 503', async () => {
    const { app, guard, clock } = setup({ maxStaleMs: 60_000 });
    await guard.warm();
    const token = await issuer.sessionToken({ expiresIn: 3600 });
    host.mode = 'down';
    clock.advanceMs(MAX_AGE + 30_000);
    expect((await bearer(app, token)).status).toBe(200);
    expect(guard.ready).toBe(true);
    clock.advanceMs(31_000);
    expectError(await bearer(app, token), 503, 'service_unavailable', 'jwks_unavailable');
    expect(guard.ready).toBe(false);
    host.mode = 'ok';
    clock.advanceMs(31_000);
    expect((await bearer(app, token)).status).toBe(200);
  });

  test('maxStaleMs 0 is strict: past maxAge with the host down is a 503', async () => {
    const { app, guard, clock } = setup({ maxStaleMs: 0 });
    await guard.warm();
    const token = await issuer.sessionToken({ expiresIn: 3600 });
    host.mode = 'down';
    clock.advanceMs(MAX_AGE + 1);
    expectError(await bearer(app, token), 503, 'service_unavailable', 'jwks_unavailable');
  });

  test.each(['down', 'redirect', 'html', 'huge', 'many'] as const)('a refused refresh (%s) leaves the previous keys in place', async (mode) => {
    const { app, guard, clock, events } = setup();
    await guard.warm();
    const token = await issuer.sessionToken({ expiresIn: 3600 });
    host.mode = mode;
    clock.advanceMs(MAX_AGE + 1000);
    expect((await bearer(app, token)).status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    await guard.warm();
    expect(events.filter((e) => e.type === 'jwks_fetch' && !e.ok).length).toBeGreaterThan(0);
    expect((await bearer(app, token, '/me')).status).toBe(200);
  });
});

describe('unknown kids and rotation', () => {
  test('random kids refetch at most once per cooldown', async () => {
    const { app, guard, clock } = setup({ cooldownMs: 30_000 });
    await guard.warm();
    const tokens = await Promise.all(Array.from({ length: 30 }, () => issuer.sessionToken({}, { header: { kid: randomUUID() } })));
    const results = await Promise.all(tokens.map((t) => bearer(app, t)));
    for (const res of results) expectError(res, 401, 'invalid_token', 'kid_unknown');
    expect(host.requests).toBe(2); // warm, and one refetch for the first unknown kid: the cooldown starts with it
    clock.advanceMs(30_000);
    await Promise.all(tokens.slice(0, 10).map((t) => bearer(app, t)));
    expect(host.requests).toBe(3);
  });

  test('after a rotation, concurrent requests with the new kid share one refetch and all pass', async () => {
    const { app, guard, clock } = setup({ cooldownMs: 30_000 });
    await guard.warm();
    clock.advanceMs(30_000);
    await issuer.rotate({ keepOld: true });
    const token = await issuer.sessionToken();
    const results = await Promise.all(Array.from({ length: 10 }, () => bearer(app, token)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(host.requests).toBe(2);
  });

  test('an unknown kid during an outage is a 503, not a 401', async () => {
    const { app, guard, clock } = setup();
    await guard.warm();
    host.mode = 'down';
    clock.advanceMs(30_000);
    const stranger = await issuer.sessionToken({}, { header: { kid: 'rotated-but-unseen' } });
    expectError(await bearer(app, stranger), 503, 'service_unavailable', 'jwks_unavailable');
  });

  test.each([{ tokenCache: undefined }, { tokenCache: false as const }])(
    'a kid that disappears from a fresh set stops verifying at once, cached or not (%p)',
    async (cache) => {
      const { app, guard, clock } = setup({}, cache.tokenCache === false ? { tokenCache: false } : {});
      await guard.warm();
      const old = await issuer.sessionToken({ expiresIn: 3600 });
      expect((await bearer(app, old)).status).toBe(200);
      expect((await bearer(app, old)).status).toBe(200); // now cached
      await issuer.rotate();
      clock.advanceMs(30_000);
      expect((await bearer(app, await issuer.sessionToken())).status).toBe(200); // unknown kid: refetch
      expectError(await bearer(app, old), 401, 'invalid_token', 'kid_unknown');
    },
  );
});

test('a kid-less key replaced by another: tokens cached under the old one stop verifying', async () => {
  const kidless = (key: { publicJwk: Record<string, unknown> }) => ({ keys: [{ ...key.publicJwk, kid: undefined }] });
  let served = kidless(issuer.key);
  const kidlessHost = await faultyKeyHost(() => served);
  try {
    const clock = manualClock();
    const { app, guard } = guardedApp({ providers: [issuer.provider({ jwksUrl: kidlessHost.url })], clock: clock.now, keySets: { maxAgeMs: MAX_AGE } });
    await guard.warm();
    const old = await issuer.sessionToken({ expiresIn: 3600 }, { header: { kid: undefined } });
    expect((await bearer(app, old)).status).toBe(200);
    const next = await issuer.createDetachedKey();
    served = kidless(next);
    clock.advanceMs(MAX_AGE * 0.95);
    expect((await bearer(app, old)).status).toBe(200); // a cache hit on held keys; starts the refresh
    await guard.warm();
    expectError(await bearer(app, old), 401, 'invalid_token', 'signature_invalid');
    expect((await bearer(app, await issuer.sessionToken({ expiresIn: 3600 }, { key: next, header: { kid: undefined } }))).status).toBe(200);
  } finally {
    await kidlessHost.close();
  }
});

describe('events', () => {
  test('fetches, cache hits and misses and rejections are reported, with no token content', async () => {
    const { app, events } = setup();
    const token = await issuer.sessionToken();
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(342)}`;
    await bearer(app, token);
    await bearer(app, token);
    await bearer(app, forged);
    await request(app).get('/me');
    const fetch = events.find((e) => e.type === 'jwks_fetch');
    expect(fetch).toMatchObject({ type: 'jwks_fetch', ok: true, keys: 1 });
    expect(typeof (fetch as { durationMs: number }).durationMs).toBe('number');
    expect(events.filter((e) => e.type === 'token_cache').map((e) => (e as { hit: boolean }).hit)).toEqual([false, true, false]);
    const rejections = events.filter((e) => e.type === 'rejection');
    expect(rejections).toEqual([
      expect.objectContaining({ status: 401, error: 'invalid_token', reason: 'signature_invalid', tokenHash: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/) }),
      expect.objectContaining({ status: 401, error: 'missing_token' }),
    ]);
    const text = JSON.stringify(events);
    for (const part of [...token.split('.'), ...forged.split('.')]) expect(text).not.toContain(part);
  });

  test('a failed fetch is reported with its duration and reason', async () => {
    host.mode = 'down';
    const { app, events } = setup();
    await bearer(app, await issuer.sessionToken());
    expect(events).toContainEqual(expect.objectContaining({ type: 'jwks_fetch', ok: false, error: 'key set host answered 500' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'rejection', status: 503, reason: 'jwks_unavailable' }));
  });
});

describe('what a key set may be', () => {
  test('key sets travel over https; plain http only on loopback', () => {
    expect(() => issuer.provider({ jwksUrl: 'http://keys.example.com/jwks.json' })).toThrow(/https/);
    expect(() => issuer.provider({ jwksUrl: 'http://localhost.evil.example/jwks.json' })).toThrow(/https/);
    expect(() => issuer.provider({ jwksUrl: 'ftp://127.0.0.1/jwks.json' })).toThrow(/https/);
    expect(() => issuer.provider({ jwksUrl: 'http://127.0.0.1:8080/jwks.json' })).not.toThrow();
    expect(() => issuer.provider({ jwksUrl: 'https://keys.example.com/jwks.json' })).not.toThrow();
  });

  test('a served set with duplicate kids is refused as a whole; the previous keys stay', async () => {
    const served: { keys: unknown[] } = issuer.jwks();
    const dupHost = await faultyKeyHost(() => served);
    try {
      const events: SessionEvent[] = [];
      const clock = manualClock();
      const { app, guard } = guardedApp({ providers: [issuer.provider({ jwksUrl: dupHost.url })], clock: clock.now, onEvent: (e) => events.push(e) });
      await guard.warm();
      const token = await issuer.sessionToken({ expiresIn: 3600 });
      served.keys = [issuer.key.publicJwk, { ...issuer.key.publicJwk, n: (await issuer.createDetachedKey()).publicJwk.n }];
      clock.advanceMs(MAX_AGE + 1);
      await guard.warm();
      expect(events).toContainEqual(expect.objectContaining({ type: 'jwks_fetch', ok: false, error: 'key set has duplicate kids' }));
      expect((await bearer(app, token)).status).toBe(200);
    } finally {
      await dupHost.close();
    }
  });

  test('an encryption key next to the signing key is skipped with an event; its kid is unknown', async () => {
    const encHost = await faultyKeyHost(() => ({ keys: [issuer.key.publicJwk, { ...issuer.key.publicJwk, kid: 'enc-key', use: 'enc' }] }));
    try {
      const events: SessionEvent[] = [];
      const { app } = guardedApp({ providers: [issuer.provider({ jwksUrl: encHost.url })], onEvent: (e) => events.push(e) });
      expect((await bearer(app, await issuer.sessionToken())).status).toBe(200);
      expectError(await bearer(app, await issuer.sessionToken({}, { header: { kid: 'enc-key' } })), 401, 'invalid_token', 'kid_unknown');
      expect(events).toContainEqual({ type: 'jwks_key_refused', provider: 'workos', kid: 'enc-key', why: 'not a signing key' });
    } finally {
      await encHost.close();
    }
  });

  test('an inline JWKS with duplicate kids fails at start-up', () => {
    const jwks = { keys: [issuer.key.publicJwk, issuer.key.publicJwk] };
    expect(() => guardedApp({ providers: [issuer.provider({ jwksUrl: undefined, jwks })] })).toThrow(/duplicate kid/);
  });
});
