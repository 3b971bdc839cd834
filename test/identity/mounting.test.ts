import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import { identityKoa, identityRouter, IdentityService, tokenTemplates, hasuraTemplate } from '../../src/identity';
import { expectError } from '../helpers';
import { expectDocumented } from './api-document';
import { closeIssuers, startIssuers, type TestIssuer } from '../support/issuers';

const API_KEY = 'svc_a_0123456789abcdef0123456789abcdef';
let issuers: { workos: TestIssuer };
let service: IdentityService;

beforeAll(async () => {
  issuers = await startIssuers({ workos: { kind: 'workos' } });
  service = new IdentityService({
    providers: [issuers.workos.provider()],
    serviceAuth: { apiKeys: [{ name: 'a', key: API_KEY, scopes: ['sessions:verify'] }] },
    templates: tokenTemplates({ issuer: 'https://identity.sessionguard.test', templates: [hasuraTemplate()] }),
  });
});
afterAll(async () => {
  service.close();
  await closeIssuers(issuers);
});

function koaApp() {
  const app = new Koa();
  app.use(identityKoa(service));
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { fell: 'through' };
  });
  return app.callback();
}

function expressApp() {
  const app = express();
  app.use('/identity', identityRouter(service));
  app.use((_req, res) => res.status(404).json({ fell: 'through' }));
  return app;
}

test('Koa and Express (under a prefix) answer byte for byte the same', async () => {
  const good = await issuers.workos.sessionToken({ sub: 'user_01K' });
  const expired = await issuers.workos.sessionToken({ expiresIn: -60 });
  for (const [body, status] of [[{ token: good }, 200], [{ token: expired }, 401], ['{bad', 400]] as const) {
    const send = typeof body === 'string' ? body : JSON.stringify(body);
    const viaKoa = await request(koaApp()).post('/v1/sessions/verify').set('Authorization', `Bearer ${API_KEY}`).set('Content-Type', 'application/json').send(send);
    const viaExpress = await request(expressApp()).post('/identity/v1/sessions/verify').set('Authorization', `Bearer ${API_KEY}`).set('Content-Type', 'application/json').send(send);
    expect(viaKoa.status).toBe(status);
    expect(viaExpress.status).toBe(status);
    expect(viaKoa.text).toBe(viaExpress.text);
    expectDocumented(viaKoa, 'post', '/v1/sessions/verify');
  }
  const jwks = await request(koaApp()).get('/.well-known/jwks.json');
  expectDocumented(jwks, 'get', '/.well-known/jwks.json');
  expect(jwks.body.keys[0].kid).toBe(service.templates!.kid);
});

test('Koa: a body over the limit is a 413', async () => {
  const res = await request(koaApp()).post('/v1/sessions/verify').set('Authorization', `Bearer ${API_KEY}`).send({ token: 'a'.repeat(20_000) });
  expectError(res, 413, 'invalid_request', 'body_too_large');
});

test('other methods and paths fall through to the app', async () => {
  expect((await request(expressApp()).get('/identity/v1/sessions/verify')).body).toEqual({ fell: 'through' });
  expect((await request(expressApp()).post('/v1/sessions/verify')).body).toEqual({ fell: 'through' });
  expect((await request(koaApp()).post('/v1/sessions/x/y/verify')).body).toEqual({ fell: 'through' });
});

test('a session id that is not valid percent-encoding is a 400, not a 500', async () => {
  const res = await request(expressApp()).post('/identity/v1/sessions/%E0%A4%A/verify').set('Authorization', `Bearer ${API_KEY}`);
  expectError(res, 400, 'invalid_request', 'path_invalid');
  const encoded = await request(koaApp())
    .post('/v1/sessions/session%2F01/verify')
    .set('Authorization', `Bearer ${API_KEY}`)
    .send({ token: await issuers.workos.sessionToken({ sid: 'session/01' }) });
  expect(encoded.status).toBe(200);
});
