/**
 * The identity service's first-party sessions, as curl commands and (with --once) a round trip:
 * create a session from an upstream token, authenticate it by token and by an expired JWT
 * (refreshed), extend it, add custom claims, check authorization (granted and refused), revoke it.
 */
import type { SessionsOptions } from '../../src/index.js';

export const PROJECT_ID = 'project-test-6f1c2a9e-demo-4b7d-8e3f-0a5c9d2b4e61';
/** In production: from your secret store. Held by the app that signs users in. */
export const PROJECT_SECRET = 'secret-test-Zk4q8Nw2Rb6Tx0Lm3Vp7Jc1Hs5Gd9Fa';

export const SESSIONS_POLICY: SessionsOptions['policy'] = {
  roles: [
    { role_id: 'viewer', permissions: [{ resource_id: 'documents', actions: ['read'] }] },
    { role_id: 'editor', permissions: [{ resource_id: 'documents', actions: ['read', 'write'] }] },
  ],
  resources: [
    { resource_id: 'documents', actions: ['read', 'write'] },
    { resource_id: 'billing', actions: ['read'] },
  ],
};

const basic = `Basic ${Buffer.from(`${PROJECT_ID}:${PROJECT_SECRET}`).toString('base64')}`;

/** What the demo reads from the answers (a success, or an error with its `error_type`). */
interface SessionsAnswer {
  session: { session_id: string; user_id: string; roles: string[]; expires_at: string; custom_claims: Record<string, unknown> };
  session_token: string;
  session_jwt: string;
  verdict?: { authorized: boolean; granting_roles: string[] };
  error_type?: string;
}

async function call(base: string, path: string, body: unknown): Promise<{ status: number; body: SessionsAnswer }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as SessionsAnswer };
}

/** Creates a session from the upstream token; `expired` is the JWT of a session created ten minutes "ago" (the demo's clock is moved back for it). */
export async function runSessionsRoundTrip(base: string, upstreamToken: string, expiredJwt: string): Promise<void> {
  const created = await call(base, '/v1/sessions', { token: upstreamToken, session_duration_minutes: 60 });
  console.log('session created:', created.status, { user_id: created.body.session.user_id, roles: created.body.session.roles });
  const token = created.body.session_token;
  const byToken = await call(base, '/v1/sessions/authenticate', { session_token: token });
  console.log('authenticated by token:', byToken.status, byToken.body.session.session_id === created.body.session.session_id);
  const refreshed = await call(base, '/v1/sessions/authenticate', { session_jwt: expiredJwt });
  const newExp = JSON.parse(Buffer.from(String(refreshed.body.session_jwt).split('.')[1]!, 'base64url').toString()).exp as number;
  console.log('expired JWT refreshed:', refreshed.status, newExp > Date.now() / 1000);
  const extended = await call(base, '/v1/sessions/authenticate', { session_token: token, session_duration_minutes: 1440 });
  console.log('extended to:', extended.status, Math.round((Date.parse(extended.body.session.expires_at) - Date.now()) / 3_600_000), 'hours');
  const claimed = await call(base, '/v1/sessions/authenticate', { session_token: token, session_custom_claims: { plan: 'pro' } });
  console.log('custom claims:', claimed.status, claimed.body.session.custom_claims);
  const granted = await call(base, '/v1/sessions/authenticate', { session_token: token, authorization_check: { resource_id: 'documents', action: 'write' } });
  console.log('authorization granted:', granted.status, granted.body.verdict);
  const refused = await call(base, '/v1/sessions/authenticate', { session_token: token, authorization_check: { resource_id: 'billing', action: 'read' } });
  console.log('authorization refused:', refused.status, refused.body.error_type);
  const revoked = await call(base, '/v1/sessions/revoke', { session_token: token });
  console.log('revoked:', revoked.status);
  const after = await call(base, '/v1/sessions/authenticate', { session_token: token });
  console.log('after revoke:', after.status, after.body.error_type);
}

/** The same steps as curl commands (the token of a live session and an expired JWT are printed for them). */
export function printSessionsCurls(base: string, sessionToken: string, expiredJwt: string): void {
  const u = `-u "${PROJECT_ID}:${PROJECT_SECRET}" -H "Content-Type: application/json"`;
  const post = (path: string, body: string) => console.log(`curl -s -X POST ${base}${path} ${u} -d '${body}'`);
  console.log(`\n# First-party sessions (Stytch's sessions API, HTTP Basic project_id:secret)`);
  console.log(`SESSION_TOKEN='${sessionToken}'`);
  console.log(`EXPIRED_JWT='${expiredJwt}'\n`);
  console.log('# create a session from the upstream token');
  post('/v1/sessions', '{"token":"'+"'\"$TOKEN\"'"+'","session_duration_minutes":60}');
  console.log('# authenticate by token');
  post('/v1/sessions/authenticate', '{"session_token":"'+"'\"$SESSION_TOKEN\"'"+'"}');
  console.log('# refresh an expired JWT of a live session');
  post('/v1/sessions/authenticate', '{"session_jwt":"'+"'\"$EXPIRED_JWT\"'"+'"}');
  console.log('# extend the session by a day');
  post('/v1/sessions/authenticate', '{"session_token":"'+"'\"$SESSION_TOKEN\"'"+'","session_duration_minutes":1440}');
  console.log('# add a custom claim (null deletes it)');
  post('/v1/sessions/authenticate', '{"session_token":"'+"'\"$SESSION_TOKEN\"'"+'","session_custom_claims":{"plan":"pro"}}');
  console.log('# authorization check: granted (editor may write documents)');
  post('/v1/sessions/authenticate', '{"session_token":"'+"'\"$SESSION_TOKEN\"'"+'","authorization_check":{"resource_id":"documents","action":"write"}}');
  console.log('# authorization check: refused (403 unauthorized_action)');
  post('/v1/sessions/authenticate', '{"session_token":"'+"'\"$SESSION_TOKEN\"'"+'","authorization_check":{"resource_id":"billing","action":"read"}}');
  console.log('# revoke');
  post('/v1/sessions/revoke', '{"session_token":"'+"'\"$SESSION_TOKEN\"'"+'"}');
  console.log(`curl -s ${base}/v1/sessions/jwks/${PROJECT_ID}`);
}

/** Creates a session for the demo's printed commands: returns its token and the JWT. */
export async function demoSession(base: string, upstreamToken: string): Promise<{ token: string; jwt: string }> {
  const created = await call(base, '/v1/sessions', { token: upstreamToken, session_duration_minutes: 120 });
  return { token: created.body.session_token, jwt: created.body.session_jwt };
}
