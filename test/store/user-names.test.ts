/**
 * How status lookups name a user: the plain id for a WorkOS user (workos() and mapped clerk()),
 * `{ issuer, subject }` for stytch(), oidc() and unmapped clerk() users.
 */
import request from 'supertest';
import { memoryStore, type SessionStore, type SubjectRef } from '../../src';
import type { TestIssuer } from '../../src/testing';
import { expectError, guardedApp } from '../helpers';
import { closeIssuers, startIssuers } from '../support/issuers';

let issuers: { clerk: TestIssuer; stytch: TestIssuer; workos: TestIssuer };
beforeAll(async () => {
  issuers = await startIssuers({ clerk: { kind: 'clerk' }, stytch: { kind: 'stytch' }, workos: { kind: 'workos' } });
});
afterAll(() => closeIssuers(issuers));

function setup(mapped: boolean) {
  const store = memoryStore();
  const asked: SubjectRef[] = [];
  // The store as the guard reads it, recording how each lookup names the user.
  const spying = {
    status: (subject: SubjectRef) => (asked.push(subject), store.status(subject)),
    isRevoked: (lookup: Parameters<SessionStore['isRevoked']>[0]) => store.isRevoked(lookup),
    subscribe: (...args: Parameters<SessionStore['subscribe']>) => store.subscribe(...args),
  } as unknown as SessionStore;
  const { app } = guardedApp({
    providers: [issuers.clerk.provider(), issuers.stytch.provider(), issuers.workos.provider()],
    store: spying,
    statusCacheTtlSeconds: 0,
    ...(mapped ? { resolveLegacyUser: (clerkUserId: string) => (clerkUserId === 'user_2MAPPED' ? 'user_01MAPPED' : null) } : {}),
  });
  const get = (token: string) => request(app).get('/me').set('Authorization', `Bearer ${token}`);
  return { store, asked, get };
}

test('each provider\'s user is looked up by a name that identifies it', async () => {
  const { asked, get } = setup(false);
  await get(await issuers.workos.sessionToken({ sub: 'user_01W' }));
  await get(await issuers.clerk.sessionToken({ sub: 'user_2UNMAPPED' }));
  await get(await issuers.stytch.sessionToken({ sub: 'user-test-S' }));
  expect(asked).toEqual(['user_01W', { issuer: issuers.clerk.issuer, subject: 'user_2UNMAPPED' }, { issuer: issuers.stytch.issuer, subject: 'user-test-S' }]);
});

test('a mapped Clerk user is looked up by its WorkOS id, so a ban of the WorkOS user applies to its Clerk token', async () => {
  const { store, asked, get } = setup(true);
  await store.ban('user_01MAPPED', { reason: 'one person, two tokens' });
  expectError(await get(await issuers.clerk.sessionToken({ sub: 'user_2MAPPED' })), 403, 'account_banned', 'one person, two tokens');
  expect(asked).toEqual(['user_01MAPPED']);
});

test('a ban of a Stytch user by issuer and subject does not touch a WorkOS user with the same id', async () => {
  const { store, get } = setup(false);
  await store.ban({ issuer: issuers.stytch.issuer, subject: 'same_id' }, { reason: 'stytch user' });
  expectError(await get(await issuers.stytch.sessionToken({ sub: 'same_id' })), 403, 'account_banned', 'stytch user');
  expect((await get(await issuers.workos.sessionToken({ sub: 'same_id' }))).status).toBe(200);
});
