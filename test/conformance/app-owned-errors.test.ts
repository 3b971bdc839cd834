import type { HTTPException } from 'hono/http-exception';
import { toHttpResponse, type RequestLike, type SessionError, type SessionEvent, type SessionGuardOptions } from '../../src';
import { useIssuers } from '../support/issuers';
import { collectingLogger, type LoggedLine } from '../support/logger';
import { OWNED_STARTERS, startOwnedHono, type OwnedFramework } from './app-owned-apps';
import type { RunningApp } from './apps';
import { send, type RawRequest, type RawResponse } from './http';

// onError, errorBody, errorContentType, getToken, requestIdHeader and logger on every adapter:
// each case is sent to an Express, a Koa, a Fastify and a Hono app built from the same options.
const issuers = useIssuers({ workos: { kind: 'workos' }, clerk: { kind: 'clerk' } });
const FRAMEWORKS = Object.keys(OWNED_STARTERS) as OwnedFramework[];
const APP_ORIGIN = 'https://app.sessionguard.test';
const running: RunningApp[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

/** Starts the four apps, each with its own options (and so its own logger and events). */
async function startAll(options: (framework: OwnedFramework) => Partial<SessionGuardOptions>) {
  const logs: Record<string, LoggedLine[]> = {};
  const events: Record<string, SessionEvent[]> = {};
  const urls: Record<string, string> = {};
  for (const framework of FRAMEWORKS) {
    const logger = collectingLogger();
    logs[framework] = logger.lines;
    events[framework] = [];
    const app = await OWNED_STARTERS[framework]({
      providers: [issuers.workos.provider()],
      allowedOrigins: [APP_ORIGIN],
      accountStatus: (subject) => {
        if (subject === 'user_01STATUSDOWN') throw new Error('status store unreachable');
        return { state: 'active' };
      },
      logger,
      onEvent: (event) => events[framework]!.push(event),
      ...options(framework),
    });
    running.push(app);
    urls[framework] = app.url;
  }
  return { logs, events, urls };
}

function observable(response: RawResponse) {
  const { status, headers, text } = response;
  return {
    status,
    contentType: headers['content-type'],
    wwwAuthenticate: headers['www-authenticate'],
    retryAfter: headers['retry-after'],
    cacheControl: headers['cache-control'],
    handledBy: headers['x-handled-by'],
    body: text,
  };
}

/** Sends one request to every app: they must answer byte for byte alike; returns that answer. */
async function sendAll(urls: Record<string, string>, request: RawRequest) {
  const answers = await Promise.all(FRAMEWORKS.map((framework) => send(urls[framework]!, request)));
  const seen = Object.fromEntries(FRAMEWORKS.map((framework, i) => [framework, observable(answers[i]!)]));
  expect(seen).toEqual(Object.fromEntries(FRAMEWORKS.map((framework) => [framework, seen.express])));
  return { ...seen.express!, json: JSON.parse(answers[0]!.text) as Record<string, unknown> };
}

const bearer = async (claims: Record<string, unknown> = {}, sub?: string) => ({
  authorization: `Bearer ${await issuers.workos.sessionToken({ claims, ...(sub === undefined ? {} : { sub }) })}`,
});

/** The RFC 9457 recipe from docs/errors-and-logs.md. */
const problemDetails = (error: SessionError, request: RequestLike) => ({
  type: `https://docs.example.com/errors/${error.error}`,
  title: error.error.replace(/_/g, ' '),
  status: error.status,
  detail: error.message,
  ...(error.reason === undefined ? {} : { reason: error.reason }),
  // A Node request's url is a path; a Fetch Request's is absolute: URL() reads both.
  instance: new URL(request.url ?? '/', 'http://localhost').pathname,
});

describe("onError 'respond' with errorBody: the app's body, sessionguard's status and headers", () => {
  const options = () => ({ errorBody: problemDetails, errorContentType: 'application/problem+json' });

  test('401 missing_token as problem+json, with the bare challenge and no-store', async () => {
    const { urls } = await startAll(options);
    const answer = await sendAll(urls, { path: '/me?page=2' });
    expect(answer).toMatchObject({ status: 401, contentType: 'application/problem+json', wwwAuthenticate: 'Bearer realm="api"', cacheControl: 'no-store', handledBy: undefined });
    expect(answer.json).toEqual({ type: 'https://docs.example.com/errors/missing_token', title: 'missing token', status: 401, detail: expect.any(String), instance: '/me' });
  });

  test('403 insufficient_scope from a route guard is shaped too, with its challenge', async () => {
    const { urls } = await startAll(options);
    const answer = await sendAll(urls, { path: '/admin', headers: await bearer({ scope: 'read' }) });
    expect(answer).toMatchObject({ status: 403, contentType: 'application/problem+json', wwwAuthenticate: 'Bearer realm="api", error="insufficient_scope", scope="admin"' });
    expect(answer.json).toMatchObject({ title: 'insufficient scope', status: 403, instance: '/admin' });
  });

  test('503 status_unavailable keeps Retry-After', async () => {
    const { urls } = await startAll(options);
    const answer = await sendAll(urls, { path: '/me', headers: await bearer({}, 'user_01STATUSDOWN') });
    expect(answer).toMatchObject({ status: 503, retryAfter: '5', contentType: 'application/problem+json' });
    expect(answer.json).toMatchObject({ status: 503, reason: 'status_unavailable' });
  });

  test('errorContentType alone changes the media type of the standard body', async () => {
    const { urls } = await startAll(() => ({ errorContentType: 'application/vnd.api+json' }));
    const answer = await sendAll(urls, { path: '/me' });
    expect(answer.contentType).toBe('application/vnd.api+json');
    expect(answer.json).toEqual({ error: 'missing_token', message: expect.any(String) });
  });

  test.each([
    ['throws', () => { throw new Error('template missing'); }, 'template missing'],
    ['returns undefined', () => undefined, 'errorBody returned undefined'],
    ['returns what JSON cannot write', () => ({ big: 1n }), 'BigInt'],
  ])('an errorBody that %s: the standard JSON body, logged once per guard', async (_name, errorBody, logged) => {
    const { urls, logs } = await startAll(() => ({ errorBody, errorContentType: 'application/problem+json' }));
    for (let i = 0; i < 3; i++) {
      const answer = await sendAll(urls, { path: '/me' });
      expect(answer).toMatchObject({ status: 401, contentType: 'application/json; charset=utf-8', wwwAuthenticate: 'Bearer realm="api"' });
      expect(answer.json).toEqual({ error: 'missing_token', message: expect.any(String) });
    }
    for (const framework of FRAMEWORKS) {
      expect(logs[framework]).toEqual([{ level: 'error', fields: expect.objectContaining({ sessionguard: 'error_body_failed' }), message: expect.stringContaining(logged) }]);
    }
  });
});

describe("onError 'next': the framework's error handler gets the SessionError with status, headers and body", () => {
  test('401 reaches the app handler, which writes its own body with sessionguard headers', async () => {
    const { urls } = await startAll(() => ({ onError: 'next' }));
    const answers = await Promise.all(FRAMEWORKS.map((framework) => send(urls[framework]!, { path: '/me' })));
    const vias = { express: 'next(err)', koa: 'thrown', fastify: 'error handler', hono: 'HTTPException' };
    FRAMEWORKS.forEach((framework, i) => {
      const answer = answers[i]!;
      expect(observable(answer)).toMatchObject({ status: 401, handledBy: 'app', wwwAuthenticate: 'Bearer realm="api"', cacheControl: 'no-store', contentType: 'application/json; charset=utf-8' });
      expect(JSON.parse(answer.text)).toEqual({
        handled: true, via: vias[framework], name: 'SessionError', error: 'missing_token', reason: null,
        body: { error: 'missing_token', message: 'No session token was sent: use an Authorization Bearer header or the session cookie.' },
      });
    });
  });

  test("the body it carries is errorBody's shape; a route guard's 403 and a 503 go the same way", async () => {
    const { urls } = await startAll(() => ({ onError: 'next', errorBody: problemDetails }));
    const forbidden = await Promise.all(FRAMEWORKS.map(async (framework) => send(urls[framework]!, { path: '/admin', headers: await bearer({ scope: 'read' }) })));
    for (const answer of forbidden) {
      expect(observable(answer)).toMatchObject({ status: 403, handledBy: 'app', wwwAuthenticate: 'Bearer realm="api", error="insufficient_scope", scope="admin"' });
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'insufficient_scope', body: { title: 'insufficient scope', status: 403, instance: '/admin' } });
    }
    const unavailable = await Promise.all(FRAMEWORKS.map(async (framework) => send(urls[framework]!, { path: '/me', headers: await bearer({}, 'user_01STATUSDOWN') })));
    for (const answer of unavailable) {
      expect(observable(answer)).toMatchObject({ status: 503, retryAfter: '5', handledBy: 'app' });
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'service_unavailable', reason: 'status_unavailable', body: { status: 503 } });
    }
  });

  test("Hono: the HTTPException's getResponse() is sessionguard's own response, its cause the SessionError", async () => {
    const exceptions: HTTPException[] = [];
    const app = await startOwnedHono({ providers: [issuers.workos.provider()], onError: 'next', errorBody: problemDetails, errorContentType: 'application/problem+json' }, (e) => exceptions.push(e));
    running.push(app);
    await send(app.url, { path: '/me' });
    const exception = exceptions[0]! as HTTPException & { headers: Record<string, string>; body: unknown };
    const response = exception.getResponse();
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(await response.json()).toEqual(exception.body);
    expect(exception.body).toMatchObject({ status: 401, instance: '/me' });
    expect(exception.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="api"', 'Cache-Control': 'no-store' });
    expect((exception.cause as SessionError).error).toBe('missing_token');
  });
});

describe('getToken: a custom token source, treated as a header token', () => {
  // The recipe of docs/errors-and-logs.md: a Node request has a header object, a Fetch Request a Headers.
  const header = (request: RequestLike, name: string): string | undefined => {
    const headers = request.headers;
    const value = 'get' in headers && typeof headers.get === 'function' ? headers.get(name) : (headers as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  };
  const fromHeader = () => ({ getToken: (request: RequestLike) => header(request, 'x-session-token') });

  test("its token authenticates; it is the only source (a Bearer header alone is missing_token)", async () => {
    const { urls } = await startAll(fromHeader);
    const token = await issuers.workos.sessionToken();
    expect((await sendAll(urls, { path: '/me', headers: { 'x-session-token': token } })).json).toEqual({ subject: 'user_01TESTWORKOS' });
    const bearerOnly = await sendAll(urls, { path: '/me', headers: { authorization: `Bearer ${token}` } });
    expect({ status: bearerOnly.status, error: bearerOnly.json.error }).toEqual({ status: 401, error: 'missing_token' });
  });

  test('no CSRF check on it: a POST from another origin goes through (the same token as a cookie does not)', async () => {
    // Clerk's authorizedParties turn the CSRF check on for cookies.
    const clerk = () => ({ providers: [issuers.clerk.provider({ authorizedParties: [APP_ORIGIN] })], resolveLegacyUser: () => 'user_01FROMCLERK' });
    const { urls } = await startAll(() => ({ ...fromHeader(), ...clerk() }));
    const token = await issuers.clerk.sessionToken();
    const custom = await sendAll(urls, { method: 'POST', path: '/me', headers: { 'x-session-token': token, origin: 'https://evil.example' } });
    expect(custom.json).toEqual({ subject: 'user_01FROMCLERK' });
    const { urls: plain } = await startAll(clerk);
    const cookie = await sendAll(plain, { method: 'POST', path: '/me', headers: { cookie: `__session=${token}`, origin: 'https://evil.example' } });
    expect({ status: cookie.status, reason: cookie.json.reason }).toEqual({ status: 403, reason: 'csrf_origin' });
  });

  test.each([
    ['a token over 8 KiB', 'a'.repeat(9000), 'token_too_large'],
    ['a token that is not a JWS', 'not-a-jws', 'token_malformed'],
  ])('%s still fails the size and shape checks', async (_name, token, reason) => {
    const { urls } = await startAll(fromHeader);
    const answer = await sendAll(urls, { path: '/me', headers: { 'x-session-token': token } });
    expect({ status: answer.status, error: answer.json.error, reason: answer.json.reason }).toEqual({ status: 401, error: 'invalid_token', reason });
  });

  test('a getToken that throws: 503 token_source_failed, one log line with the request id', async () => {
    const { urls, logs } = await startAll(() => ({ getToken: () => { throw new Error('header parser broke'); } }));
    const answer = await sendAll(urls, { path: '/me', headers: { 'x-request-id': 'req-get-token' } });
    expect({ status: answer.status, error: answer.json.error, reason: answer.json.reason, retryAfter: answer.retryAfter }).toEqual({ status: 503, error: 'service_unavailable', reason: 'token_source_failed', retryAfter: '5' });
    for (const framework of FRAMEWORKS) {
      expect(logs[framework]).toEqual([expect.objectContaining({ level: 'error', fields: expect.objectContaining({ sessionguard: 'hook_failed', hook: 'getToken', requestId: 'req-get-token' }) })]);
    }
  });
});

describe('request context in events, and the log lines a user must not miss', () => {
  test('a failing hook: exactly one logged line, with the request id, method and path; the Error itself in the event', async () => {
    const { urls, logs, events } = await startAll(() => ({}));
    const headers = { ...(await bearer({}, 'user_01STATUSDOWN')), 'x-request-id': 'req-7f3a' };
    await sendAll(urls, { path: '/me?token=not-logged', headers });
    for (const framework of FRAMEWORKS) {
      const lines = logs[framework]!;
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 'error', fields: { sessionguard: 'hook_failed', hook: 'accountStatus', method: 'GET', path: '/me', requestId: 'req-7f3a' } });
      expect(lines[0]!.message).toBe('sessionguard: the accountStatus hook failed: status store unreachable; the request got a 503');
      expect((lines[0]!.fields.err as Error).message).toBe('status store unreachable');
      const hookError = events[framework]!.find((event) => event.type === 'hook_error');
      expect(hookError).toMatchObject({ hook: 'accountStatus', timedOut: false, method: 'GET', path: '/me', requestId: 'req-7f3a', tokenHash: expect.any(String) });
      expect((hookError as { error: unknown }).error).toBeInstanceOf(Error);
      expect(events[framework]!.find((event) => event.type === 'rejection')).toMatchObject({ status: 503, reason: 'status_unavailable', method: 'GET', path: '/me', requestId: 'req-7f3a' });
    }
  });

  test('at most one line a minute per guard and kind; the next one counts those left out', async () => {
    let now = Date.now();
    const { urls, logs } = await startAll(() => ({ clock: () => now, statusCacheTtlSeconds: 0 }));
    const headers = await bearer({}, 'user_01STATUSDOWN');
    for (let i = 0; i < 3; i++) await sendAll(urls, { path: '/me', headers });
    for (const framework of FRAMEWORKS) expect(logs[framework]).toHaveLength(1);
    now += 61_000;
    await sendAll(urls, { path: '/me', headers: await bearer({}, 'user_01STATUSDOWN') });
    for (const framework of FRAMEWORKS) {
      expect(logs[framework]).toHaveLength(2);
      expect(logs[framework]![1]).toMatchObject({ fields: { suppressed: 2 }, message: expect.stringContaining('[2 more like this in the last minute not logged]') });
    }
  });

  test.each([
    ['over 128 characters', 'r'.repeat(129)],
    ['with a space', 'req 1'],
    ['outside ASCII', 'réq-1'],
  ])('a request id %s is dropped', async (_name, id) => {
    const { urls, events } = await startAll(() => ({}));
    await sendAll(urls, { path: '/me', headers: { 'x-request-id': id } });
    for (const framework of FRAMEWORKS) {
      const rejection = events[framework]!.find((event) => event.type === 'rejection')!;
      expect(rejection).toMatchObject({ method: 'GET', path: '/me' });
      expect('requestId' in rejection).toBe(false);
    }
  });

  test('requestIdHeader names another header', async () => {
    const { urls, events } = await startAll(() => ({ requestIdHeader: 'X-Correlation-Id' }));
    await sendAll(urls, { method: 'POST', path: '/me', headers: { 'x-correlation-id': 'corr-1', 'x-request-id': 'ignored' } });
    for (const framework of FRAMEWORKS) {
      expect(events[framework]!.find((event) => event.type === 'rejection')).toMatchObject({ method: 'POST', path: '/me', requestId: 'corr-1' });
    }
  });

  test('a hook past its deadline is its own kind of line', async () => {
    const { urls, logs } = await startAll(() => ({ hookTimeoutMs: 30, accountStatus: () => new Promise<never>(() => undefined) }));
    await sendAll(urls, { path: '/me', headers: { ...(await bearer()), 'x-request-id': 'slow-1' } });
    for (const framework of FRAMEWORKS) {
      expect(logs[framework]).toEqual([
        expect.objectContaining({ fields: expect.objectContaining({ sessionguard: 'hook_timeout', hook: 'accountStatus', requestId: 'slow-1' }), message: 'sessionguard: the accountStatus hook missed its deadline; the request got a 503' }),
      ]);
    }
  });

  test('without a logger the line goes to console.warn, request id and method and path included', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { urls } = await startAll(() => ({ logger: undefined }));
    await sendAll(urls, { path: '/me', headers: { ...(await bearer({}, 'user_01STATUSDOWN')), 'x-request-id': 'req-console' } });
    expect(warn).toHaveBeenCalledTimes(FRAMEWORKS.length);
    for (const [line] of warn.mock.calls) {
      expect(line).toMatch(/^sessionguard: the accountStatus hook failed: status store unreachable; the request got a 503 \(GET \/me, request id req-console, token sha256:[\w-]{12}\)$/);
    }
    warn.mockRestore();
  });
});

test('the standard response is unchanged by default (toHttpResponse, byte for byte)', async () => {
  const { urls } = await startAll(() => ({}));
  const answer = await sendAll(urls, { path: '/me' });
  const standard = toHttpResponse(new (await import('../../src/core/errors')).ErrorFactory('api').missingToken());
  expect(answer.body).toBe(standard.body);
  expect(answer.contentType).toBe(standard.headers['Content-Type']);
});
