import express from 'express';
import request from 'supertest';
import { sessionGuard } from '../../src/express';
import { guardedApp, expectError } from '../helpers';
import { closeIssuers, startIssuers, useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' } });

test('a WorkOS session token is accepted and the principal attached', async () => {
  const { app } = guardedApp({ providers: [issuers.workos.provider()] });
  const token = await issuers.workos.sessionToken({ sub: 'user_01A', claims: { permissions: ['read', 'write'], brand_id: 'b1' } });
  const res = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ subject: 'user_01A', workosUserId: 'user_01A', clerkUserId: null, scope: 'read write', brandId: 'b1', type: 'user' });
});

test('no token is a 401 missing_token', async () => {
  const { app } = guardedApp({ providers: [issuers.workos.provider()] });
  const res = await request(app).get('/me');
  expectError(res, 401, 'missing_token');
});

test('a second sessionGuard does not verify again once an earlier one authenticated the request', async () => {
  const other = await startIssuers({ oidc: { kind: 'oidc' } });
  try {
    const app = express();
    app.use(sessionGuard({ providers: [issuers.workos.provider()] }));
    // Would refuse the WorkOS token (another issuer), if it verified again.
    app.use(sessionGuard({ providers: [other.oidc.provider()] }));
    app.get('/me', (req, res) => res.json({ subject: req.auth?.subject }));
    const res = await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken({ sub: 'user_01ONCE' })}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ subject: 'user_01ONCE' });
  } finally {
    await closeIssuers(other);
  }
});
