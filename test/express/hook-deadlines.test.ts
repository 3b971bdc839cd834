import request from 'supertest';
import { expectError, guardedApp } from '../helpers';
import { useIssuers } from '../support/issuers';

// A user hook that never settles must not hold the request: it gets a 503 after hookTimeoutMs.
const issuers = useIssuers({ workos: { kind: 'workos' }, clerk: { kind: 'clerk' } });

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

test('an accountStatus lookup that never answers is a 503 status_unavailable', async () => {
  const { app, logged } = guardedApp({ providers: [issuers.workos.provider()], hookTimeoutMs: 50, accountStatus: never });
  const res = await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`).set('X-Request-Id', 'deadline-1');
  expectError(res, 503, 'service_unavailable', 'status_unavailable');
  expect(res.headers['retry-after']).toBe('5');
  expect(logged).toEqual([expect.objectContaining({ level: 'error', fields: expect.objectContaining({ sessionguard: 'hook_timeout', hook: 'accountStatus', requestId: 'deadline-1' }) })]);
});

test('an isRevoked check that never answers is a 503 status_unavailable', async () => {
  const { app, logged } = guardedApp({ providers: [issuers.workos.provider()], hookTimeoutMs: 50, isRevoked: never });
  const res = await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`);
  expectError(res, 503, 'service_unavailable', 'status_unavailable');
  expect(logged.map((line) => [line.fields.sessionguard, line.fields.hook])).toEqual([['hook_timeout', 'isRevoked']]);
});

test('a resolveLegacyUser that never answers is a 503 user_mapping_unavailable', async () => {
  const { app, logged } = guardedApp({ providers: [issuers.clerk.provider()], hookTimeoutMs: 50, resolveLegacyUser: never });
  const res = await request(app).get('/me').set('Authorization', `Bearer ${await issuers.clerk.sessionToken()}`);
  expectError(res, 503, 'service_unavailable', 'user_mapping_unavailable');
  expect(logged.map((line) => [line.fields.sessionguard, line.fields.hook])).toEqual([['hook_timeout', 'resolveLegacyUser']]);
});

test('a hook that answers within the deadline is used', async () => {
  const slowBan = () => new Promise<{ state: 'banned'; reason: string }>((resolve) => setTimeout(() => resolve({ state: 'banned', reason: 'spam' }), 20));
  const { app } = guardedApp({ providers: [issuers.workos.provider()], hookTimeoutMs: 1000, accountStatus: slowBan });
  const res = await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`);
  expectError(res, 403, 'account_banned', 'spam');
});

test('hookTimeoutMs is validated at construction', () => {
  expect(() => guardedApp({ providers: [issuers.workos.provider()], hookTimeoutMs: Number.NaN })).toThrow(/hookTimeoutMs/);
});
