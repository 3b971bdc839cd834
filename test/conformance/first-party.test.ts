/**
 * First-party sessions on every adapter: the same requests get the same answers, byte for byte
 * (status, body, WWW-Authenticate, Retry-After and every Set-Cookie line). Refreshed JWTs differ
 * only in their own bytes, so a renewed cookie's value is compared as a JWT of the same session.
 */
import { decodeJwt } from 'jose';
import type { SessionGuardOptions } from '../../src';
import { startTestIdentityService, type TestIdentityService } from '../../src/testing';
import { startExpress, startExpress4, startKoa, startKoa2, type RouteSpec, type RunningApp } from './apps';
import { startFastify, startHono } from './apps-fetch-era';

const FRAMEWORKS = { 'express 5': startExpress, 'express 4': startExpress4, 'koa 3': startKoa, 'koa 2': startKoa2, 'fastify 5': startFastify, hono: startHono };
const ROUTES: RouteSpec[] = [
  { path: '/me', auth: 'required' },
  { path: '/feed', auth: 'optional' },
];
const JWT = 'sg_session';
const TOKEN = 'sg_session_token';

let identity: TestIdentityService;
let apps: [string, RunningApp][];
let first: { jwt: string; token: string; sid: string };
let second: { jwt: string; token: string };

beforeAll(async () => {
  identity = await startTestIdentityService();
  const options: SessionGuardOptions = {
    providers: [identity.provider()],
    refresh: { serviceUrl: identity.url, projectId: identity.projectId, secret: identity.secret },
    cookies: { hostPrefix: false, secure: false },
    clock: identity.now,
  };
  apps = await Promise.all(Object.entries(FRAMEWORKS).map(async ([name, start]) => [name, await start(options, ROUTES)] as [string, RunningApp]));
  const a = await identity.createSession({ roles: ['editor'] });
  const b = await identity.createSession();
  first = { jwt: a.session_jwt, token: a.session_token, sid: a.session.session_id };
  second = { jwt: b.session_jwt, token: b.session_token };
});
afterAll(async () => {
  await Promise.all(apps.map(([, app]) => app.close()));
  await identity.close();
});

interface Case {
  name: string;
  method?: string;
  path?: string;
  headers: () => Record<string, string>;
  expired?: boolean;
}

const CASES: Case[] = [
  { name: 'a valid JWT cookie', headers: () => ({ cookie: `${JWT}=${first.jwt}; ${TOKEN}=${first.token}` }) },
  { name: 'an expired JWT cookie with its token cookie: refreshed', expired: true, headers: () => ({ cookie: `${JWT}=${first.jwt}; ${TOKEN}=${first.token}` }) },
  { name: 'the token cookie alone: refreshed', expired: true, headers: () => ({ cookie: `${TOKEN}=${first.token}` }) },
  { name: 'two token cookies: 400 duplicate_cookie', headers: () => ({ cookie: `${TOKEN}=${first.token}; ${TOKEN}=${second.token}` }) },
  { name: 'a token cookie of another session: 401 session_mismatch, cookies cleared', expired: true, headers: () => ({ cookie: `${JWT}=${first.jwt}; ${TOKEN}=${second.token}` }) },
  { name: 'a cross-site POST with an expired JWT: 401 token_expired, cookies kept', method: 'POST', expired: true, headers: () => ({ cookie: `${JWT}=${first.jwt}; ${TOKEN}=${first.token}`, origin: 'https://evil.example' }) },
  { name: 'a junk token cookie: 401 session_not_found, cookies cleared', headers: () => ({ cookie: `${TOKEN}=junk-${'x'.repeat(40)}` }) },
  { name: 'a junk token cookie on an optional route: anonymous, cookies cleared', path: '/feed', headers: () => ({ cookie: `${TOKEN}=junk-${'y'.repeat(40)}` }) },
  { name: 'an expired header token: 401 token_expired, never refreshed', expired: true, headers: () => ({ authorization: `Bearer ${first.jwt}`, cookie: `${TOKEN}=${first.token}` }) },
];

/** An answer with renewed JWTs replaced by what they say (same session, later exp). */
async function answer(app: RunningApp, spec: Case) {
  const res = await fetch(`${app.url}${spec.path ?? '/me'}`, { method: spec.method ?? 'GET', headers: spec.headers() });
  const body = await res.text();
  const cookies = res.headers.getSetCookie().map((line) =>
    line.replace(/^(sg_session=)([\w-]+\.[\w-]+\.[\w-]+)/, (_all, name: string, jwt: string) => `${name}<jwt of ${String(decodeJwt(jwt).sid)}, exp advanced: ${decodeJwt(jwt).exp! > decodeJwt(first.jwt).exp!}>`),
  );
  const ok = res.status === 200 && body.includes('"auth":{');
  return {
    status: res.status,
    body: ok ? JSON.parse(body).auth.subject : body,
    wwwAuthenticate: res.headers.get('www-authenticate'),
    retryAfter: res.headers.get('retry-after'),
    cookies: cookies.map((line) => line.replace(/Max-Age=\d+/, (max) => (max === 'Max-Age=0' ? max : 'Max-Age=n'))),
  };
}

test.each(CASES)('$name: the same answer on every adapter', async (spec) => {
  identity.clock.offsetMs = spec.expired === true ? 400_000 : 0;
  const answers = [];
  for (const [name, app] of apps) answers.push([name, await answer(app, spec)] as const);
  const [, reference] = answers[0]!;
  for (const [name, got] of answers) expect({ name, ...got }).toEqual({ name, ...reference });
  expect(reference.status).toBe(
    { 'a valid JWT cookie': 200 }[spec.name] ?? (spec.name.includes('refreshed') && !spec.name.includes('never') ? 200 : spec.name.includes('400') ? 400 : spec.name.includes('anonymous') ? 200 : 401),
  );
  if (spec.name.includes('cleared')) expect(reference.cookies).toEqual([`${JWT}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`, `${TOKEN}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`]);
  if (spec.name.includes('refreshed') && !spec.name.includes('never')) expect(reference.cookies).toEqual([`${JWT}=<jwt of ${first.sid}, exp advanced: true>; Max-Age=n; Path=/; HttpOnly; SameSite=Lax`]);
  if (spec.name.includes('kept') || spec.name.includes('never')) expect(reference.cookies).toEqual([]);
});
