/**
 * Every row of CONTRACT.md section 4's error table, through a real Express app:
 * status, error, reason, JSON, the RFC 6750 challenge, and no token or kid echoed.
 */
import request from 'supertest';
import type { Express } from 'express';
import { expectError, expectNoLeak, guardedApp, listen, rawRequest } from '../helpers';
import type { AccountStatus } from '../../src';
import { useIssuers } from '../support/issuers';

const SUSPENDED_UNTIL = new Date(Date.now() + 7 * 24 * 3600 * 1000);
const statuses: Record<string, AccountStatus | 'throw'> = {
  user_01SUSPENDED: { state: 'suspended', suspendedUntil: SUSPENDED_UNTIL.toISOString(), reason: 'spam' },
  user_01BANNED: { state: 'banned', reason: 'fraud' },
  user_01STATUSDOWN: 'throw',
};

const issuers = useIssuers({
  workos: { kind: 'workos' },
  clerk: { kind: 'clerk' },
  api: { kind: 'oidc', issuer: 'https://idp.orders.test', name: 'orders' },
  down: { kind: 'oidc', issuer: 'https://idp.down.test', name: 'down' },
});
let app: Express;

beforeAll(async () => {
  issuers.down.jwksOverride = { status: 500, body: '{}' };
  ({ app } = guardedApp({
    providers: [
      issuers.workos.provider(),
      issuers.clerk.provider({ authorizedParties: ['https://app.sessionguard.test'] }),
      issuers.api.provider({ audience: 'api://orders' }),
      issuers.down.provider(),
    ],
    resolveLegacyUser: (clerkUserId) => (clerkUserId === 'user_2MAPPED' ? 'user_01MAPPED' : null),
    accountStatus: (subject) => {
      const status = statuses[subject];
      if (status === 'throw') throw new Error('status store is down');
      return status ?? { state: 'active' };
    },
    isRevoked: ({ sessionId }) => sessionId === 'session_REVOKED',
  }));
});

/** The kid a token names, if it has a readable header. */
function kidsOf(token: string): string[] {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid?: unknown };
    return typeof header.kid === 'string' ? [header.kid] : [];
  } catch {
    return [];
  }
}

function bearer(token: string) {
  return request(app).get('/me').set('Authorization', `Bearer ${token}`);
}

describe('400 invalid_request', () => {
  test('duplicate_authorization: two Authorization headers on the wire', async () => {
    const { port, close } = await listen(app);
    try {
      const a = await issuers.workos.sessionToken();
      const b = await issuers.workos.sessionToken();
      const res = await rawRequest(port, 'GET', '/me', [`Authorization: Bearer ${a}`, `Authorization: Bearer ${b}`]);
      expectError(res, 400, 'invalid_request', 'duplicate_authorization');
      expectNoLeak(res, a, b);
    } finally {
      await close();
    }
  });

  test('duplicate_authorization: "Bearer a, Bearer b" in one header', async () => {
    const res = await request(app).get('/me').set('Authorization', 'Bearer a.b.c, Bearer d.e.f');
    expectError(res, 400, 'invalid_request', 'duplicate_authorization');
  });

  test('duplicate_cookie: two different session cookies', async () => {
    const res = await request(app).get('/me').set('Cookie', '__session=a.b.c; __session=d.e.f');
    expectError(res, 400, 'invalid_request', 'duplicate_cookie');
  });

  test('empty_bearer: the Bearer scheme with no credential', async () => {
    const res = await request(app).get('/me').set('Authorization', 'Bearer    ');
    expectError(res, 400, 'invalid_request', 'empty_bearer');
  });
});

test('401 missing_token: no token at all, challenge without error=', async () => {
  const res = await request(app).get('/me');
  expectError(res, 401, 'missing_token');
  expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
});

describe('401 invalid_token', () => {
  const cases: [reason: string, makeToken: () => Promise<string>][] = [
    ['token_malformed', async () => 'not-a-jwt'],
    ['token_too_large', () => issuers.workos.sessionToken({ claims: { padding: 'x'.repeat(9000) } })],
    [
      'alg_not_allowed',
      async () => issuers.workos.sessionToken({}, { key: await issuers.workos.createDetachedKey('ES256') }),
    ],
    ['issuer_unknown', () => issuers.workos.sessionToken({ claims: { iss: 'https://evil.example' } })],
    ['kid_unknown', async () => issuers.workos.sessionToken({}, { key: await issuers.workos.createDetachedKey() })],
    [
      'signature_invalid',
      async () => issuers.workos.sessionToken({}, { key: await issuers.workos.createDetachedKey('RS256', issuers.workos.key.kid) }),
    ],
    ['audience_invalid', () => issuers.api.sessionToken({ claims: { aud: 'api://billing' } })],
    ['azp_invalid', () => issuers.clerk.sessionToken({ sub: 'user_2MAPPED', claims: { azp: 'https://evil.example' } })],
    ['claim_missing', () => issuers.workos.sessionToken({ claims: { sid: undefined } })],
    ['claim_invalid', () => issuers.workos.sessionToken({ claims: { exp: 'tomorrow' } })],
    ['token_not_yet_valid', () => issuers.workos.sessionToken({ claims: { nbf: Math.floor(Date.now() / 1000) + 600 } })],
    ['iat_in_future', () => issuers.workos.sessionToken({ issuedAt: 600, claims: { nbf: undefined }, expiresIn: 900 })],
    ['kind_rejected', () => issuers.clerk.sessionToken({ sub: 'user_2MAPPED' }, { header: { cat: 'cl_B7d4PD222AAA' } })],
    ['kind_rejected', () => issuers.clerk.sessionToken({ sub: 'user_2MAPPED' }, { header: { cat: 'cl_B7d4PD333AAA' } })],
    ['user_unmapped', () => issuers.clerk.sessionToken({ sub: 'user_2UNMAPPED' })],
  ];

  test.each(cases)('%s', async (reason, makeToken) => {
    const token = await makeToken();
    const res = await bearer(token);
    expectError(res, 401, 'invalid_token', reason);
    expectNoLeak(res, token, ...kidsOf(token), issuers.workos.key.kid, issuers.clerk.key.kid, issuers.api.key.kid);
  });
});

test('401 token_expired: exp has passed', async () => {
  const token = await issuers.workos.sessionToken({ expiresIn: -60 });
  const res = await bearer(token);
  expectError(res, 401, 'token_expired');
  expectNoLeak(res, token, issuers.workos.key.kid);
});

test('401 session_revoked: isRevoked says the session was revoked', async () => {
  const token = await issuers.workos.sessionToken({ sid: 'session_REVOKED' });
  const res = await bearer(token);
  expectError(res, 401, 'session_revoked', 'session_revoked');
});

test('403 account_suspended carries suspended_until and the reason', async () => {
  const res = await bearer(await issuers.workos.sessionToken({ sub: 'user_01SUSPENDED' }));
  expectError(res, 403, 'account_suspended', 'spam');
  expect(res.body.suspended_until).toBe(SUSPENDED_UNTIL.toISOString());
});

test('403 account_banned carries the reason', async () => {
  const res = await bearer(await issuers.workos.sessionToken({ sub: 'user_01BANNED' }));
  expectError(res, 403, 'account_banned', 'fraud');
  expect(res.body.suspended_until).toBeUndefined();
});

describe('403 forbidden csrf_origin', () => {
  test('a cookie-carried POST from an origin not in authorizedParties', async () => {
    const token = await issuers.clerk.sessionToken({ sub: 'user_2MAPPED' });
    const res = await request(app).post('/me').set('Cookie', `__session=${token}`).set('Origin', 'https://evil.example');
    expectError(res, 403, 'forbidden', 'csrf_origin');
  });

  test.each(['put', 'patch', 'delete'] as const)('a cookie-carried %s from an unlisted origin', async (method) => {
    const token = await issuers.clerk.sessionToken({ sub: 'user_2MAPPED' });
    const res = await request(app)[method]('/me').set('Cookie', `__session=${token}`).set('Origin', 'https://evil.example');
    expectError(res, 403, 'forbidden', 'csrf_origin');
  });

  test('the same POST from a listed origin goes through', async () => {
    const token = await issuers.clerk.sessionToken({ sub: 'user_2MAPPED' });
    const res = await request(app).post('/me').set('Cookie', `__session=${token}`).set('Origin', 'https://app.sessionguard.test');
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('user_01MAPPED');
  });

  test('a header-carried POST from any origin is not a CSRF risk', async () => {
    const token = await issuers.clerk.sessionToken({ sub: 'user_2MAPPED' });
    const res = await request(app).post('/me').set('Authorization', `Bearer ${token}`).set('Origin', 'https://evil.example');
    expect(res.status).toBe(200);
  });

  test('a cookie-carried GET needs no origin check', async () => {
    const token = await issuers.clerk.sessionToken({ sub: 'user_2MAPPED' });
    const res = await request(app).get('/me').set('Cookie', `__session=${token}`).set('Origin', 'https://evil.example');
    expect(res.status).toBe(200);
  });

  test('without Origin, a request the browser marks cross-site is refused: a listed azp is no fall-back', async () => {
    const token = await issuers.clerk.sessionToken({ sub: 'user_2MAPPED' });
    const res = await request(app).delete('/me').set('Cookie', `__session=${token}`).set('Sec-Fetch-Site', 'cross-site');
    expectError(res, 403, 'forbidden', 'csrf_origin');
  });
});

describe('503 service_unavailable with Retry-After', () => {
  test('jwks_unavailable: the key set cannot be fetched', async () => {
    const token = await issuers.down.sessionToken();
    const res = await bearer(token);
    expectError(res, 503, 'service_unavailable', 'jwks_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectNoLeak(res, token, issuers.down.key.kid);
  });

  test('status_unavailable: the account status lookup throws', async () => {
    const res = await bearer(await issuers.workos.sessionToken({ sub: 'user_01STATUSDOWN' }));
    expectError(res, 503, 'service_unavailable', 'status_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

test('authentication is decided before authorization: an expired token of a banned account is a 401', async () => {
  const res = await bearer(await issuers.workos.sessionToken({ sub: 'user_01BANNED', expiresIn: -60 }));
  expectError(res, 401, 'token_expired');
});

test('a forged token of a suspended account does not reveal the suspension', async () => {
  const key = await issuers.workos.createDetachedKey('RS256', issuers.workos.key.kid);
  const res = await bearer(await issuers.workos.sessionToken({ sub: 'user_01SUSPENDED' }, { key }));
  expectError(res, 401, 'invalid_token', 'signature_invalid');
});

test('a valid token of an active account is a 200 with the principal', async () => {
  const res = await bearer(await issuers.workos.sessionToken({ sub: 'user_01ACTIVE' }));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ subject: 'user_01ACTIVE', provider: 'workos' });
});
