import request from 'supertest';
import { cookieValue, expOf, JWT_COOKIE, setCookies, startRig, TOKEN_COOKIE, type FirstPartyRig } from './rig';

let rig: FirstPartyRig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(() => rig.close());

async function signIn(): Promise<{ jwt: string; token: string; lines: string[] }> {
  const res = await request(rig.url).post('/signin');
  expect(res.status).toBe(200);
  const lines = setCookies(res);
  return { jwt: cookieValue(lines, JWT_COOKIE)!, token: cookieValue(lines, TOKEN_COOKIE)!, lines };
}

function cookie(jwt: string | undefined, token: string | undefined): string {
  return [jwt === undefined ? undefined : `${JWT_COOKIE}=${jwt}`, token === undefined ? undefined : `${TOKEN_COOKIE}=${token}`].filter(Boolean).join('; ');
}

describe('sign in', () => {
  test('startSession sets both cookies: HttpOnly, SameSite=Lax, Path=/, host-only, Max-Age for the JWT and for the session', async () => {
    const { lines, jwt } = await signIn();
    expect(lines).toHaveLength(2);
    const [jwtLine, tokenLine] = lines;
    expect(jwtLine).toMatch(new RegExp(`^${JWT_COOKIE}=[\\w-]+\\.[\\w-]+\\.[\\w-]+; Max-Age=(29\\d|300); Path=/; HttpOnly; SameSite=Lax$`));
    expect(tokenLine).toMatch(new RegExp(`^${TOKEN_COOKIE}=[\\w-]{43}; Max-Age=(359\\d|3600); Path=/; HttpOnly; SameSite=Lax$`));
    expect(expOf(jwt)).toBeGreaterThan(Date.now() / 1000);
  });

  test('the JWT cookie verifies locally: no call to the service', async () => {
    const { jwt, token } = await signIn();
    const res = await request(rig.url).get('/me').set('Cookie', cookie(jwt, token));
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual(['editor']);
    expect(setCookies(res)).toEqual([]);
    expect(rig.identity.authenticateCalls).toBe(0);
  });
});

describe('transparent refresh', () => {
  test('an expired JWT cookie is renewed from the token cookie: new JWT, later exp, one authenticate call', async () => {
    const { jwt, token } = await signIn();
    rig.identity.clock.offsetMs = 400_000;
    const res = await request(rig.url).get('/me').set('Cookie', cookie(jwt, token));
    expect(res.status).toBe(200);
    const lines = setCookies(res);
    expect(lines).toHaveLength(1);
    const renewed = cookieValue(lines, JWT_COOKIE)!;
    expect(renewed).not.toBe(jwt);
    expect(expOf(renewed)).toBeGreaterThan(expOf(jwt));
    expect(rig.identity.authenticateCalls).toBe(1);
  });

  test('a missing JWT cookie is renewed from the token cookie alone', async () => {
    const { token } = await signIn();
    const res = await request(rig.url).get('/me').set('Cookie', cookie(undefined, token));
    expect(res.status).toBe(200);
    expect(cookieValue(setCookies(res), JWT_COOKIE)).toBeDefined();
    expect(rig.identity.authenticateCalls).toBe(1);
  });

  test('50 concurrent requests with the same expired session make one refresh', async () => {
    const { jwt, token } = await signIn();
    rig.identity.clock.offsetMs = 400_000;
    const answers = await Promise.all(Array.from({ length: 50 }, () => request(rig.url).get('/me').set('Cookie', cookie(jwt, token))));
    expect(answers.map((res) => res.status)).toEqual(Array(50).fill(200));
    expect(rig.identity.authenticateCalls).toBe(1);
  });

  test('a cross-site POST makes no refresh call, keeps the cookies and answers 401 token_expired', async () => {
    const { jwt, token } = await signIn();
    rig.identity.clock.offsetMs = 400_000;
    const res = await request(rig.url).post('/me').set('Cookie', cookie(jwt, token)).set('Origin', 'https://evil.example');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'token_expired' });
    expect(setCookies(res)).toEqual([]);
    expect(rig.identity.authenticateCalls).toBe(0);
    const missing = await request(rig.url).post('/me').set('Cookie', cookie(undefined, token)).set('Origin', 'https://evil.example');
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: 'missing_token' });
    expect(rig.identity.authenticateCalls).toBe(0);
  });

  test('a same-origin POST refreshes', async () => {
    const { jwt, token } = await signIn();
    rig.identity.clock.offsetMs = 400_000;
    const res = await request(rig.url).post('/me').set('Cookie', cookie(jwt, token)).set('Origin', rig.url);
    expect(res.status).toBe(200);
    expect(rig.identity.authenticateCalls).toBe(1);
  });

  test('a header token is never refreshed: 401 token_expired, no cookie touched', async () => {
    const { jwt, token } = await signIn();
    rig.identity.clock.offsetMs = 400_000;
    const res = await request(rig.url).get('/me').set('Authorization', `Bearer ${jwt}`).set('Cookie', cookie(undefined, token));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'token_expired' });
    expect(setCookies(res)).toEqual([]);
    expect(rig.identity.authenticateCalls).toBe(0);
  });

  test('two different token cookies: 400 duplicate_cookie, no call', async () => {
    const { jwt, token } = await signIn();
    const res = await request(rig.url).get('/me').set('Cookie', `${cookie(jwt, token)}; ${TOKEN_COOKIE}=other`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', reason: 'duplicate_cookie' });
    expect(rig.identity.authenticateCalls).toBe(0);
  });

  test('a token cookie of another session than the JWT sid: 401 session_mismatch, both cookies cleared', async () => {
    const first = await signIn();
    const second = await signIn();
    rig.identity.clock.offsetMs = 400_000;
    const res = await request(rig.url).get('/me').set('Cookie', cookie(first.jwt, second.token));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_token', reason: 'session_mismatch' });
    expect(setCookies(res)).toEqual([
      `${JWT_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
      `${TOKEN_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
    ]);
  });

  test('a JWT with a bad signature is never refreshed: 401, cookies cleared, no call', async () => {
    const { jwt, token } = await signIn();
    rig.identity.clock.offsetMs = 400_000;
    const forged = `${jwt.slice(0, jwt.lastIndexOf('.') + 1)}${'A'.repeat(jwt.length - jwt.lastIndexOf('.') - 1)}`;
    const res = await request(rig.url).get('/me').set('Cookie', cookie(forged, token));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(setCookies(res)).toHaveLength(2);
    expect(rig.identity.authenticateCalls).toBe(0);
  });
});

describe('terminal and transient failures', () => {
  test('a revoked session: 401 session_not_found, both cookies cleared; the refused token is remembered (no second call)', async () => {
    const { jwt, token } = await signIn();
    const out = await request(rig.url).post('/signout').set('Cookie', cookie(undefined, token)).set('Origin', rig.url);
    expect(out.body).toEqual({ revoked: true });
    rig.identity.clock.offsetMs = 400_000;
    const res = await request(rig.url).get('/me').set('Cookie', cookie(jwt, token));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_token', reason: 'session_not_found' });
    expect(setCookies(res)).toHaveLength(2);
    const again = await request(rig.url).get('/me').set('Cookie', cookie(jwt, token));
    expect(again.body).toMatchObject({ reason: 'session_not_found' });
    expect(rig.identity.authenticateCalls).toBe(1);
  });

  test('an expired session: 401 session_expired', async () => {
    const { jwt, token } = await signIn();
    rig.identity.clock.offsetMs = 2 * 3600_000;
    const res = await request(rig.url).get('/me').set('Cookie', cookie(jwt, token));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_token', reason: 'session_expired' });
    expect(setCookies(res)).toHaveLength(2);
  });

  test('the service down: 503 service_unavailable identity_unavailable with Retry-After, cookies kept', async () => {
    const { jwt, token } = await signIn();
    // Keys held (a first request fetched them); then the service goes away.
    expect((await request(rig.url).get('/me').set('Cookie', cookie(jwt, token))).status).toBe(200);
    rig.identity.clock.offsetMs = 400_000;
    await rig.identity.close();
    const res = await request(rig.url).get('/me').set('Cookie', cookie(jwt, token));
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'service_unavailable', reason: 'identity_unavailable' });
    expect(res.headers['retry-after']).toBe('5');
    expect(setCookies(res)).toEqual([]);
  });

  test('optional mode: a refused session goes on anonymous with the cookies cleared', async () => {
    const res = await request(rig.url).get('/maybe').set('Cookie', cookie(undefined, 'junk-token-value'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ subject: null });
    expect(setCookies(res)).toHaveLength(2);
  });
});

describe('sign out', () => {
  test('a cross-site sign-out (even GET-like) revokes and clears nothing: 403 csrf_origin', async () => {
    const { token } = await signIn();
    const res = await request(rig.url).post('/signout').set('Cookie', cookie(undefined, token)).set('Origin', 'https://evil.example');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'forbidden', reason: 'csrf_origin' });
    expect(setCookies(res)).toEqual([]);
  });

  test('a JWT cookie whose signature fails never chooses a session; cookies cleared, revoked false', async () => {
    const { jwt } = await signIn();
    const forged = `${jwt.slice(0, jwt.lastIndexOf('.') + 1)}AAAA`;
    const res = await request(rig.url).post('/signout').set('Cookie', cookie(forged, undefined)).set('Origin', rig.url);
    expect(res.body).toEqual({ revoked: false });
    expect(setCookies(res)).toHaveLength(2);
  });
});
