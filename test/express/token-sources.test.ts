/** CONTRACT.md section 1: where the token comes from, precedence, and the 400 cases. */
import request from 'supertest';
import express, { type Express } from 'express';
import { expectError, guardedApp, listen, rawRequest } from '../helpers';
import { sessionGuard } from '../../src/express';
import { useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' } });
let app: Express;
let alice: string;
let bob: string;

beforeAll(async () => {
  ({ app } = guardedApp({ providers: [issuers.workos.provider()] }));
  alice = await issuers.workos.sessionToken({ sub: 'user_01ALICE' });
  bob = await issuers.workos.sessionToken({ sub: 'user_01BOB' });
});

describe('Authorization header', () => {
  test.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('scheme %s is accepted (case-insensitive)', async (scheme) => {
    const res = await request(app).get('/me').set('Authorization', `${scheme} ${alice}`);
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('user_01ALICE');
  });

  test('spaces around and inside the header value are trimmed', async () => {
    const { port, close } = await listen(app);
    try {
      const res = await rawRequest(port, 'GET', '/me', [`Authorization:   Bearer    ${alice}   `]);
      expect(res.status).toBe(200);
      expect(res.body.subject).toBe('user_01ALICE');
    } finally {
      await close();
    }
  });

  test('another scheme alone counts as no token', async () => {
    const res = await request(app).get('/me').set('Authorization', 'Basic dXNlcjpwYXNz');
    expectError(res, 401, 'missing_token');
  });

  test('another scheme with a session cookie: the cookie is used', async () => {
    const res = await request(app).get('/me').set('Authorization', 'Basic dXNlcjpwYXNz').set('Cookie', `__session=${bob}`);
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('user_01BOB');
  });

  test('"Bearer" with only spaces after it is a 400 empty_bearer', async () => {
    const res = await request(app).get('/me').set('Authorization', 'Bearer');
    expectError(res, 400, 'invalid_request', 'empty_bearer');
  });

  test('two credentials in one header are a 400', async () => {
    const res = await request(app).get('/me').set('Authorization', `Bearer ${alice}, Bearer ${bob}`);
    expectError(res, 400, 'invalid_request', 'duplicate_authorization');
  });
});

describe('duplicate headers on the wire (Node keeps only one in req.headers)', () => {
  let port: number;
  let close: () => Promise<void>;
  beforeAll(async () => ({ port, close } = await listen(app)));
  afterAll(() => close());

  test('two Authorization headers with different tokens', async () => {
    const res = await rawRequest(port, 'GET', '/me', [`Authorization: Bearer ${alice}`, `Authorization: Bearer ${bob}`]);
    expectError(res, 400, 'invalid_request', 'duplicate_authorization');
  });

  test('two identical Authorization headers', async () => {
    const res = await rawRequest(port, 'GET', '/me', [`Authorization: Bearer ${alice}`, `Authorization: Bearer ${alice}`]);
    expectError(res, 400, 'invalid_request', 'duplicate_authorization');
  });

  test('a Basic and a Bearer Authorization header', async () => {
    const res = await rawRequest(port, 'GET', '/me', ['Authorization: Basic dXNlcjpwYXNz', `Authorization: Bearer ${alice}`]);
    expectError(res, 400, 'invalid_request', 'duplicate_authorization');
  });

  test('two Cookie headers carrying different session cookies', async () => {
    const res = await rawRequest(port, 'GET', '/me', [`Cookie: __session=${alice}`, `Cookie: __session=${bob}`]);
    expectError(res, 400, 'invalid_request', 'duplicate_cookie');
  });

  test('two Cookie headers, the session cookie in one of them', async () => {
    const res = await rawRequest(port, 'GET', '/me', ['Cookie: theme=dark', `Cookie: __session=${alice}`]);
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('user_01ALICE');
  });
});

describe('session cookie', () => {
  test('is read among other cookies', async () => {
    const res = await request(app).get('/me').set('Cookie', `theme=dark; __session=${alice}; lang=en`);
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('user_01ALICE');
  });

  test('the same session cookie twice is not ambiguous', async () => {
    const res = await request(app).get('/me').set('Cookie', `__session=${alice}; __session=${alice}`);
    expect(res.status).toBe(200);
  });

  test('two different session cookies are a 400', async () => {
    const res = await request(app).get('/me').set('Cookie', `__session=${alice}; __session=${bob}`);
    expectError(res, 400, 'invalid_request', 'duplicate_cookie');
  });

  test('a quoted cookie value is unquoted', async () => {
    const res = await request(app).get('/me').set('Cookie', `__session="${alice}"`);
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('user_01ALICE');
  });

  test('an empty session cookie counts as no token', async () => {
    const res = await request(app).get('/me').set('Cookie', '__session=');
    expectError(res, 401, 'missing_token');
  });

  test('a cookie whose name only contains the session cookie name is not it', async () => {
    const res = await request(app).get('/me').set('Cookie', `x__session=${alice}; __session_other=${alice}`);
    expectError(res, 401, 'missing_token');
  });

  test('a custom cookieName is read, and __session is then ignored', async () => {
    const custom = express();
    custom.use(sessionGuard({ providers: [issuers.workos.provider()], cookieName: 'sg_token' }));
    custom.get('/me', (req, res) => res.json(req.auth));
    const ok = await request(custom).get('/me').set('Cookie', `sg_token=${alice}`);
    expect(ok.status).toBe(200);
    expect(ok.body.subject).toBe('user_01ALICE');
    expectError(await request(custom).get('/me').set('Cookie', `__session=${alice}`), 401, 'missing_token');
  });
});

describe('precedence', () => {
  test('the header wins over the cookie', async () => {
    const res = await request(app).get('/me').set('Authorization', `Bearer ${alice}`).set('Cookie', `__session=${bob}`);
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('user_01ALICE');
  });

  test('an invalid header token never falls back to a valid cookie', async () => {
    const res = await request(app).get('/me').set('Authorization', 'Bearer not.a.token').set('Cookie', `__session=${bob}`);
    expectError(res, 401, 'invalid_token', 'token_malformed');
  });

  test('an expired header token never falls back to a valid cookie', async () => {
    const expired = await issuers.workos.sessionToken({ sub: 'user_01ALICE', expiresIn: -60 });
    const res = await request(app).get('/me').set('Authorization', `Bearer ${expired}`).set('Cookie', `__session=${bob}`);
    expectError(res, 401, 'token_expired');
  });

  test('an empty Bearer header does not fall back to the cookie', async () => {
    const res = await request(app).get('/me').set('Authorization', 'Bearer ').set('Cookie', `__session=${bob}`);
    expectError(res, 400, 'invalid_request', 'empty_bearer');
  });
});

describe('never from the query string or body', () => {
  test.each(['access_token', 'token', '__session'])('?%s=<token> is ignored', async (name) => {
    const res = await request(app).get(`/me?${name}=${alice}`);
    expectError(res, 401, 'missing_token');
  });

  test('a form body access_token is ignored', async () => {
    const withParsers = express();
    withParsers.use(express.urlencoded({ extended: false }), express.json());
    withParsers.use(sessionGuard({ providers: [issuers.workos.provider()] }));
    withParsers.post('/me', (req, res) => res.json(req.auth));
    const form = await request(withParsers).post('/me').type('form').send({ access_token: alice });
    expectError(form, 401, 'missing_token');
    const json = await request(withParsers).post('/me').send({ access_token: alice, token: alice });
    expectError(json, 401, 'missing_token');
  });
});
