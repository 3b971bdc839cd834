/**
 * Cookie CSRF for every provider: a cookie-carried token on POST, PUT, PATCH or DELETE must come
 * from an allowed origin (allowedOrigins or the provider's authorizedParties), else from the
 * request's own origin; without Origin only a same-origin (or unmarked) request passes.
 */
import request from 'supertest';
import type { SessionGuardOptions } from '../../src';
import { expectError, guardedApp } from '../helpers';
import { closeIssuers, startIssuers } from '../support/issuers';
import type { TestIssuer } from '../../src/testing';

let issuers: { workos: TestIssuer; clerk: TestIssuer };
beforeAll(async () => {
  issuers = await startIssuers({ workos: { kind: 'workos' }, clerk: { kind: 'clerk' } });
});
afterAll(() => closeIssuers(issuers));

const APP = 'https://app.example.com';

function app(extra: Partial<SessionGuardOptions> = {}) {
  return guardedApp({ providers: [issuers.workos.provider(), issuers.clerk.provider({ authorizedParties: ['https://app.sessionguard.test'] })], ...extra }).app;
}

async function cookiePost(target: ReturnType<typeof app>, headers: Record<string, string>, issuer: TestIssuer = issuers.workos) {
  const token = await issuer.sessionToken();
  let req = request(target).post('/me').set('Cookie', `__session=${token}`);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return req;
}

describe('with neither allowedOrigins nor authorizedParties: the request\'s own origin', () => {
  test('a WorkOS cookie on a cross-origin POST is refused: 403 forbidden csrf_origin', async () => {
    expectError(await cookiePost(app(), { Origin: 'https://evil.example' }), 403, 'forbidden', 'csrf_origin');
  });

  test('the same POST from the request\'s own origin passes', async () => {
    const res = await cookiePost(app(), { Origin: 'http://api.example.com', Host: 'api.example.com' });
    expect(res.status).toBe(200);
  });

  test('an https origin does not match a plain-http request (no proxy trusted)', async () => {
    expectError(await cookiePost(app(), { Origin: 'https://api.example.com', Host: 'api.example.com' }), 403, 'forbidden', 'csrf_origin');
  });

  test('behind a proxy, trustProxy reads X-Forwarded-Proto and X-Forwarded-Host', async () => {
    const headers = { Origin: 'https://api.example.com', Host: 'internal:8080', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'api.example.com' };
    expect((await cookiePost(app({ trustProxy: true }), headers)).status).toBe(200);
    expectError(await cookiePost(app(), headers), 403, 'forbidden', 'csrf_origin');
  });

  test('Origin: null (a sandboxed or privacy-sensitive context) is refused', async () => {
    expectError(await cookiePost(app(), { Origin: 'null', Host: 'api.example.com' }), 403, 'forbidden', 'csrf_origin');
  });
});

describe('allowedOrigins', () => {
  test('a listed origin passes; the request\'s own origin no longer does', async () => {
    const target = app({ allowedOrigins: [APP] });
    expect((await cookiePost(target, { Origin: APP })).status).toBe(200);
    expectError(await cookiePost(target, { Origin: 'http://api.example.com', Host: 'api.example.com' }), 403, 'forbidden', 'csrf_origin');
  });

  test('with clerk() authorizedParties as well, either list lets a Clerk cookie in', async () => {
    const target = app({ allowedOrigins: [APP] });
    expect((await cookiePost(target, { Origin: APP }, issuers.clerk)).status).toBe(200);
    expect((await cookiePost(target, { Origin: 'https://app.sessionguard.test' }, issuers.clerk)).status).toBe(200);
    expectError(await cookiePost(target, { Origin: 'https://evil.example' }, issuers.clerk), 403, 'forbidden', 'csrf_origin');
  });

  test.each([
    ['not a list', 'https://app.example.com'],
    ['an empty list', []],
    ['an origin with a path', ['https://app.example.com/']],
    ['not a URL', ['app.example.com']],
  ])('allowedOrigins %s is refused at construction', (_title, allowedOrigins) => {
    expect(() => app({ allowedOrigins: allowedOrigins as never })).toThrow(/allowedOrigins/);
  });

  test('trustProxy must be a boolean', () => {
    expect(() => app({ trustProxy: 'yes' as never })).toThrow(/trustProxy must be true or false/);
  });
});

describe('a request without Origin', () => {
  test.each([
    ['without Sec-Fetch-Site (not a browser, or an old one)', {}, 200],
    ['Sec-Fetch-Site: same-origin', { 'Sec-Fetch-Site': 'same-origin' }, 200],
  ])('%s passes', async (_title, headers, status) => {
    expect((await cookiePost(app({ allowedOrigins: [APP] }), headers)).status).toBe(status);
  });

  test.each([['cross-site'], ['same-site'], ['none']])('Sec-Fetch-Site: %s is refused, whatever the token\'s azp says', async (site) => {
    expectError(await cookiePost(app(), { 'Sec-Fetch-Site': site }, issuers.clerk), 403, 'forbidden', 'csrf_origin');
  });
});

test('safe methods and header tokens are not checked', async () => {
  const token = await issuers.workos.sessionToken();
  expect((await request(app()).get('/me').set('Cookie', `__session=${token}`).set('Origin', 'https://evil.example')).status).toBe(200);
  expect((await request(app()).post('/me').set('Authorization', `Bearer ${token}`).set('Origin', 'https://evil.example')).status).toBe(200);
});
