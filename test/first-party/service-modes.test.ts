import request from 'supertest';
import { memoryStore } from '../../src';
import { startTestIdentityService } from '../../src/testing';
import { cookieValue, JWT_COOKIE, setCookies, startRig, TOKEN_COOKIE } from './rig';

const both = (jwt: string | undefined, token: string) => `${jwt === undefined ? '' : `${JWT_COOKIE}=${jwt}; `}${TOKEN_COOKIE}=${token}`;

test('refresh: { service } in-process answers exactly as the HTTP service: renewed, then session_not_found after revoke', async () => {
  const identity = await startTestIdentityService();
  const viaHttp = await startRig({}, identity);
  const inProcess = await startRig({ refresh: { service: identity.service } }, identity);
  try {
    const created = await identity.createSession();
    identity.clock.offsetMs = 400_000;
    const answers: request.Response[] = [];
    for (const rig of [viaHttp, inProcess]) answers.push(await request(rig.url).get('/me').set('Cookie', both(created.session_jwt, created.session_token)));
    expect(answers.map((res) => res.status)).toEqual([200, 200]);
    expect(answers.map((res) => setCookies(res).length)).toEqual([1, 1]);
    await identity.service.sessionsInProcess('revoke', { session_id: created.session.session_id });
    const gone = await identity.createSession();
    await identity.service.sessionsInProcess('revoke', { session_token: gone.session_token });
    identity.clock.offsetMs += 400_000;
    const refused: request.Response[] = [];
    for (const rig of [viaHttp, inProcess]) refused.push(await request(rig.url).get('/me').set('Cookie', both(gone.session_jwt, gone.session_token)));
    expect(refused.map((res) => [res.status, res.text, setCookies(res)])).toEqual([0, 1].map(() => [refused[0]!.status, refused[0]!.text, setCookies(refused[0]!)]));
    expect(refused[0]!.status).toBe(401);
    expect(refused[0]!.body).toMatchObject({ error: 'invalid_token', reason: 'session_not_found' });
  } finally {
    await viaHttp.close();
    await inProcess.close();
    await identity.close();
  }
});

test('sliding expiry only with refresh.extendMinutes: the token cookie is set again with the new expiry', async () => {
  const identity = await startTestIdentityService();
  const plain = await startRig({}, identity);
  const sliding = await startRig({ refresh: { serviceUrl: identity.url, projectId: identity.projectId, secret: identity.secret, extendMinutes: 120 } }, identity);
  try {
    const a = await identity.createSession();
    const b = await identity.createSession();
    identity.clock.offsetMs = 400_000;
    const without = await request(plain.url).get('/me').set('Cookie', both(a.session_jwt, a.session_token));
    expect(setCookies(without).map((line) => line.split('=')[0])).toEqual([JWT_COOKIE]);
    const withExtension = await request(sliding.url).get('/me').set('Cookie', both(b.session_jwt, b.session_token));
    const lines = setCookies(withExtension);
    expect(lines.map((line) => line.split('=')[0])).toEqual([JWT_COOKIE, TOKEN_COOKIE]);
    expect(cookieValue(lines, TOKEN_COOKIE)).toBe(b.session_token);
    expect(Number(/Max-Age=(\d+)/.exec(lines[1]!)![1])).toBeGreaterThan(7000);
  } finally {
    await plain.close();
    await sliding.close();
    await identity.close();
  }
});

test('with a shared store: a revoked, unexpired JWT is 401 session_revoked with both cookies cleared; an expired one is refused as session_revoked', async () => {
  const store = memoryStore();
  const identity = await startTestIdentityService({ store });
  const rig = await startRig({ store }, identity);
  try {
    const created = await identity.createSession();
    expect((await request(rig.url).get('/me').set('Cookie', both(created.session_jwt, created.session_token))).status).toBe(200);
    await identity.service.sessionsInProcess('revoke', { session_token: created.session_token });
    const live = await request(rig.url).get('/me').set('Cookie', both(created.session_jwt, created.session_token));
    expect(live.status).toBe(401);
    expect(live.body).toMatchObject({ error: 'session_revoked' });
    expect(setCookies(live)).toHaveLength(2);
    identity.clock.offsetMs = 400_000;
    const expired = await request(rig.url).get('/me').set('Cookie', both(created.session_jwt, created.session_token));
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ reason: 'session_revoked' });
    expect(setCookies(expired)).toHaveLength(2);
  } finally {
    await rig.close();
    await identity.close();
  }
});

test('a suspended account: the refresh is refused for good (401 invalid_token account_suspended, cookies cleared), never a 503', async () => {
  const store = memoryStore();
  const identity = await startTestIdentityService({ store });
  const rig = await startRig({}, identity);
  try {
    const created = await identity.createSession({ userId: 'user_suspended' });
    await store.suspend('user_suspended', { until: '2099-01-01T00:00:00Z', reason: 'moderation' });
    identity.clock.offsetMs = 400_000;
    const res = await request(rig.url).get('/me').set('Cookie', both(created.session_jwt, created.session_token));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_token', reason: 'account_suspended' });
    expect(setCookies(res)).toHaveLength(2);
  } finally {
    await rig.close();
    await identity.close();
  }
});
