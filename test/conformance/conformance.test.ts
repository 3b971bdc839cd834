import { CASES } from './cases';
import { conformanceOptions, ROUTES, startIssuers, type Issuers } from './fixture';
import type { SessionGuardOptions } from '../../src';
import { startExpress, startExpress4, startKoa, startKoa2, type Framework, type RouteSpec, type RunningApp } from './apps';
import { startFastify, startHono } from './apps-fetch-era';
import { send, type RawResponse } from './http';

// One table of cases, sent to an app on every framework, each built from the same options and routes.
const STARTERS: Record<Framework, (options: SessionGuardOptions, routes: readonly RouteSpec[]) => Promise<RunningApp>> = {
  'express 5': (options, routes) => startExpress(options, routes),
  'express 4': startExpress4,
  'koa 3': (options, routes) => startKoa(options, routes),
  'koa 2': startKoa2,
  'fastify 5': startFastify,
  hono: startHono,
};
const FRAMEWORKS = Object.keys(STARTERS) as Framework[];
let issuers: Issuers;
const apps = new Map<Framework, RunningApp>();

beforeAll(async () => {
  issuers = await startIssuers();
  const options = conformanceOptions(issuers);
  await Promise.all(FRAMEWORKS.map(async (framework) => apps.set(framework, await STARTERS[framework](options, ROUTES))));
});

afterAll(async () => {
  await Promise.all([...[...apps.values()].map((app) => app.close()), ...Object.values(issuers ?? {}).map((issuer) => issuer.close())]);
});

/** The parts of a response a client can depend on. */
function observable(response: RawResponse) {
  return {
    status: response.status,
    wwwAuthenticate: response.headers['www-authenticate'],
    retryAfter: response.headers['retry-after'],
    contentType: response.headers['content-type'],
    cacheControl: response.headers['cache-control'],
    contentLength: response.headers['content-length'],
    body: response.text,
  };
}

test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
  const headers = (await testCase.headers?.(issuers)) ?? {};
  const request = { method: testCase.method ?? 'GET', path: testCase.path ?? '/me', headers };
  const answers = await Promise.all(FRAMEWORKS.map((framework) => send(apps.get(framework)!.url, request)));
  const fromExpress = answers[0]!;

  // Byte for byte the same answer from every framework.
  expect(Object.fromEntries(FRAMEWORKS.map((framework, i) => [framework, observable(answers[i]!)]))).toEqual(
    Object.fromEntries(FRAMEWORKS.map((framework) => [framework, observable(fromExpress)])),
  );

  const { expect: wanted } = testCase;
  const body = JSON.parse(fromExpress.text) as Record<string, unknown>;
  expect(fromExpress.headers['content-type']).toBe('application/json; charset=utf-8');
  if (wanted.status === 200) {
    expect(fromExpress.status).toBe(200);
  } else {
    expect({ status: fromExpress.status, error: body.error, reason: body.reason }).toEqual({ status: wanted.status, error: wanted.error, reason: wanted.reason });
    expect(typeof body.message).toBe('string');
    expect(fromExpress.headers['cache-control']).toBe('no-store');
    if (wanted.status === 401) expect(fromExpress.headers['www-authenticate']).toMatch(/^Bearer realm="/);
    if (wanted.status === 503) expect(fromExpress.headers['retry-after']).toBe(wanted.retryAfter);
  }
  if (wanted.wwwAuthenticate !== undefined) expect(fromExpress.headers['www-authenticate']).toBe(wanted.wwwAuthenticate);
  if (wanted.body !== undefined) expect(body).toMatchObject(wanted.body);
});

test('the table covers every contract error row reachable without Redis', () => {
  const rows = new Set(CASES.map((c) => `${c.expect.status} ${c.expect.error ?? ''} ${c.expect.reason ?? ''}`.trim()));
  const contract = [
    '400 invalid_request duplicate_authorization', '400 invalid_request duplicate_cookie', '400 invalid_request empty_bearer',
    '401 missing_token',
    ...['token_malformed', 'token_too_large', 'alg_not_allowed', 'issuer_unknown', 'kid_unknown', 'signature_invalid', 'audience_invalid', 'azp_invalid',
      'claim_missing', 'claim_invalid', 'token_not_yet_valid', 'iat_in_future', 'kind_rejected', 'user_unmapped'].map((reason) => `401 invalid_token ${reason}`),
    '401 token_expired', '401 session_revoked session_revoked',
    '403 account_suspended chargeback under review', '403 account_banned terms of service violation', '403 insufficient_scope',
    ...['permission_denied', 'brand_mismatch', 'session_mismatch', 'csrf_origin'].map((reason) => `403 forbidden ${reason}`),
    '503 service_unavailable jwks_unavailable', '503 service_unavailable status_unavailable',
  ];
  expect(contract.filter((row) => !rows.has(row))).toEqual([]);
});
