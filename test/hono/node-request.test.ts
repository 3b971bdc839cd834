/**
 * Which request the Hono middleware reads: on @hono/node-server the Node request behind
 * `c.req.raw` (`c.env.incoming`), as the Node adapters do; any other Fetch Request as it is.
 * The app's hooks (getToken, errorBody) get the Fetch Request either way.
 */
import { Agent, createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import express from 'express';
import { Hono } from 'hono';
import { getRequestListener } from '@hono/node-server';
import { sessionGuard, type SessionGuardEnv } from '../../src/hono';
import { sessionGuard as expressGuard } from '../../src/express';
import type { SessionEvent, SessionGuardOptions } from '../../src';
import { createTestIssuer, type TestIssuer } from '../../src/testing';
import { expectError } from '../helpers';
import { listen, type RunningApp } from '../conformance/apps';
import { send } from '../conformance/http';

let issuer: TestIssuer;
let alice: string;
let bob: string;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'workos' });
  [alice, bob] = await Promise.all([issuer.sessionToken({ sub: 'user_01ALICE' }), issuer.sessionToken({ sub: 'user_01BOB' })]);
});
afterAll(() => issuer.close());

const running: RunningApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

/** A Hono app with the guard on /me, which answers the subject. */
function honoApp(options: SessionGuardOptions): Hono<SessionGuardEnv> {
  const app = new Hono<SessionGuardEnv>();
  app.use('/me', sessionGuard(options));
  app.get('/me', (c) => c.json({ subject: c.get('auth')?.subject }));
  return app;
}

const listeners: Record<string, (options: SessionGuardOptions) => RequestListener> = {
  express: (options) => {
    const app = express();
    app.use('/me', expressGuard(options));
    app.get('/me', (req, res) => res.json({ subject: req.auth?.subject }));
    return app;
  },
  hono: (options) => getRequestListener(honoApp(options).fetch),
};

/** Serves a listener on 127.0.0.1; `sockets` collects the server side of each connection. */
async function serve(listener: RequestListener): Promise<{ url: string; sockets: Socket[] }> {
  const server: Server = createServer(listener);
  const sockets: Socket[] = [];
  server.on('connection', (socket: Socket) => sockets.push(socket));
  const app = await listen(server);
  running.push(app);
  return { url: app.url, sockets };
}

/** GET `path` with the header lines given (an array is sent as that many lines), the answer as the assertions read it. */
async function get(url: string, path: string, headers: Record<string, string | string[]> = {}) {
  const { status, headers: received, text } = await send(url, { path, headers });
  return { status, headers: received as Record<string, string>, body: JSON.parse(text) as Record<string, unknown>, text };
}

/** A Fetch Response as the assertions read it. */
async function read(response: Response) {
  const text = await response.text();
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { status: response.status, headers, body: JSON.parse(text) as Record<string, unknown>, text };
}

describe.each(Object.keys(listeners))('header lines over a raw socket: %s', (framework) => {
  let url: string;
  beforeEach(async () => ({ url } = await serve(listeners[framework]!({ providers: [issuer.provider()] }))));

  test('a Basic and then a Bearer Authorization line are a 400, as two credentials', async () => {
    const res = await get(url, '/me', { authorization: ['Basic dXNlcjpwYXNz', `Bearer ${alice}`] });
    expectError(res, 400, 'invalid_request', 'duplicate_authorization');
  });

  test('two identical Bearer lines are a 400', async () => {
    const res = await get(url, '/me', { authorization: [`Bearer ${alice}`, `Bearer ${alice}`] });
    expectError(res, 400, 'invalid_request', 'duplicate_authorization');
  });

  test('two Cookie lines: different session cookies are a 400; the session cookie in one of them is read', async () => {
    expectError(await get(url, '/me', { cookie: [`__session=${alice}`, `__session=${bob}`] }), 400, 'invalid_request', 'duplicate_cookie');
    const res = await get(url, '/me', { cookie: ['theme=dark', `__session=${alice}`] });
    expect([res.status, res.body]).toEqual([200, { subject: 'user_01ALICE' }]);
  });
});

/** The symbols of the server side of a connection, by description (the verifier's memo is one). */
const symbolsOf = (socket: Socket) => Object.getOwnPropertySymbols(socket).map((symbol) => symbol.description);

/** GET /me over `agent` with a bearer token: the subject answered. */
function subjectOver(url: string, agent: Agent, token: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/me`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve((JSON.parse(text) as { subject?: unknown }).subject));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(Object.keys(listeners))('a keep-alive connection: %s', (framework) => {
  test('the connection remembers the token it repeats, and each request still gets its own subject', async () => {
    const { url, sockets } = await serve(listeners[framework]!({ providers: [issuer.provider()] }));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const subjects = [];
      for (const token of [alice, alice, bob, alice]) subjects.push(await subjectOver(url, agent, token));
      expect(subjects).toEqual(['user_01ALICE', 'user_01ALICE', 'user_01BOB', 'user_01ALICE']);
      expect(sockets).toHaveLength(1);
      expect(symbolsOf(sockets[0]!)).toContain('sessionguard.lastToken');
    } finally {
      agent.destroy();
    }
  });
});

describe('Hono without a Node request behind it: the Fetch Request is read', () => {
  test('app.request() with no env: a token is read, a missing one is a 401', async () => {
    const app = honoApp({ providers: [issuer.provider()] });
    expect(await read(await app.request('/me', { headers: { authorization: `Bearer ${alice}` } }))).toMatchObject({ status: 200, body: { subject: 'user_01ALICE' } });
    expectError(await read(await app.request('/me')), 401, 'missing_token');
  });

  test('repeated Authorization lines joined by a Fetch Headers: Bearer twice is a 400; Basic first reads as Basic', async () => {
    const app = honoApp({ providers: [issuer.provider()] });
    const twice = (first: string) => {
      const headers = new Headers();
      headers.append('authorization', first);
      headers.append('authorization', `Bearer ${alice}`);
      return app.request('/me', { headers });
    };
    expectError(await read(await twice(`Bearer ${alice}`)), 400, 'invalid_request', 'duplicate_authorization');
    expectError(await read(await twice('Basic dXNlcjpwYXNz')), 401, 'missing_token');
  });

  test("a sub-request dispatched with its parent's env is judged by its own headers, not the parent's Node request", async () => {
    const app = honoApp({ providers: [issuer.provider()] });
    // The sub-request carries what x-inner says; the Node request it runs under carries Alice's token.
    app.get('/outer', (c) => {
      const inner = c.req.header('x-inner');
      return app.request('/me', { headers: inner === undefined ? {} : { authorization: `Bearer ${inner}` } }, c.env);
    });
    const { url } = await serve(getRequestListener(app.fetch));
    const withAlice = { authorization: `Bearer ${alice}` };
    expectError(await get(url, '/outer', withAlice), 401, 'missing_token');
    expect((await get(url, '/outer', { ...withAlice, 'x-inner': bob })).body).toEqual({ subject: 'user_01BOB' });
    expect((await get(url, '/me', withAlice)).body).toEqual({ subject: 'user_01ALICE' });
  });
});

describe("the app's hooks get the Fetch Request on Hono's Node server", () => {
  const kindOf = (request: unknown) => (request instanceof Request && request.url.startsWith('http://') ? 'fetch' : 'other');

  test('getToken and errorBody receive c.req.raw; events carry the path', async () => {
    const seen: string[] = [];
    const events: SessionEvent[] = [];
    const { url } = await serve(
      listeners.hono!({
        providers: [issuer.provider()],
        getToken: (request) => (seen.push(`getToken:${kindOf(request)}`), (request as Request).headers.get('x-session-token') ?? undefined),
        errorBody: (error, request) => (seen.push(`errorBody:${kindOf(request)}`), error.toJSON()),
        onEvent: (event) => events.push(event),
      }),
    );
    expect((await get(url, '/me', { 'x-session-token': alice })).body).toEqual({ subject: 'user_01ALICE' });
    expectError(await get(url, '/me'), 401, 'missing_token');
    expect(seen).toEqual(['getToken:fetch', 'getToken:fetch', 'errorBody:fetch']);
    expect(events.find((event) => event.type === 'rejection')).toMatchObject({ method: 'GET', path: '/me' });
  });

  test('without getToken, the core reads the Node request and errorBody still gets c.req.raw', async () => {
    const seen: string[] = [];
    const events: SessionEvent[] = [];
    const { url } = await serve(
      listeners.hono!({
        providers: [issuer.provider()],
        errorBody: (error, request) => (seen.push(kindOf(request)), error.toJSON()),
        onEvent: (event) => events.push(event),
      }),
    );
    expectError(await get(url, '/me', { authorization: 'Bearer not.a.token' }), 401, 'invalid_token', 'token_malformed');
    expect(seen).toEqual(['fetch']);
    expect(events.find((event) => event.type === 'rejection')).toMatchObject({ method: 'GET', path: '/me', reason: 'token_malformed' });
  });
});
