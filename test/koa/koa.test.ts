import Koa from 'koa';
import Router from '@koa/router';
import request from 'supertest';
import { sessionGuard, requireBrand, requireScope } from '../../src/koa';
import type { SessionPrincipal } from '../../src';
import { expectError } from '../helpers';
import { createTestIssuer, type TestIssuer } from '../support/issuers';

let issuer: TestIssuer;
let other: TestIssuer;
beforeAll(async () => {
  [issuer, other] = await Promise.all([createTestIssuer({ kind: 'workos' }), createTestIssuer({ kind: 'oidc' })]);
});
afterAll(() => Promise.all([issuer.close(), other.close()]));

const bearer = (token: string) => `Bearer ${token}`;

test('the principal is at ctx.state.auth, typed without casts', async () => {
  const app = new Koa();
  const router = new Router();
  router.get('/me', sessionGuard({ providers: [issuer.provider()] }), (ctx) => {
    const auth: SessionPrincipal | undefined = ctx.state.auth;
    // @ts-expect-error ctx.state.auth is the principal, not any: unknown fields do not type-check.
    void ctx.state.auth?.notAPrincipalField;
    ctx.body = { subject: auth?.subject, brand: ctx.state.auth?.brandId, scopes: ctx.state.auth?.scopes };
  });
  app.use(router.routes());
  const token = await issuer.sessionToken({ sub: 'user_01KOA', claims: { brand_id: 'b1', scope: 'read' } });
  const res = await request(app.callback()).get('/me').set('Authorization', bearer(token));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ subject: 'user_01KOA', brand: 'b1', scopes: ['read'] });
});

test('app.use(guard) guards every later middleware; a rejection stops the chain', async () => {
  const app = new Koa();
  let reached = 0;
  app.use(sessionGuard({ providers: [issuer.provider()] }));
  app.use((ctx) => {
    reached++;
    ctx.body = { subject: ctx.state.auth?.subject };
  });
  const res = await request(app.callback()).get('/anything');
  expectError(res, 401, 'missing_token');
  expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  expect(reached).toBe(0);
});

describe('optional mode', () => {
  function optionalApp(): Koa {
    const app = new Koa();
    app.use(sessionGuard({ providers: [issuer.provider()] }).optional());
    app.use((ctx) => {
      ctx.body = { anonymous: ctx.state.auth === undefined, hasKey: 'auth' in ctx.state };
    });
    return app;
  }

  test('no token: the request goes on with no ctx.state.auth', async () => {
    const res = await request(optionalApp().callback()).get('/');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ anonymous: true, hasKey: false });
  });

  test('a valid token: authenticated', async () => {
    const res = await request(optionalApp().callback()).get('/').set('Authorization', bearer(await issuer.sessionToken()));
    expect(res.body).toEqual({ anonymous: false, hasKey: true });
  });

  test('a present but invalid token is still a 401', async () => {
    const res = await request(optionalApp().callback()).get('/').set('Authorization', bearer(await issuer.sessionToken({ expiresIn: -60, issuedAt: -360 })));
    expectError(res, 401, 'token_expired');
  });
});

describe('errors after the guard are the app\'s, never swallowed or turned into 401s', () => {
  test('a throwing handler reaches the app\'s error handling', async () => {
    const app = new Koa();
    const seen: unknown[] = [];
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        seen.push(error);
        ctx.status = 418;
        ctx.body = { app: 'handled' };
      }
    });
    app.use(sessionGuard({ providers: [issuer.provider()] }));
    app.use(() => {
      throw new Error('downstream failure');
    });
    const res = await request(app.callback()).get('/').set('Authorization', bearer(await issuer.sessionToken()));
    expect(res.status).toBe(418);
    expect(seen).toHaveLength(1);
    expect((seen[0] as Error).message).toBe('downstream failure');
  });

  test('a guard resolver that throws goes to Koa\'s error handling, not a 403', async () => {
    const app = new Koa();
    const errors: Error[] = [];
    app.on('error', (error: Error) => errors.push(error));
    app.use(sessionGuard({ providers: [issuer.provider()] }));
    app.use(
      requireBrand(() => {
        throw new Error('brand lookup failed');
      }),
    );
    app.use((ctx) => {
      ctx.body = 'unreachable';
    });
    const res = await request(app.callback()).get('/').set('Authorization', bearer(await issuer.sessionToken({ claims: { brand_id: 'b1' } })));
    expect(res.status).toBe(500);
    expect(errors.map((error) => error.message)).toEqual(['brand lookup failed']);
  });

  test('an error thrown after a guard passed is not caught by the guard', async () => {
    const app = new Koa();
    const errors: Error[] = [];
    app.on('error', (error: Error) => errors.push(error));
    app.use(sessionGuard({ providers: [issuer.provider()] }));
    app.use(requireScope('read'));
    app.use(() => {
      throw new Error('handler failure');
    });
    const res = await request(app.callback()).get('/').set('Authorization', bearer(await issuer.sessionToken({ claims: { scope: 'read' } })));
    expect(res.status).toBe(500);
    expect(errors.map((error) => error.message)).toEqual(['handler failure']);
  });
});

test('a second sessionGuard does not verify again once ctx.state.auth is set', async () => {
  const app = new Koa();
  app.use(sessionGuard({ providers: [issuer.provider()] }));
  // Would refuse the WorkOS token (another issuer), if it verified again.
  app.use(sessionGuard({ providers: [other.provider()] }));
  app.use((ctx) => {
    ctx.body = { subject: ctx.state.auth?.subject };
  });
  const res = await request(app.callback()).get('/').set('Authorization', bearer(await issuer.sessionToken({ sub: 'user_01ONCE' })));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ subject: 'user_01ONCE' });
});

test('guards read route parameters from ctx with @koa/router', async () => {
  const app = new Koa();
  const router = new Router();
  const guard = sessionGuard({ providers: [issuer.provider()], realm: 'koa-test' });
  router.get('/brands/:brand/orders', guard, guard.requireBrand((ctx) => ctx.params.brand), (ctx) => {
    ctx.body = { brand: ctx.state.auth?.brandId };
  });
  app.use(router.routes());
  const token = await issuer.sessionToken({ claims: { brand_id: 'brand_a' } });
  const ok = await request(app.callback()).get('/brands/brand_a/orders').set('Authorization', bearer(token));
  expect(ok.body).toEqual({ brand: 'brand_a' });
  const refused = await request(app.callback()).get('/brands/brand_b/orders').set('Authorization', bearer(token));
  expectError(refused, 403, 'forbidden', 'brand_mismatch');
});

test('sessionGuard accepts an existing verifier, sharing its caches', async () => {
  const first = sessionGuard({ providers: [issuer.provider()] });
  const second = sessionGuard(first.verifier);
  expect(second.verifier).toBe(first.verifier);
  expect(await second.warm()).toBe(true);
  expect(first.ready).toBe(true);
});
