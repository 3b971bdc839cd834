import { generateKeyPairSync } from 'node:crypto';
import type { SessionRecord, SessionRecordStore } from '../../src';
import { hashSessionToken, newSessionId, newSessionToken } from '../../src/core/sessions/tokens';
import { basic, PROJECT_ID, sessionsClient, startSessions, VOUCHING_SECRET } from '../identity/sessions-harness';

/** A store under test, with a look at what its backend holds at rest. */
export interface StoreUnderTest {
  store: SessionRecordStore;
  /** Every row or key the backend holds, as text (to prove no token or JWT is stored). */
  dump(): Promise<string>;
  /** How many sessions the backend still holds, expired or not; absent when it sweeps on its own schedule only. */
  held?(): Promise<number>;
  /** Waits until the backend has dropped expired sessions by itself (TTL or sweep). */
  settleExpiry?(): Promise<void>;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

export function sessionRecord(overrides: Partial<SessionRecord> = {}, token = newSessionToken()): SessionRecord {
  const now = Date.now();
  return {
    sessionId: newSessionId(),
    userId: 'user_01CONFORMANCE',
    tokenHash: hashSessionToken(token),
    statusSubject: { subject: 'user_01CONFORMANCE', issuer: 'https://issuer.example.test' },
    startedAt: now,
    lastAccessedAt: now,
    expiresAt: now + HOUR,
    upstream: { provider: 'workos', issuer: 'https://issuer.example.test', sessionId: 'session_01UP', roles: ['editor'], brandId: null, organizationId: 'org_1', permissions: ['documents:read'] },
    factors: [{ type: 'trusted_auth_token', delivery_method: 'trusted_token_exchange', last_authenticated_at: '2026-01-01T00:00:00Z' }],
    customClaims: { plan: 'pro', nested: { a: 1, b: [1, 'two', null] }, unicode: 'zoë ✓' },
    ...overrides,
  };
}

const accept = () => undefined;

/** The one suite every sessions store passes: memory, PGlite, PostgreSQL and Redis alike. */
export function describeSessionStore(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`sessions store conformance: ${name}`, () => {
    let under: StoreUnderTest;
    let store: SessionRecordStore;
    beforeAll(async () => {
      under = await open();
      store = under.store;
    });
    afterAll(() => under.close());

    test('a session reads back as written, by token hash and by id', async () => {
      const record = sessionRecord();
      await store.create(record);
      expect(await store.findByTokenHash(record.tokenHash, Date.now())).toEqual(record);
      expect(await store.findById(record.sessionId, Date.now())).toEqual(record);
      expect(await store.findByTokenHash(hashSessionToken(newSessionToken()), Date.now())).toBeUndefined();
      expect(await store.findById('session-unknown', Date.now())).toBeUndefined();
    });

    test('an id or a token hash already stored is refused', async () => {
      const record = sessionRecord();
      await store.create(record);
      await expect(store.create({ ...record, tokenHash: hashSessionToken(newSessionToken()) })).rejects.toThrow();
      await expect(store.create({ ...record, sessionId: newSessionId() })).rejects.toThrow();
    });

    test('no row or key holds a token or a JWT: only the token\'s SHA-256', async () => {
      const token = newSessionToken();
      const record = sessionRecord({}, token);
      await store.create(record);
      const atRest = await under.dump();
      expect(atRest).toContain(record.tokenHash);
      expect(atRest).not.toContain(token);
      expect(atRest).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    });

    test('an expired session stops authenticating at once, and is neither updated, listed nor revoked', async () => {
      const record = sessionRecord({ userId: `user_expiry_${Math.random()}`, expiresAt: Date.now() + 60_000 });
      await store.create(record);
      const after = record.expiresAt;
      expect(await store.findByTokenHash(record.tokenHash, after)).toBeUndefined();
      expect(await store.findById(record.sessionId, after)).toBeUndefined();
      expect(await store.update(record.sessionId, { at: after, claims: { x: 1 } }, accept)).toBeUndefined();
      expect(await store.listByUser(record.userId, after)).toEqual([]);
      expect(await store.revoke({ userId: record.userId }, after)).toEqual([]);
    });

    test('an update merges claims key by key and moves the times; a refused one writes nothing', async () => {
      const record = sessionRecord();
      await store.create(record);
      const at = Date.now() + 1000;
      const next = await store.update(record.sessionId, { at, expiresAt: at + 2 * HOUR, claims: { plan: null, nested: { a: 2 }, added: true } }, accept);
      expect(next).toEqual({ ...record, lastAccessedAt: at, expiresAt: at + 2 * HOUR, customClaims: { nested: { a: 2, b: [1, 'two', null] }, unicode: 'zoë ✓', added: true } });
      expect(await store.findById(record.sessionId, at)).toEqual(next);
      const refusal = new Error('too large');
      await expect(store.update(record.sessionId, { at: at + 1, claims: { big: 'x' } }, () => { throw refusal; })).rejects.toBe(refusal);
      expect(await store.findById(record.sessionId, at)).toEqual(next);
    });

    test('concurrent updates of one session lose no custom-claims key', async () => {
      const record = sessionRecord({ customClaims: {} });
      await store.create(record);
      const keys = Array.from({ length: 24 }, (_, i) => `key_${i}`);
      await Promise.all(keys.map((key, i) => store.update(record.sessionId, { at: Date.now() + i, claims: { [key]: i, last: key } }, accept)));
      const claims = (await store.findById(record.sessionId, Date.now()))!.customClaims;
      for (const [i, key] of keys.entries()) expect(claims[key]).toBe(i);
      expect(keys).toContain(claims.last);
    });

    test('revocation by session id, by token hash and by user ends exactly those sessions', async () => {
      const userId = `user_revoke_${Math.random()}`;
      const [a, b, c, d] = [0, 1, 2, 3].map((i) => sessionRecord({ userId, startedAt: Date.now() + i }));
      const other = sessionRecord({ userId: `${userId}_other` });
      for (const record of [a!, b!, c!, d!, other]) await store.create(record);
      expect((await store.revoke({ sessionId: a!.sessionId }, Date.now())).map((r) => r.sessionId)).toEqual([a!.sessionId]);
      expect((await store.revoke({ tokenHash: b!.tokenHash }, Date.now())).map((r) => r.sessionId)).toEqual([b!.sessionId]);
      expect(await store.findById(a!.sessionId, Date.now())).toBeUndefined();
      expect(await store.findByTokenHash(b!.tokenHash, Date.now())).toBeUndefined();
      expect(await store.revoke({ sessionId: a!.sessionId }, Date.now())).toEqual([]);
      expect(await store.revoke({ tokenHash: hashSessionToken(newSessionToken()) }, Date.now())).toEqual([]);
      expect((await store.revoke({ userId }, Date.now())).map((r) => r.sessionId).sort()).toEqual([c!.sessionId, d!.sessionId].sort());
      expect(await store.listByUser(userId, Date.now())).toEqual([]);
      expect(await store.findById(other.sessionId, Date.now())).toEqual(other);
    });

    test('a user\'s live sessions are listed oldest first, and only theirs', async () => {
      const userId = `user_list_${Math.random()}`;
      const now = Date.now();
      const newer = sessionRecord({ userId, startedAt: now + 5 });
      const older = sessionRecord({ userId, startedAt: now });
      const expired = sessionRecord({ userId, startedAt: now - 10, expiresAt: now + 30_000 });
      for (const record of [newer, older, expired, sessionRecord()]) await store.create(record);
      expect(await store.listByUser(userId, now + 31_000)).toEqual([older, newer]);
    });

    test('expired sessions disappear by themselves', async () => {
      if (under.settleExpiry === undefined || under.held === undefined) return void expect(name).toMatch(/memory/);
      const before = await under.held();
      await store.create(sessionRecord({ expiresAt: Date.now() + 300 }));
      expect(await under.held()).toBe(before + 1);
      await under.settleExpiry();
      expect(await under.held()).toBe(before);
    });

    test('through the identity service: create, authenticate by token and JWT, concurrent claims, list, revoke by user', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const rig = await startSessions({ sessions: { store, signingKeys: [{ privateKey, kid: 'conformance' }] } });
      try {
        const client = sessionsClient(rig.url, basic(PROJECT_ID, VOUCHING_SECRET));
        const userId = `user_service_${Math.random()}`;
        const created = await client.create({ user_id: userId, roles: ['editor'] });
        expect(created.status).toBe(200);
        const token = created.body.session_token as string;
        expect((await client.authenticate({ session_token: token })).status).toBe(200);
        const byJwt = await client.authenticate({ session_jwt: created.body.session_jwt });
        expect({ status: byJwt.status, session_token: byJwt.body.session_token }).toEqual({ status: 200, session_token: '' });
        const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => client.authenticate({ session_token: token, session_custom_claims: { [`k${i}`]: i } })));
        expect(answers.map((res) => res.status)).toEqual(Array(8).fill(200));
        const claims = (await client.authenticate({ session_token: token })).body.session.custom_claims;
        expect(claims).toEqual(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, i])));
        await client.create({ user_id: userId });
        expect((await client.list(`?user_id=${encodeURIComponent(userId)}`)).body.sessions).toHaveLength(2);
        expect((await client.revoke({ user_id: userId })).status).toBe(200);
        const gone = await client.authenticate({ session_token: token });
        expect({ status: gone.status, error_type: gone.body.error_type }).toEqual({ status: 404, error_type: 'session_not_found' });
        expect(await under.dump()).not.toContain(token);
      } finally {
        await rig.close();
      }
    });
  });
}
