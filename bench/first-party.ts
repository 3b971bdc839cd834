/**
 * `npx tsx bench/first-party.ts` (BENCH_QUICK=1 for a short run): first-party sessions' costs.
 * - cached path: an identitySessions() JWT vs a workos() token, both from the verified-token cache,
 *   as a Bearer header (authenticate) and as a cookie (authenticateRequest with the first-party
 *   cookies vs authenticate with __session): the ratio should stay near 1.
 * - refresh path: an expired JWT cookie renewed in-process from its token cookie (one authenticate
 *   of the session, one JWT minted and verified), per request.
 */
import { performance } from 'node:perf_hooks';
import { createVerifier, identitySessions, memorySessions, workos } from '../src';
import { createIdentityService } from '../src/identity';
import { createTestIssuer } from '../src/testing';

const QUICK = process.env.BENCH_QUICK === '1';
const ITERATIONS = QUICK ? 50_000 : 300_000;
const REFRESHES = QUICK ? 200 : 1000;

function nsPerOp(run: () => unknown, iterations: number): number {
  for (let i = 0; i < Math.min(iterations, 5000); i++) run(); // warm-up
  const start = performance.now();
  for (let i = 0; i < iterations; i++) run();
  return ((performance.now() - start) * 1e6) / iterations;
}

async function asyncNsPerOp(run: () => Promise<unknown>, iterations: number): Promise<number> {
  for (let i = 0; i < Math.min(iterations, 2000); i++) await run();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await run();
  return ((performance.now() - start) * 1e6) / iterations;
}

async function main(): Promise<void> {
  const clock = { offsetMs: 0 };
  const now = () => Date.now() + clock.offsetMs;
  const issuerUrl = 'https://identity.bench.test';
  const projectId = 'project-test-bench-0000';
  const service = createIdentityService({
    providers: [],
    serviceAuth: { apiKeys: [{ name: 'bench', key: 'svc_bench_0123456789abcdef0123456789abcdef', scopes: ['sessions:verify'] }] },
    clock: now,
    sessions: { store: memorySessions(), issuer: issuerUrl, projectId, secrets: [{ secret: 'secret-bench-0123456789abcdefghijklmnop', scopes: ['sessions:create', 'sessions:create_for_user', 'sessions:authenticate', 'sessions:revoke'] }] },
  });
  const jwks = JSON.parse(service.jwks().body) as { keys: never[] };
  const workosIssuer = await createTestIssuer({ kind: 'workos' });
  const verifier = createVerifier({
    providers: [identitySessions({ issuer: issuerUrl, projectId, jwks }), workos({ clientId: workosIssuer.clientId, jwksUrl: workosIssuer.jwksUrl })],
    refresh: { service },
    cookies: { hostPrefix: false, secure: false },
    clock: now,
  });
  const create = () => fetchlessCreate(service);
  const first = await create();
  const workosToken = await workosIssuer.sessionToken({ expiresIn: 3600 });

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const sessionsBearer = bearer(first.session_jwt);
  const workosBearer = bearer(workosToken);
  const sessionsCookie = { method: 'GET', headers: { cookie: `sg_session=${first.session_jwt}; sg_session_token=${first.session_token}` } };
  const workosCookie = { method: 'GET', headers: { cookie: `__session=${workosToken}` } };
  await verifier.authenticate(sessionsBearer);
  await verifier.authenticate(workosBearer);

  const rows: [string, number][] = [];
  rows.push(['cached, Bearer: workos()', nsPerOp(() => verifier.authenticateNow(workosBearer), ITERATIONS)]);
  rows.push(['cached, Bearer: identitySessions()', nsPerOp(() => verifier.authenticateNow(sessionsBearer), ITERATIONS)]);
  rows.push(['cached, cookie: workos() __session, authenticateRequest', await asyncNsPerOp(() => verifier.authenticateRequest(workosCookie), ITERATIONS / 5)]);
  rows.push(['cached, cookie: identitySessions() sg_session, authenticateRequest', await asyncNsPerOp(() => verifier.authenticateRequest(sessionsCookie), ITERATIONS / 5)]);

  const sessions = [];
  for (let i = 0; i < REFRESHES; i++) sessions.push(await create());
  clock.offsetMs = 6 * 60_000;
  let index = 0;
  const start = performance.now();
  for (const created of sessions) {
    const outcome = await verifier.authenticateRequest({ method: 'GET', headers: { cookie: `sg_session=${created.session_jwt}; sg_session_token=${created.session_token}` } });
    if (outcome.setCookies.length !== 1) throw new Error('no refresh');
    index++;
  }
  rows.push([`refresh (in-process service), per request, ${index} sessions`, ((performance.now() - start) * 1e6) / index]);

  console.log(`first-party sessions (${QUICK ? 'quick' : 'full'}; Node ${process.version})`);
  console.log('| case | ns/op | µs/op |');
  console.log('| --- | ---: | ---: |');
  for (const [name, ns] of rows) console.log(`| ${name} | ${ns.toFixed(0)} | ${(ns / 1000).toFixed(2)} |`);
  console.log(`ratio identitySessions/workos, cached Bearer: ${(rows[1]![1] / rows[0]![1]).toFixed(2)}; cached cookie: ${(rows[3]![1] / rows[2]![1]).toFixed(2)}`);
  verifier.close();
  service.close();
  await workosIssuer.close();
}

/** A session for a vouched user, through the service's own create endpoint logic (no HTTP). */
async function fetchlessCreate(service: ReturnType<typeof createIdentityService>) {
  const { Readable } = await import('node:stream');
  const body = JSON.stringify({ user_id: 'user_bench', roles: ['editor'] });
  const request = Object.assign(Readable.from([Buffer.from(body)]), {
    method: 'POST',
    url: '/v1/sessions',
    headers: { authorization: `Basic ${Buffer.from('project-test-bench-0000:secret-bench-0123456789abcdefghijklmnop').toString('base64')}`, 'content-type': 'application/json', 'content-length': String(body.length) },
  });
  const answer = await service.handle(request as never, '/v1/sessions');
  if (answer?.status !== 200) throw new Error(`create failed: ${answer?.body}`);
  return JSON.parse(answer.body) as { session_jwt: string; session_token: string };
}

void main();
