import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import { memorySessions, type SessionRecord } from '../../src';
import { mergeClaims, withoutReservedClaims } from '../../src/core/sessions/custom-claims';
import { CompiledPolicy } from '../../src/core/sessions/policy';
import { SessionJwts } from '../../src/core/sessions/session-jwt';
import { hashSessionToken, newSessionToken } from '../../src/core/sessions/tokens';
import { loadSigningKey } from '../../src/core/templates/signing-key';

function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    sessionId: `session-${Math.random()}`,
    userId: 'user_01M',
    tokenHash: hashSessionToken(newSessionToken()),
    statusSubject: 'user_01M',
    startedAt: now,
    lastAccessedAt: now,
    expiresAt: now + 3_600_000,
    upstream: { provider: null, issuer: null, sessionId: null, roles: ['editor'], brandId: null, organizationId: null, permissions: [] },
    factors: [],
    customClaims: {},
    ...overrides,
  };
}

describe('session tokens', () => {
  test('32 random bytes, base64url; only the SHA-256 is kept', () => {
    const token = newSessionToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSessionToken()).not.toBe(token);
    expect(hashSessionToken(token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashSessionToken(token)).not.toContain(token.slice(0, 10));
  });
});

describe('custom claims', () => {
  test('null deletes, nested objects merge, arrays and scalars replace', () => {
    const current = { a: 1, nested: { x: 1, y: { z: 2 } }, list: [1, 2] };
    expect(mergeClaims(current, { a: null, nested: { y: { z: null, w: 3 } }, list: [3], b: 'new' })).toEqual({ nested: { x: 1, y: { w: 3 } }, list: [3], b: 'new' });
    expect(current).toEqual({ a: 1, nested: { x: 1, y: { z: 2 } }, list: [1, 2] });
  });

  test('a claim named __proto__ stays a plain key and changes no prototype', () => {
    const patch = JSON.parse('{"__proto__":{"polluted":true},"nested":{"__proto__":{"polluted":true}}}');
    const merged = mergeClaims({}, patch);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual(['__proto__', 'nested']);
  });

  test('reserved names, the brand claims and Stytch\'s namespace are ignored', () => {
    const patch = { sub: 'x', roles: ['admin'], org_id: 'o', tenant: 't', 'https://stytch.com/session': {}, 'https://stytch.com/organization': {}, plan: 'pro', 'https://example.com/x': 1 };
    expect(withoutReservedClaims(patch, new Set(['brand_id', 'tenant']))).toEqual({ plan: 'pro', 'https://example.com/x': 1 });
  });
});

describe('policy', () => {
  const policy = CompiledPolicy.compile({
    roles: [
      { role_id: 'editor', permissions: [{ resource_id: 'documents', actions: ['read', 'write'] }] },
      { role_id: 'owner', permissions: [{ resource_id: 'documents', actions: ['*'] }] },
    ],
    resources: [{ resource_id: 'documents', actions: ['read', 'write', 'delete'] }],
  });

  test('the granting roles, in the session\'s order; * grants every action; unknown resources and roles grant nothing', () => {
    expect(policy.grantingRoles(['owner', 'editor'], { resource_id: 'documents', action: 'write' })).toEqual(['owner', 'editor']);
    expect(policy.grantingRoles(['editor', 'owner'], { resource_id: 'documents', action: 'delete' })).toEqual(['owner']);
    expect(policy.grantingRoles(['__proto__', 'constructor'], { resource_id: 'documents', action: 'read' })).toEqual([]);
    expect(policy.grantingRoles(['owner'], { resource_id: 'billing', action: 'read' })).toEqual([]);
    expect(CompiledPolicy.compile(undefined).grantingRoles(['owner'], { resource_id: 'documents', action: 'read' })).toEqual([]);
  });

  test.each([
    [{ roles: 'x' }, /must be \{ roles/],
    [{ roles: [{ permissions: [] }] }, /role_id/],
    [{ roles: [{ role_id: 'a', permissions: [] }, { role_id: 'a', permissions: [] }] }, /listed twice/],
    [{ roles: [{ role_id: 'a', permissions: [{ resource_id: 'r', actions: [''] }] }] }, /actions must be a list/],
    [{ roles: [], resources: [{ actions: [] }] }, /resources\[0\]/],
    [{ roles: [{ role_id: 'a', permissions: [{ resource_id: 'secrets', actions: ['read'] }] }], resources: [{ resource_id: 'documents', actions: ['read'] }] }, /which resources does not list/],
  ])('a malformed policy fails at start-up: %j', (input, message) => {
    expect(() => CompiledPolicy.compile(input as never)).toThrow(message);
  });
});

describe('memorySessions()', () => {
  test('find by id or token hash returns live sessions only; revoke by user ends them all', async () => {
    const store = memorySessions();
    const now = Date.now();
    const a = record();
    const b = record({ startedAt: now + 1 });
    const expired = record({ expiresAt: now - 1 });
    for (const r of [a, b, expired]) await store.create(r);
    expect(await store.findById(a.sessionId, now)).toBe(a);
    expect(await store.findByTokenHash(b.tokenHash, now)).toBe(b);
    expect(await store.findById(expired.sessionId, now)).toBeUndefined();
    expect((await store.listByUser('user_01M', now)).map((r) => r.sessionId)).toEqual([a.sessionId, b.sessionId]);
    await expect(store.create(a)).rejects.toThrow();
    expect((await store.revoke({ userId: 'user_01M' }, now)).map((r) => r.sessionId).sort()).toEqual([a.sessionId, b.sessionId].sort());
    expect(await store.listByUser('user_01M', now)).toEqual([]);
    expect(await store.findByTokenHash(a.tokenHash, now)).toBeUndefined();
  });

  test('update merges claims atomically, refuses through accept, and never revives an expired session', async () => {
    const store = memorySessions();
    const now = Date.now();
    const a = record({ customClaims: { keep: 1 } });
    await store.create(a);
    const next = await store.update(a.sessionId, { at: now + 10, expiresAt: now + 60_000, claims: { add: 2 } }, () => undefined);
    expect(next).toMatchObject({ lastAccessedAt: now + 10, expiresAt: now + 60_000, customClaims: { keep: 1, add: 2 } });
    await expect(store.update(a.sessionId, { at: now, claims: { big: 'x' } }, () => { throw new Error('refused'); })).rejects.toThrow('refused');
    expect((await store.findById(a.sessionId, now))!.customClaims).toEqual({ keep: 1, add: 2 });
    expect(await store.update(a.sessionId, { at: now + 120_000, expiresAt: now + 999_999 }, () => undefined)).toBeUndefined();
  });
});

describe('session JWTs', () => {
  test.each(['RS256', 'ES256', 'EdDSA', 'PS256'] as const)('%s: the computed length is the minted length', async (alg) => {
    const key = loadSigningKey(undefined, alg, 'test');
    const jwts = new SessionJwts([key], 'https://identity.sessionguard.test', 'project-test-1', 300);
    const session = record({ customClaims: { plan: 'pro', note: 'é'.repeat(50) } });
    const now = Date.now();
    const jwt = await jwts.mint(session, now);
    expect(jwt.length).toBe(jwts.length(session, now));
    expect(decodeJwt(jwt)).toMatchObject({ plan: 'pro', sub: 'user_01M', sid: session.sessionId, aud: ['project-test-1'] });
    expect((await jwts.identify(jwt)).sessionId).toBe(session.sessionId);
  });

  test('identify refuses another key (same kid), another issuer and another audience', async () => {
    const key = loadSigningKey(undefined, 'ES256', 'test');
    const session = record();
    const jwt = await new SessionJwts([key], 'https://a.test', 'p', 300).mint(session, Date.now());
    await expect(new SessionJwts([key], 'https://b.test', 'p', 300).identify(jwt)).rejects.toThrow();
    await expect(new SessionJwts([key], 'https://a.test', 'q', 300).identify(jwt)).rejects.toThrow();
    const other = loadSigningKey({ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, kid: key.kid }, 'ES256', 'test');
    await expect(new SessionJwts([other], 'https://a.test', 'p', 300).identify(jwt)).rejects.toThrow();
  });

  test('the JWT never outlives its session', async () => {
    const jwts = new SessionJwts([loadSigningKey(undefined, 'ES256', 'test')], 'https://a.test', 'p', 300);
    const now = Date.now();
    const payload = jwts.payload(record({ expiresAt: now + 60_000 }), now);
    expect(payload.exp).toBe(Math.floor((now + 60_000) / 1000));
  });
});
