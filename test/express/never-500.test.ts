/** Bad input is a clear 4xx JSON error: never a 500, never HTML, never an echo of the token. */
import request from 'supertest';
import fc from 'fast-check';
import type { NextFunction, Request, Response } from 'express';
import { expectError, expectNoLeak, guardedApp, listen } from '../helpers';
import type { SessionEvent } from '../../src';
import { useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' } });
let valid: string;
const events: SessionEvent[] = [];

beforeAll(async () => {
  valid = await issuers.workos.sessionToken({ sub: 'user_01FUZZ' });
});

function app() {
  return guardedApp({ providers: [issuers.workos.provider()], onEvent: (event) => events.push(event) }).app;
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('malformed tokens are 401 token_malformed', () => {
  const cases: [string, () => string][] = [
    ['two segments', () => valid.split('.').slice(0, 2).join('.')],
    ['an empty signature (unsecured JWT)', () => `${b64({ alg: 'none' })}.${valid.split('.')[1]}.`],
    ['a JWE (five segments)', () => `${valid}.abc.def`],
    ['JSON serialization', () => JSON.stringify({ payload: valid.split('.')[1] })],
    ['base64 padding', () => `${valid}==`],
    ['standard base64 characters', () => valid.replace(/-/g, '+').replace(/_/g, '/') + '+/'],
    ['a header that is not JSON', () => `${b64('not json')}.${valid.split('.').slice(1).join('.')}`],
    ['a header that is a JSON array', () => `${b64(['RS256'])}.${valid.split('.').slice(1).join('.')}`],
    ['a payload that is a JSON string', () => `${valid.split('.')[0]}.${b64('"sub"')}.${valid.split('.')[2]}`],
    ['a payload that is not UTF-8', () => `${valid.split('.')[0]}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.${valid.split('.')[2]}`],
    ['a header without alg', () => `${b64({ kid: issuers.workos.key.kid })}.${valid.split('.').slice(1).join('.')}`],
    ['a numeric alg', () => `${b64({ alg: 256 })}.${valid.split('.').slice(1).join('.')}`],
    ['b64: false', () => `${b64({ alg: 'RS256', kid: issuers.workos.key.kid, b64: false, crit: ['b64'] })}.${valid.split('.').slice(1).join('.')}`],
    ['an unknown crit', () => `${b64({ alg: 'RS256', kid: issuers.workos.key.kid, crit: ['exp'], exp: 1 })}.${valid.split('.').slice(1).join('.')}`],
    ['a non-canonical base64url segment', () => `${valid.split('.')[0]}.${valid.split('.')[1]}.${valid.split('.')[2]!.slice(0, -1)}_`],
  ];

  test.each(cases)('%s', async (_title, make) => {
    const token = make();
    const res = await request(app()).get('/me').set('Authorization', `Bearer ${token}`);
    expectError(res, 401, 'invalid_token', 'token_malformed');
    expectNoLeak(res, token);
  });

  test('an alg of "none" or HS256 with a signature is alg_not_allowed', async () => {
    for (const alg of ['none', 'HS256']) {
      const token = `${b64({ alg, kid: issuers.workos.key.kid })}.${valid.split('.')[1]}.${b64('sig')}`;
      expectError(await request(app()).get('/me').set('Authorization', `Bearer ${token}`), 401, 'invalid_token', 'alg_not_allowed');
    }
  });

  test('a non-string kid is kid_unknown', async () => {
    const token = `${b64({ alg: 'RS256', kid: 7 })}.${valid.split('.').slice(1).join('.')}`;
    expectError(await request(app()).get('/me').set('Authorization', `Bearer ${token}`), 401, 'invalid_token', 'kid_unknown');
  });

  test('a token over 8 KiB in a cookie is token_too_large', async () => {
    const token = `${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`;
    expectError(await request(app()).get('/me').set('Cookie', `__session=${token}`), 401, 'invalid_token', 'token_too_large');
  });
});

test('8 KiB is the limit: the largest token within it verifies, one character more is token_too_large', async () => {
  const tokenWith = (padding: number) => issuers.workos.sessionToken({ sub: 'user_01BIG', claims: { padding: 'x'.repeat(padding) } });
  let padding = 5400;
  let within = await tokenWith(padding);
  expect(within.length).toBeLessThanOrEqual(8192);
  let over = within;
  while (over.length <= 8192) {
    within = over;
    over = await tokenWith(++padding);
  }
  expect(within.length).toBeLessThanOrEqual(8192);
  expect(over.length).toBeGreaterThan(8192);
  const accepted = await request(app()).get('/me').set('Authorization', `Bearer ${within}`);
  expect(accepted.status).toBe(200);
  expect(accepted.body.subject).toBe('user_01BIG');
  expectError(await request(app()).get('/me').set('Authorization', `Bearer ${over}`), 401, 'invalid_token', 'token_too_large');
});

describe('fuzzed credentials through a real server', () => {
  let server: Parameters<typeof request>[0];
  let close: () => Promise<void>;
  beforeAll(async () => ({ server, close } = await listen(app())));
  afterAll(() => close());

  const headerSafe = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.,;= "\'+/\\'.split('')), maxLength: 120 });
  const segment = fc.string({ unit: fc.constantFrom(...'ABCdef0189-_'.split('')), minLength: 1, maxLength: 40 });

  async function assertClientError(res: request.Response): Promise<void> {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).not.toMatch(/<html|<!DOCTYPE|at .+\.ts:\d+/i);
    expectError(res, res.status, res.body.error as string, res.body.reason as string | undefined);
  }

  test('any Authorization header value', async () => {
    await fc.assert(
      fc.asyncProperty(headerSafe, async (value) => {
        const res = await request(server).get('/me').set('Authorization', `Bearer ${value}`);
        await assertClientError(res);
      }),
      { numRuns: 100 },
    );
  });

  test('any three base64url segments', async () => {
    await fc.assert(
      fc.asyncProperty(segment, segment, segment, async (a, b, c) => {
        await assertClientError(await request(server).get('/me').set('Authorization', `Bearer ${a}.${b}.${c}`));
      }),
      { numRuns: 100 },
    );
  });

  test('any one-character change of a valid token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: valid.length - 1 }), fc.constantFrom(...'Aa0-_.'.split('')), async (at, char) => {
        fc.pre(valid[at] !== char);
        const token = valid.slice(0, at) + char + valid.slice(at + 1);
        const res = await request(server).get('/me').set('Cookie', `__session=${token}`);
        await assertClientError(res);
        expectNoLeak(res, token);
      }),
      { numRuns: 100 },
    );
  });

  test('any Cookie header value', async () => {
    await fc.assert(
      fc.asyncProperty(headerSafe, async (value) => {
        const res = await request(server).get('/me').set('Cookie', `__session=${value}`);
        await assertClientError(res);
      }),
      { numRuns: 100 },
    );
  });
});

test('events never carry a token', async () => {
  const token = await issuers.workos.sessionToken({ expiresIn: -10 });
  await request(app()).get('/me').set('Authorization', `Bearer ${token}`);
  const text = JSON.stringify(events);
  expect(events.some((event) => event.type === 'rejection')).toBe(true);
  expect(text.includes(token)).toBe(false);
  expect(text.includes(token.split('.')[2]!)).toBe(false);
  expect(text.includes(valid.split('.')[2]!)).toBe(false);
});

test.each(['production', 'development'])('errors are the same JSON when Express runs in %s', async (env) => {
  const { app: envApp } = guardedApp({ providers: [issuers.workos.provider()] });
  envApp.set('env', env);
  const res = await request(envApp).get('/me').set('Authorization', 'Bearer x.y.z');
  expectError(res, 401, 'invalid_token', 'token_malformed');
  expect(res.text).not.toMatch(/stack|<html/i);
});

test('an error thrown by a route after authentication is the app\'s own, not turned into an auth error', async () => {
  const { app: throwing, guard } = guardedApp({ providers: [issuers.workos.provider()] });
  throwing.get('/boom', guard, () => {
    throw new Error('route bug');
  });
  throwing.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(418).json({ handledByApp: err.message });
  });
  const res = await request(throwing).get('/boom').set('Authorization', `Bearer ${valid}`);
  expect(res.status).toBe(418);
  expect(res.body).toEqual({ handledByApp: 'route bug' });
});
