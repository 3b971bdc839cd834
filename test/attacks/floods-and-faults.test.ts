/** Floods of garbage that must not turn into outbound traffic, and faults that must not turn into 500s. */
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { guardedApp, expectError } from '../helpers';
import { bearer } from './support';
import { b64url, closeIssuers, faultyKeyHost, LoopbackHost, manualClock, startIssuers, type TestIssuer } from '../support/issuers';

let issuers: { workos: TestIssuer; clerk: TestIssuer };
let host: Awaited<ReturnType<typeof faultyKeyHost>>;
let redirectTarget: LoopbackHost;
beforeAll(async () => {
  issuers = await startIssuers({ workos: { kind: 'workos' }, clerk: { kind: 'clerk' } });
  redirectTarget = await LoopbackHost.start((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(issuers.workos.jwks())));
  host = await faultyKeyHost(() => issuers.workos.jwks(), `${redirectTarget.origin}/jwks.json`);
});
afterAll(async () => {
  await host.close();
  await redirectTarget.close();
  await closeIssuers(issuers);
});
beforeEach(() => {
  host.mode = 'ok';
  host.requests = 0;
});

function app(extra: Record<string, unknown> = {}): { app: Express; warm: () => Promise<boolean>; clock: ReturnType<typeof manualClock> } {
  const clock = manualClock();
  const guarded = guardedApp({ providers: [issuers.workos.provider({ jwksUrl: host.url })], keySets: { fetchTimeoutMs: 300 }, clock: clock.now, ...extra });
  return { app: guarded.app, warm: () => guarded.guard.warm(), clock };
}

describe('floods', () => {
  test('200 random kids at once: all kid_unknown, one key fetch in all', async () => {
    const { app: a } = app();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => issuers.workos.sessionToken({}, { header: { kid: randomUUID() } })));
    const results = await Promise.all(tokens.map((t) => bearer(a, t)));
    for (const res of results) expectError(res, 401, 'invalid_token', 'kid_unknown');
    expect(host.requests).toBe(1);
  });

  test('200 random issuers: all issuer_unknown, no key fetch at all', async () => {
    const { app: a } = app();
    const results = await Promise.all(
      Array.from({ length: 200 }, async () =>
        bearer(a, await issuers.workos.sign(issuers.workos.sessionClaims({ claims: { iss: `https://${randomUUID()}.example` } }))),
      ),
    );
    for (const res of results) expectError(res, 401, 'invalid_token', 'issuer_unknown');
    expect(host.requests).toBe(0);
  });

  test('random kids during an outage: 503s, and fetches stay within the backoff', async () => {
    const { app: a, warm, clock } = app();
    await warm();
    host.mode = 'down';
    clock.advanceMs(30_000);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => issuers.workos.sessionToken({}, { header: { kid: randomUUID() } })));
    for (const t of tokens) expectError(await bearer(a, t), 503, 'service_unavailable', 'jwks_unavailable');
    expect(host.requests).toBe(2); // warm + one refetch, then backoff
  });
});

describe('key host faults', () => {
  test('a redirecting key host is not followed: 503, and the redirect target sees no request', async () => {
    host.mode = 'redirect';
    const { app: a } = app();
    expectError(await bearer(a, await issuers.workos.sessionToken()), 503, 'service_unavailable', 'jwks_unavailable');
    expect(redirectTarget.requests).toBe(0);
  });

  test.each(['down', 'hang', 'drip', 'reset', 'huge', 'many', 'html'] as const)('host %s on a cold start: 503 with Retry-After, never a 500', async (mode) => {
    host.mode = mode;
    const { app: a } = app();
    const res = await bearer(a, await issuers.workos.sessionToken());
    expectError(res, 503, 'service_unavailable', 'jwks_unavailable');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
  });

  test('cold start with the host down, then recovery without a restart', async () => {
    host.mode = 'down';
    const { app: a, clock } = app();
    const t = await issuers.workos.sessionToken();
    expectError(await bearer(a, t), 503, 'service_unavailable', 'jwks_unavailable');
    host.mode = 'ok';
    expectError(await bearer(a, t), 503, 'service_unavailable', 'jwks_unavailable'); // still backing off
    clock.advanceMs(1000);
    expect((await bearer(a, t)).status).toBe(200);
  });
});

describe("faults in the user's hooks", () => {
  test('a throwing onEvent listener changes no decision', async () => {
    const { app: a } = app({
      onEvent: () => {
        throw new Error('logger down');
      },
    });
    expect((await bearer(a, await issuers.workos.sessionToken())).status).toBe(200);
    expectError(await bearer(a, `${b64url({ alg: 'RS256' })}.${b64url({ iss: 'x' })}.AAAA`), 401, 'invalid_token', 'issuer_unknown');
  });
  test('a throwing isRevoked: 503 status_unavailable', async () => {
    const { app: a } = app({
      isRevoked: () => {
        throw new Error('db down');
      },
    });
    expectError(await bearer(a, await issuers.workos.sessionToken()), 503, 'service_unavailable', 'status_unavailable');
  });
  test('a rejecting accountStatus: 503 status_unavailable', async () => {
    const { app: a } = app({ accountStatus: () => Promise.reject(new Error('db down')) });
    expectError(await bearer(a, await issuers.workos.sessionToken()), 503, 'service_unavailable', 'status_unavailable');
  });
  test('an accountStatus answering nonsense: 503 status_unavailable', async () => {
    const { app: a } = app({ accountStatus: () => ({ state: 'maybe' }) });
    expectError(await bearer(a, await issuers.workos.sessionToken()), 503, 'service_unavailable', 'status_unavailable');
  });
  test('a throwing resolveLegacyUser: 503, not 500', async () => {
    const guarded = guardedApp({
      providers: [issuers.clerk.provider()],
      resolveLegacyUser: () => {
        throw new Error('db down');
      },
    });
    expectError(await bearer(guarded.app, await issuers.clerk.sessionToken()), 503, 'service_unavailable', 'user_mapping_unavailable');
  });
});
