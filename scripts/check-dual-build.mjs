// A dual-package app can load sessionguard's CommonJS build and its ESM build at once (one
// dependency requires it, another imports it). Errors and verifiers must cross between them:
// an error from either build is a SessionError to both, and a verifier made by one build
// serves the other's adapters, guards included. Usage: node scripts/check-dual-build.mjs [distDir]
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';

const dist = resolve(process.argv[2] ?? new URL('../dist', import.meta.url).pathname);
const require = createRequire(import.meta.url);
const builds = {
  cjs: (entry) => require(join(dist, `${entry}.js`)),
  esm: (entry) => import(pathToFileURL(join(dist, `${entry}.mjs`)).href),
};
const load = async (build) => Object.fromEntries(await Promise.all(['index', 'express', 'fastify', 'hono', 'testing'].map(async (e) => [e, await builds[build](e)])));
const cjs = await load('cjs');
const esm = await load('esm');
assert.notEqual(cjs.index.SessionError, esm.index.SessionError, 'the two builds must be two copies for this check to mean anything');

const issuer = await esm.testing.createTestIssuer({ kind: 'workos' });
const reader = await issuer.sessionToken({ claims: { scope: 'read', role: 'viewer' } });
const options = { providers: [issuer.provider()], realm: 'dual', rbac: { roles: { viewer: [{ resource: 'documents', actions: ['read'] }] } } };

/** Express, Fastify and Hono apps of one build's adapters around a verifier: /me, a scope guard and a permission guard. */
async function answers(adapters, verifier) {
  const results = {};
  const app = express();
  const guard = adapters.express.sessionGuard(verifier);
  app.get('/me', guard, (req, res) => res.json({ subject: req.auth.subject }));
  app.get('/admin', guard, adapters.express.requireScope('admin'), (_req, res) => res.json({}));
  app.get('/write', guard, adapters.express.requirePermission({ resource: 'documents', action: 'write' }), (_req, res) => res.json({}));
  const server = createServer(app);
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${server.address().port}`;
  for (const path of ['/me', '/admin', '/write']) {
    const response = await fetch(base + path, { headers: { authorization: `Bearer ${reader}` } });
    results[`express ${path}`] = [response.status, await response.text(), response.headers.get('www-authenticate')];
  }
  results['express no token'] = (await fetch(`${base}/me`)).status;
  server.closeAllConnections();
  server.close();

  const fastify = Fastify();
  await fastify.register(adapters.fastify.sessionGuard, { verifier });
  fastify.get('/me', async (request) => ({ subject: request.auth.subject }));
  fastify.get('/admin', { preHandler: adapters.fastify.requireScope('admin') }, async () => ({}));
  fastify.get('/write', { preHandler: adapters.fastify.requirePermission({ resource: 'documents', action: 'write' }) }, async () => ({}));
  for (const path of ['/me', '/admin', '/write']) {
    const response = await fastify.inject({ url: path, headers: { authorization: `Bearer ${reader}` } });
    results[`fastify ${path}`] = [response.statusCode, response.body, response.headers['www-authenticate'] ?? null];
  }
  await fastify.close();

  const hono = new Hono();
  const honoGuard = adapters.hono.sessionGuard(verifier);
  hono.get('/me', honoGuard, (c) => c.json({ subject: c.get('auth').subject }));
  hono.get('/admin', honoGuard, adapters.hono.requireScope('admin'), (c) => c.json({}));
  hono.get('/write', honoGuard, adapters.hono.requirePermission({ resource: 'documents', action: 'write' }), (c) => c.json({}));
  for (const path of ['/me', '/admin', '/write']) {
    const response = await hono.request(path, { headers: { authorization: `Bearer ${reader}` } });
    results[`hono ${path}`] = [response.status, await response.text(), response.headers.get('www-authenticate')];
  }
  return results;
}

try {
  // 1. An error thrown by either build is a SessionError to both.
  for (const [made, by] of [['cjs', cjs], ['esm', esm]]) {
    const error = await by.index.createVerifier(options).authenticate({ headers: {} }).catch((e) => e);
    for (const [name, other] of [['cjs', cjs], ['esm', esm]]) {
      assert.equal(other.index.isSessionError(error), true, `isSessionError of the ${name} build on an error of the ${made} build`);
      assert.equal(error instanceof other.index.SessionError, true, `instanceof SessionError of the ${name} build on an error of the ${made} build`);
    }
    assert.equal(cjs.index.isSessionError(new Error('x')), false);
    console.log(`ok an error of the ${made} build is a SessionError to both builds`);
  }

  // 2. A verifier made by one build serves the other's adapters: the same answers as its own build's.
  for (const [made, by, other] of [['cjs', cjs, esm], ['esm', esm, cjs]]) {
    const verifier = by.index.createVerifier(options);
    const crossed = await answers(other, verifier);
    const own = await answers(by, by.index.createVerifier(options));
    assert.deepEqual(crossed, own, `a ${made} verifier in the other build's adapters`);
    assert.equal(crossed['express /me'][0], 200);
    assert.equal(crossed['express /admin'][0], 403);
    assert.match(crossed['express /admin'][2], /^Bearer realm="dual", error="insufficient_scope"/);
    assert.equal(JSON.parse(crossed['hono /write'][1]).reason, 'permission_denied');
    assert.equal(crossed['express no token'], 401);
    console.log(`ok a verifier of the ${made} build serves the other build's Express, Fastify and Hono adapters (${Object.keys(crossed).length} answers as its own)`);
  }
} finally {
  await issuer.close();
}
