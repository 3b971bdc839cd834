/**
 * CONTRACT.md section 1, the part only a real Express request shows: duplicate header lines on the
 * wire (Node folds them in req.headers; the adapter must hand over rawHeaders), and no token from
 * what Express parses (req.query, req.body). The rest of the section is in test/core/token-sources.test.ts.
 */
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
  const started = guardedApp({ providers: [issuers.workos.provider()] });
  app = started.app;
  // rawRequest half-closes its socket, and Node's server then ends the connection before a response
  // that waits for a cold key fetch: the keys are fetched first (before the split, earlier tests did it).
  await expect(started.guard.warm()).resolves.toBe(true);
  alice = await issuers.workos.sessionToken({ sub: 'user_01ALICE' });
  bob = await issuers.workos.sessionToken({ sub: 'user_01BOB' });
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
