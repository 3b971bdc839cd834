/**
 * Two services and a local issuer in one process, runnable with no account anywhere:
 *
 *   npx tsx examples/identity-service/server.ts          # serves, prints curl commands
 *   npx tsx examples/identity-service/server.ts --once   # one round trip through both services, then exits
 *
 * - the issuer (sessionguard/testing) plays WorkOS: real keys, a JWKS on 127.0.0.1;
 * - service B is the identity service: identityRouter() with an API key and a Hasura template;
 * - service A verifies through B (remote mode) and asks B for a Hasura token for its caller;
 * - B also runs first-party sessions in Stytch's dialect: created from the upstream token, then
 *   authenticated, refreshed, extended, given custom claims, checked against a policy and revoked.
 *
 * Sessions live in an embedded PGlite in .data/identity-service (SESSIONS_DATA_DIR) and survive a
 * restart; with DATABASE_URL=postgres://… they live in that PostgreSQL database.
 *
 * In your app, import from 'sessionguard', 'sessionguard/express' and 'sessionguard/identity'.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { remote, hasuraTemplate, tokenTemplates } from '../../src/index.js';
import { sessionGuard } from '../../src/express/index.js';
import { createIdentityService, identityRouter } from '../../src/identity/index.js';
import { demoSession, printSessionsCurls, PROJECT_ID, PROJECT_SECRET, runSessionsRoundTrip, SESSIONS_POLICY } from './sessions-demo.js';
import { createTestIssuer } from '../../src/testing/index.js';
import { openSessionsStore } from './sessions-store.js';

const SERVICE_A_KEY = 'svc_orders_5b3f0c2e9d4a47e1a6f8c0b2d7e9f1a3'; // in production: from your secret store

function listen(app: express.Express, port: number): Promise<string> {
  return new Promise((resolve) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  const issuer = await createTestIssuer({ kind: 'workos' });
  const sessions = await openSessionsStore();
  const kept = async () => (await sessions.store.listByUser('user_01EXAMPLE', Date.now())).length;
  console.log(`sessions store: ${sessions.where}; live sessions of user_01EXAMPLE kept from earlier runs: ${await kept()}`);

  // Only so the demo can hand you an already expired session JWT to refresh: its clock can be moved back.
  let clockOffsetMs = 0;
  // Service B: the identity service.
  const identity = express();
  const service = createIdentityService({
    providers: [issuer.provider()],
    serviceAuth: { apiKeys: [{ name: 'orders', key: SERVICE_A_KEY, scopes: ['sessions:verify'] }] },
    templates: tokenTemplates({ issuer: 'https://identity.example.test', templates: [hasuraTemplate()] }),
    sessions: { store: sessions.store, signingKeys: [sessions.signingKey], issuer: 'https://sessions.example.test', projectId: PROJECT_ID, secrets: [PROJECT_SECRET], policy: SESSIONS_POLICY },
    clock: () => Date.now() + clockOffsetMs,
  });
  identity.use(identityRouter(service));
  const identityUrl = await listen(identity, once ? 0 : 4000);

  // Service A: delegates verification to B, keeps its verdicts until the token's exp (30 s at most).
  const orders = express();
  orders.use(sessionGuard({ providers: [remote({ url: identityUrl, credentials: SERVICE_A_KEY })] }));
  orders.get('/orders', (req, res) => {
    res.json({ user: req.auth!.subject, scope: req.auth!.scope, session: req.auth!.sessionId });
  });
  orders.get('/hasura-token', async (req, res) => {
    // The session itself asks B for a template token: its own token is the credential.
    const answer = await fetch(`${identityUrl}/v1/sessions/${req.auth!.sessionId}/tokens/custom_hasura`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await req.auth!.getToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expires_in_seconds: 300 }),
    });
    res.status(answer.status).json(await answer.json());
  });
  const ordersUrl = await listen(orders, once ? 0 : 4001);

  const token = await issuer.sessionToken({ sub: 'user_01EXAMPLE', expiresIn: 3600, claims: { permissions: ['orders:read'], role: 'editor' } });
  clockOffsetMs = -10 * 60_000;
  const upstreamThen = await issuer.sessionToken({ sub: 'user_01EXAMPLE', issuedAt: -600, claims: { role: 'editor' } });
  const expired = await demoSession(identityUrl, upstreamThen).finally(() => (clockOffsetMs = 0));
  if (once) {
    const seen = await (await fetch(`${ordersUrl}/orders`, { headers: { authorization: `Bearer ${token}` } })).json();
    const hasura = (await (await fetch(`${ordersUrl}/hasura-token`, { headers: { authorization: `Bearer ${token}` } })).json()) as { jwt: string };
    const rejected = await fetch(`${ordersUrl}/orders`, { headers: { authorization: 'Bearer not-a-token' } });
    console.log('A saw:', seen);
    console.log('Hasura claims:', JSON.parse(Buffer.from(hasura.jwt.split('.')[1]!, 'base64url').toString())['https://hasura.io/jwt/claims']);
    console.log('A rejected a bad token:', rejected.status, await rejected.json());
    await runSessionsRoundTrip(identityUrl, token, expired.jwt);
    console.log(`live sessions of user_01EXAMPLE left for the next run: ${await kept()}`);
    await sessions.close();
    await issuer.close();
    process.exit(0);
  }
  console.log(`identity service (B): ${identityUrl}   orders service (A, remote mode): ${ordersUrl}\n`);
  console.log(`TOKEN='${token}'\n`);
  console.log(`curl -s ${ordersUrl}/orders -H "Authorization: Bearer $TOKEN"`);
  console.log(`curl -s ${ordersUrl}/hasura-token -H "Authorization: Bearer $TOKEN"`);
  console.log(`curl -s -X POST ${identityUrl}/v1/sessions/verify -H "Authorization: Bearer ${SERVICE_A_KEY}" -H "Content-Type: application/json" -d "{\\"token\\":\\"$TOKEN\\"}"`);
  console.log(`curl -s ${identityUrl}/.well-known/jwks.json`);
  const live = await demoSession(identityUrl, token);
  printSessionsCurls(identityUrl, live.token, expired.jwt);
}

void main();
