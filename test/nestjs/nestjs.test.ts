import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../examples/nestjs/app';
import { collectingLogger } from '../support/logger';
import { useIssuers } from '../support/issuers';

// examples/nestjs: a Nest guard over the Express adapter and an @Auth() parameter decorator (docs/recipes/nestjs.md).
const issuers = useIssuers({ workos: { kind: 'workos' } });
let app: INestApplication;
const logger = collectingLogger();

beforeAll(async () => {
  app = await createApp({
    providers: [issuers.workos.provider()],
    accountStatus: (subject) => {
      if (subject === 'user_01STATUSDOWN') throw new Error('status store unreachable');
      return subject === 'user_01BANNED' ? { state: 'banned', reason: 'fraud' } : { state: 'active' };
    },
    logger,
  });
});

afterAll(() => app.close());

const server = () => app.getHttpServer() as Parameters<typeof request>[0];

test('a valid token: @Auth() hands the principal to the handler', async () => {
  const res = await request(server()).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken({ claims: { scope: 'read write' } })}`);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ subject: 'user_01TESTWORKOS', scopes: ['read', 'write'] });
});

test("no token: Nest answers with sessionguard's status, challenge and body", async () => {
  const res = await request(server()).get('/me');
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.body).toEqual({ error: 'missing_token', message: 'No session token was sent: use an Authorization Bearer header or the session cookie.' });
});

test.each([
  ['an invalid token', () => 'Bearer not-a-jws', 401, { error: 'invalid_token', reason: 'token_malformed' }],
  ['a banned account', async () => `Bearer ${await issuers.workos.sessionToken({ sub: 'user_01BANNED' })}`, 403, { error: 'account_banned', reason: 'fraud' }],
  ['a failing status hook', async () => `Bearer ${await issuers.workos.sessionToken({ sub: 'user_01STATUSDOWN' })}`, 503, { error: 'service_unavailable', reason: 'status_unavailable' }],
])('%s: %s with the body and reason', async (_name, authorization, status, body) => {
  const res = await request(server()).get('/me').set('Authorization', await authorization()).set('X-Request-Id', 'nest-1');
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject(body);
  if (status === 503) {
    expect(res.headers['retry-after']).toBe('5');
    expect(logger.lines).toEqual([expect.objectContaining({ fields: expect.objectContaining({ sessionguard: 'hook_failed', requestId: 'nest-1', path: '/me' }) })]);
  }
});

test('a route without the guard is open', async () => {
  await request(server()).get('/health').expect(200, { ok: true });
});
