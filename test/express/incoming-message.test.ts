import { createServer, IncomingMessage, type Server } from 'node:http';
import express, { type Express } from 'express';
import request from 'supertest';
import { SessionIncomingMessage, sessionGuard } from '../../src/express';
import { expectError } from '../helpers';
import { useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' }, oidc: { kind: 'oidc' } });

/** What `req` looked like when the first middleware saw it, before any sessionguard. */
interface Seen {
  ownAuth: boolean;
  auth: unknown;
}

function appWithProbe(seen: Seen[], ...guards: express.RequestHandler[]): Express {
  const app = express();
  app.use((req, _res, next) => {
    seen.push({ ownAuth: Object.hasOwn(req, 'auth'), auth: req.auth });
    next();
  });
  const guard = sessionGuard({ providers: [issuers.workos.provider()] });
  app.get('/feed', guard.optional(), (req, res) => res.json({ auth: req.auth ?? null, own: Object.hasOwn(req, 'auth') }));
  app.use(...(guards.length > 0 ? guards : [guard]));
  app.get('/me', (req, res) => res.json({ subject: req.auth?.subject, scope: req.auth?.scope }));
  return app;
}

function serverFor(app: Express): Server {
  return createServer({ IncomingMessage: SessionIncomingMessage }, app);
}

test('SessionIncomingMessage is a Node IncomingMessage with auth declared, and undefined, from the start', () => {
  const message = new SessionIncomingMessage(null as never);
  expect(message).toBeInstanceOf(IncomingMessage);
  expect(Object.hasOwn(message, 'auth')).toBe(true);
  expect(message.auth).toBeUndefined();
});

test('on a server built with it, a valid token sets req.auth on the declared property', async () => {
  const seen: Seen[] = [];
  const token = await issuers.workos.sessionToken({ sub: 'user_01DECLARED', claims: { permissions: ['read'] } });
  const res = await request(serverFor(appWithProbe(seen))).get('/me').set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ subject: 'user_01DECLARED', scope: 'read' });
  // Declared by Node's request construction, before Express and sessionguard ran.
  expect(seen).toEqual([{ ownAuth: true, auth: undefined }]);
});

test('a declared but unset req.auth is not taken for an earlier verification: no token is still a 401 missing_token', async () => {
  const res = await request(serverFor(appWithProbe([]))).get('/me');
  expectError(res, 401, 'missing_token');
});

test('a bad token is still refused with the contract error', async () => {
  const res = await request(serverFor(appWithProbe([]))).get('/me').set('Authorization', 'Bearer not.a.jws');
  expectError(res, 401, 'invalid_token', 'token_malformed');
});

test('optional mode leaves the declared req.auth undefined for an anonymous request', async () => {
  const res = await request(serverFor(appWithProbe([]))).get('/feed');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ auth: null, own: true });
});

test('a second sessionGuard does not verify again once the declared req.auth is set', async () => {
  // The second guard trusts another issuer only: it would refuse the WorkOS token if it verified again.
  const app = appWithProbe([], sessionGuard({ providers: [issuers.workos.provider()] }), sessionGuard({ providers: [issuers.oidc.provider()] }));
  const token = await issuers.workos.sessionToken({ sub: 'user_01TWICE' });
  const res = await request(serverFor(app)).get('/me').set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ subject: 'user_01TWICE', scope: '' });
});
