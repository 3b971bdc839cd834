/**
 * Behind serverless-http (AWS Lambda): the real library turns an API Gateway event into a
 * Node request with `rawHeaders: []` and the headers in `headers`; the handler is invoked
 * in-process with v1 (REST API) and v2 (HTTP API) events.
 */
import express from 'express';
import Koa from 'koa';
import serverless from 'serverless-http';
import { sessionGuard as expressGuard } from '../../src/express';
import { sessionGuard as koaGuard } from '../../src/koa';
import { createTestIssuer, type TestIssuer } from '../../src/testing';

interface LambdaResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}
type Handler = (event: unknown, context: unknown) => Promise<LambdaResult>;

let issuer: TestIssuer;
let token: string;
const handlers: Record<string, Handler> = {};

beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'workos' });
  token = await issuer.sessionToken({ sub: 'user_01LAMBDA' });
  const app = express();
  app.use(expressGuard({ providers: [issuer.provider()] }));
  app.get('/me', (req, res) => res.json({ subject: req.auth?.subject }));
  const koa = new Koa();
  koa.use(koaGuard({ providers: [issuer.provider()] }));
  koa.use((ctx) => {
    ctx.body = { subject: ctx.state.auth?.subject };
  });
  handlers.express = serverless(app) as unknown as Handler;
  handlers.koa = serverless(koa) as unknown as Handler;
});
afterAll(() => issuer.close());

/** An API Gateway REST API (v1) event. */
function v1(headers: Record<string, string>) {
  return {
    httpMethod: 'GET',
    path: '/me',
    headers,
    queryStringParameters: null,
    requestContext: { identity: { sourceIp: '203.0.113.7' } },
    body: null,
    isBase64Encoded: false,
  };
}

/** An API Gateway HTTP API (v2) event: cookies come in their own list. */
function v2(headers: Record<string, string>, cookies?: string[]) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/me',
    rawQueryString: '',
    headers,
    ...(cookies ? { cookies } : {}),
    requestContext: { http: { method: 'GET', path: '/me', sourceIp: '203.0.113.7' } },
    isBase64Encoded: false,
  };
}

describe.each(['express', 'koa'])('%s behind serverless-http', (framework) => {
  const invoke = (event: unknown) => handlers[framework]!(event, {});

  test('a v1 event with a bearer token: 200 with the principal', async () => {
    const result = await invoke(v1({ Authorization: `Bearer ${token}` }));
    expect([result.statusCode, JSON.parse(result.body)]).toEqual([200, { subject: 'user_01LAMBDA' }]);
  });

  test('a v2 event with a bearer token, and one with the session cookie: 200', async () => {
    const bearer = await invoke(v2({ authorization: `Bearer ${token}` }));
    expect([bearer.statusCode, JSON.parse(bearer.body)]).toEqual([200, { subject: 'user_01LAMBDA' }]);
    const cookie = await invoke(v2({}, ['theme=dark', `__session=${token}`]));
    expect([cookie.statusCode, JSON.parse(cookie.body)]).toEqual([200, { subject: 'user_01LAMBDA' }]);
  });

  test('no token: 401 missing_token with the challenge', async () => {
    const result = await invoke(v2({}));
    expect([result.statusCode, JSON.parse(result.body).error]).toEqual([401, 'missing_token']);
    expect(result.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  test('a v2 event joins a repeated Authorization header with a comma: 400 duplicate_authorization', async () => {
    const result = await invoke(v2({ authorization: `Bearer ${token},Bearer ${token}` }));
    expect([result.statusCode, JSON.parse(result.body).error, JSON.parse(result.body).reason]).toEqual([400, 'invalid_request', 'duplicate_authorization']);
  });
});
