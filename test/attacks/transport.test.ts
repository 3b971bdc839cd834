/** Attacks on how the token travels: headers, cookies, query string, body, size. */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { guardedApp, expectError } from '../helpers';
import { useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' } });
let token: string;
let other: string;
let app: express.Express;
beforeAll(async () => {
  app = guardedApp({ providers: [issuers.workos.provider()] }).app;
  app.post('/echo', express.json(), (req, res) => res.json(req.auth ?? null));
  token = await issuers.workos.sessionToken({ sub: 'user_01VICTIM' });
  other = await issuers.workos.sessionToken({ sub: 'user_01OTHER' });
});

/** Sends a raw HTTP/1.1 request (supertest can't repeat a header) and parses the answer. */
async function raw(lines: string[]): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown>; text: string }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const { port } = server.address() as AddressInfo;
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end([...lines, 'Host: 127.0.0.1', 'Connection: close', '', ''].join('\r\n')));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString('utf8')));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    const [head, body = ''] = text.split('\r\n\r\n');
    const [statusLine, ...headerLines] = head!.split('\r\n');
    const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const json = body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1);
    return { status: Number(statusLine!.split(' ')[1]), headers, body: JSON.parse(json) as Record<string, unknown>, text };
  } finally {
    server.close();
  }
}

test('two Authorization headers over a raw socket: 400 duplicate_authorization', async () => {
  const res = await raw(['GET /me HTTP/1.1', `Authorization: Bearer ${token}`, `Authorization: Bearer ${other}`]);
  expectError(res, 400, 'invalid_request', 'duplicate_authorization');
});

test('two identical Authorization headers are still ambiguous: 400', async () => {
  const res = await raw(['GET /me HTTP/1.1', `Authorization: Bearer ${token}`, `authorization: Bearer ${token}`]);
  expectError(res, 400, 'invalid_request', 'duplicate_authorization');
});

test('"Bearer a, Bearer b" in one header: 400 duplicate_authorization', async () => {
  const res = await request(app).get('/me').set('Authorization', `Bearer ${token}, Bearer ${other}`);
  expectError(res, 400, 'invalid_request', 'duplicate_authorization');
});

test('two different __session cookies: 400 duplicate_cookie', async () => {
  const res = await request(app).get('/me').set('Cookie', `__session=${token}; __session=${other}`);
  expectError(res, 400, 'invalid_request', 'duplicate_cookie');
});

test('two different __session cookies in two Cookie headers over a raw socket: 400 duplicate_cookie', async () => {
  const res = await raw(['GET /me HTTP/1.1', `Cookie: __session=${token}`, `Cookie: __session=${other}`]);
  expectError(res, 400, 'invalid_request', 'duplicate_cookie');
});

test('a percent-encoded cookie token is not decoded: 401 token_malformed', async () => {
  const encoded = token.replace(/^e/, '%65');
  const res = await request(app).get('/me').set('Cookie', `__session=${encoded}`);
  expectError(res, 401, 'invalid_token', 'token_malformed');
});

test('a quoted cookie token (RFC 6265 quoted cookie-value) is the same token', async () => {
  const res = await request(app).get('/me').set('Cookie', `__session="${token}"`);
  expect(res.status).toBe(200);
  expect(res.body.subject).toBe('user_01VICTIM');
});

test('a half-quoted cookie token is malformed: 401', async () => {
  const res = await request(app).get('/me').set('Cookie', `__session="${token}`);
  expectError(res, 401, 'invalid_token', 'token_malformed');
});

test.each(['access_token', 'token', 'session', '__session'])('a token in the query string (%s) is ignored: 401 missing_token', async (name) => {
  const res = await request(app).get(`/me?${name}=${token}`);
  expectError(res, 401, 'missing_token');
});

test('a token in the body is ignored: 401 missing_token', async () => {
  const res = await request(app).post('/echo').send({ access_token: token, token, __session: token });
  expectError(res, 401, 'missing_token');
});

test('a token over 8 KiB: 401 token_too_large', async () => {
  const big = await issuers.workos.sessionToken({ claims: { pad: 'x'.repeat(8 * 1024) } });
  expect(big.length).toBeGreaterThan(8192);
  const res = await request(app).get('/me').set('Authorization', `Bearer ${big}`);
  expectError(res, 401, 'invalid_token', 'token_too_large');
});

test('a garbage blob of 12 KiB: 401 token_too_large (no base64 or JSON work)', async () => {
  const res = await request(app).get('/me').set('Authorization', `Bearer ${'a.'.repeat(6 * 1024)}a`);
  expectError(res, 401, 'invalid_token', 'token_too_large');
});

test('a present-but-invalid header never falls back to a valid cookie', async () => {
  const res = await request(app).get('/me').set('Authorization', 'Bearer not-a-token').set('Cookie', `__session=${token}`);
  expectError(res, 401, 'invalid_token', 'token_malformed');
});

test('Bearer with no credential: 400 empty_bearer', async () => {
  const res = await request(app).get('/me').set('Authorization', 'Bearer    ');
  expectError(res, 400, 'invalid_request', 'empty_bearer');
});

test('another scheme alone counts as no token: 401 missing_token', async () => {
  const res = await request(app).get('/me').set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`);
  expectError(res, 401, 'missing_token');
});
