import express, { type NextFunction, type Request, type Response } from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import request from 'supertest';
import type { SessionStore } from '../../src';
import { sessionGuard } from '../../src/express';
import * as forKoa from '../../src/koa';
import * as forFastify from '../../src/fastify';
import { expectError, guardedApp } from '../helpers';
import { faultyKeyHost, manualClock, useIssuers } from '../support/issuers';
import { collectingLogger } from '../support/logger';

// What a user must not miss is logged without onEvent: key hosts, store outages, failing hooks (docs/errors-and-logs.md).
const issuers = useIssuers({ workos: { kind: 'workos' } });

/** A store whose reads fail (its writes are not needed here). */
function brokenStore(read: () => Promise<never>): SessionStore {
  return { status: read, isRevoked: read, subscribe: () => () => undefined } as unknown as SessionStore;
}

test('warm() with the key host down: one warn line, to console.warn when no logger is given', async () => {
  const host = await faultyKeyHost(() => issuers.workos.jwks());
  host.mode = 'down';
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const guard = sessionGuard({ providers: [issuers.workos.provider({ jwksUrl: host.url })], keySets: { cooldownMs: 0 } });
    expect(await guard.warm()).toBe(false);
    expect(await guard.warm()).toBe(false);
    expect(warn.mock.calls).toEqual([['sessionguard: the key host of provider "workos" failed: key set host answered 500; cached keys serve while they may']]);
  } finally {
    warn.mockRestore();
    await host.close();
  }
});

test('a store that cannot be read: one error line per minute, then one counting those left out', async () => {
  const clock = manualClock();
  const store = brokenStore(() => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')));
  const { app, logged } = guardedApp({ providers: [issuers.workos.provider()], store, clock: clock.now, statusCacheTtlSeconds: 0 });
  const token = await issuers.workos.sessionToken();
  for (let i = 0; i < 3; i++) expectError(await request(app).get('/me').set('Authorization', `Bearer ${token}`), 503, 'service_unavailable', 'status_unavailable');
  expect(logged).toEqual([
    { level: 'error', fields: { sessionguard: 'store_unavailable', operation: 'isRevoked' }, message: 'sessionguard: the session store failed (isRevoked): ECONNREFUSED 127.0.0.1:6379; requests get 503 status_unavailable' },
  ]);
  clock.advance(60);
  await request(app).get('/me').set('Authorization', `Bearer ${token}`);
  expect(logged).toHaveLength(2);
  expect(logged[1]!.fields).toMatchObject({ sessionguard: 'store_unavailable', suppressed: 2 });
});

test('with storeFailOpen the line is a warning saying requests go on', async () => {
  const store = brokenStore(() => Promise.reject(new Error('redis down')));
  const { app, logged } = guardedApp({ providers: [issuers.workos.provider()], store, storeFailOpen: true });
  expect((await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`)).status).toBe(200);
  expect(logged).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringContaining('requests go on unchecked (storeFailOpen)') })]);
});

test('a store past its deadline: one line with the request id', async () => {
  const store = brokenStore(() => new Promise<never>(() => undefined));
  const { app, logged } = guardedApp({ providers: [issuers.workos.provider()], store, hookTimeoutMs: 30 });
  const res = await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`).set('X-Request-Id', 'store-slow');
  expectError(res, 503, 'service_unavailable', 'status_unavailable');
  expect(logged).toEqual([
    expect.objectContaining({ level: 'error', fields: expect.objectContaining({ sessionguard: 'store_unavailable', requestId: 'store-slow' }), message: 'sessionguard: the session store did not answer within 30 ms; the request got a 503' }),
  ]);
});

test('each guard has its own minute: two guards, two lines', async () => {
  const failing = () => {
    throw new Error('db down');
  };
  const first = guardedApp({ providers: [issuers.workos.provider()], accountStatus: failing });
  const second = guardedApp({ providers: [issuers.workos.provider()], accountStatus: failing });
  const token = await issuers.workos.sessionToken();
  await request(first.app).get('/me').set('Authorization', `Bearer ${token}`);
  await request(second.app).get('/me').set('Authorization', `Bearer ${token}`);
  expect([first.logged.length, second.logged.length]).toEqual([1, 1]);
});

test('a logger that throws never changes the answer', async () => {
  const logger = { warn: () => { throw new Error('log sink full'); }, error: () => { throw new Error('log sink full'); } };
  const { app } = guardedApp({ providers: [issuers.workos.provider()], accountStatus: () => { throw new Error('db down'); }, logger });
  expectError(await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`), 503, 'service_unavailable', 'status_unavailable');
});

test('a successful request logs nothing', async () => {
  const logger = collectingLogger();
  const { app } = guardedApp({ providers: [issuers.workos.provider()], accountStatus: () => ({ state: 'active' }), logger });
  await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`).expect(200);
  await request(app).get('/me').expect(401);
  expect(logger.lines).toEqual([]);
});

describe("onError 'next' without an error handler of the app's: the framework's default still sends the status and challenge", () => {
  test('Express: the final handler', async () => {
    const app = express();
    app.get('/me', sessionGuard({ providers: [issuers.workos.provider()], onError: 'next' }), (_req, res) => void res.json({}));
    const res = await request(app).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  test('Koa: its own error handling, with the message exposed', async () => {
    const app = new Koa();
    app.silent = true;
    app.use(forKoa.sessionGuard({ providers: [issuers.workos.provider()], onError: 'next' }));
    const res = await request(app.callback()).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(res.text).toBe('No session token was sent: use an Authorization Bearer header or the session cookie.');
  });

  test("Fastify: its default error handler, with the error's headers", async () => {
    const app = Fastify();
    await app.register(forFastify.sessionGuard, { providers: [issuers.workos.provider()], onError: 'next' });
    app.get('/me', async () => ({}));
    await app.ready();
    const res = await request(app.server).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(res.body).toMatchObject({ statusCode: 401, message: expect.stringContaining('No session token') });
    await app.close();
  });

  test("Express: an app handler that passes the error on reaches Express's own", async () => {
    const app = express();
    const seen: string[] = [];
    app.get('/me', sessionGuard({ providers: [issuers.workos.provider()], onError: 'next' }), (_req, res) => void res.json({}));
    app.use((error: { error?: string }, _req: Request, _res: Response, next: NextFunction) => {
      seen.push(error.error ?? 'none');
      next(error);
    });
    expect((await request(app).get('/me')).status).toBe(401);
    expect(seen).toEqual(['missing_token']);
  });
});
