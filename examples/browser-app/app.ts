import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { identitySessions, memorySessions, type InProcessSessions } from 'sessionguard';
import { sessionGuard } from 'sessionguard/express';
import { createIdentityService, identityRouter } from 'sessionguard/identity';

const PROJECT_ID = 'project-test-7d1e9b2c-4a6f-4c8e-9b0d-1f3a5c7e9b2d';
/** Demo only: a real app reads its secret from the environment. */
const SECRET = 'secret-test-browser-demo-4Kp8Qz2Lm6Wn0Xv3Rt7Yb1Hc5Jd9Fg';

export interface BrowserApp {
  url: string;
  /** The server's fake clock: milliseconds added to the real time (the demo's "expire now" button moves it). */
  clock: { offsetMs: number };
  /** How many times the guard asked the identity service to authenticate a session token. */
  readonly authenticateCalls: number;
  close(): Promise<void>;
}

function page(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>sessionguard browser demo</title></head><body>${body}</body></html>`;
}

const HOME = page(`<h1>sessionguard browser demo</h1>
<form method="post" action="/signin"><button id="signin">Sign in as Ada</button></form>
<p><a id="dashboard" href="/dashboard">Dashboard</a> (needs a session)</p>`);

const DASHBOARD = (subject: string, sessionId: string) =>
  page(`<h1>Dashboard</h1><p id="who">Signed in as ${subject} (session ${sessionId})</p>
<button id="call">Call the API</button> <pre id="answer"></pre>
<form method="post" action="/demo/expire"><button id="expire">Expire the session JWT now (moves the server clock 6 minutes)</button></form>
<form method="post" action="/signout"><button id="signout">Sign out</button></form>
<script>
document.getElementById('call').onclick = async () => {
  const res = await fetch('/api/whoami');
  document.getElementById('answer').textContent = res.status + ' ' + await res.text();
};
</script>`);

/**
 * A browser-facing app behind sessionguard with first-party sessions: sign-in sets the two
 * session cookies, every page and API call verifies the session JWT locally, and an expired JWT
 * is renewed from the session token without a redirect. The identity service runs in the same
 * process (mounted at /v1 too, so its keys are served); in production it is its own service.
 */
export async function startBrowserApp(port = 0): Promise<BrowserApp> {
  const clock = { offsetMs: 0 };
  const now = (): number => Date.now() + clock.offsetMs;
  const app = express();
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const service = createIdentityService({
    providers: [],
    serviceAuth: { apiKeys: [{ name: 'demo', key: 'svc_demo_2f6a0c4e8b1d43f7a9c5e1b3d7f9a0c2', scopes: ['sessions:verify'] }] },
    clock: now,
    sessions: { store: memorySessions(), issuer: url, projectId: PROJECT_ID, secrets: [{ secret: SECRET, scopes: ['sessions:create', 'sessions:create_for_user', 'sessions:authenticate', 'sessions:revoke'] }] },
  });
  let authenticateCalls = 0;
  const counted: InProcessSessions = {
    sessionsInProcess: (operation, body) => {
      if (operation === 'authenticate') authenticateCalls++;
      return service.sessionsInProcess(operation, body);
    },
  };
  const guard = sessionGuard({
    providers: [identitySessions({ issuer: url, projectId: PROJECT_ID, jwksUrl: `${url}/v1/sessions/jwks/${PROJECT_ID}` })],
    refresh: { service: counted },
    // The defaults: __Host- names, Secure. Chromium and Firefox keep Secure cookies on http://127.0.0.1 and localhost.
    cookies: { hostPrefix: true, secure: true },
    clock: now,
  });

  app.use(identityRouter(service));
  app.get('/', (_req, res) => void res.type('html').send(HOME));
  app.post('/signin', async (req, res) => {
    // The demo's "login": a real app checks a password or an upstream token first, then vouches for the user.
    const created = await fetch(`${url}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${PROJECT_ID}:${SECRET}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'user_ada', roles: [], session_duration_minutes: 60 }),
    });
    guard.startSession(req, res, (await created.json()) as Parameters<typeof guard.startSession>[2]);
    res.redirect(303, '/dashboard');
  });
  app.post('/signout', async (req, res, next) => {
    try {
      await guard.endSession(req, res);
      res.redirect(303, '/');
    } catch (error) {
      next(error);
    }
  });
  app.post('/demo/expire', (_req, res) => {
    clock.offsetMs += 6 * 60_000;
    res.redirect(303, '/dashboard');
  });
  app.get('/dashboard', guard, (req, res) => void res.type('html').send(DASHBOARD(req.auth!.subject, req.auth!.sessionId ?? '')));
  app.get('/api/whoami', guard, (req, res) => void res.json({ subject: req.auth!.subject, sessionId: req.auth!.sessionId }));

  return {
    url,
    clock,
    get authenticateCalls() {
      return authenticateCalls;
    },
    close: async () => {
      guard.verifier.close();
      service.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
