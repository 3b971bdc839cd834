/**
 * First-party sessions honour onError, errorBody and errorContentType as every other rejection
 * does, on every adapter: a refused session cookie is answered in the app's shape (and handed to
 * the app's error handler with onError 'next'), and the cookies are cleared all the same.
 */
import type { SessionError, SessionGuardOptions } from '../../src';
import { startTestIdentityService, type TestIdentityService } from '../../src/testing';
import { OWNED_STARTERS, type OwnedFramework } from './app-owned-apps';
import type { RunningApp } from './apps';
import { send } from './http';

const FRAMEWORKS = Object.keys(OWNED_STARTERS) as OwnedFramework[];
const JUNK_TOKEN_COOKIE = `sg_session_token=junk-${'x'.repeat(40)}`;

let identity: TestIdentityService;
const running: RunningApp[] = [];

beforeAll(async () => {
  identity = await startTestIdentityService();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});
afterAll(() => identity.close());

async function startAll(options: Partial<SessionGuardOptions>): Promise<Record<OwnedFramework, string>> {
  const urls = {} as Record<OwnedFramework, string>;
  for (const framework of FRAMEWORKS) {
    const app = await OWNED_STARTERS[framework]({
      providers: [identity.provider()],
      refresh: { serviceUrl: identity.url, projectId: identity.projectId, secret: identity.secret },
      cookies: { hostPrefix: false, secure: false },
      clock: identity.now,
      ...options,
    });
    running.push(app);
    urls[framework] = app.url;
  }
  return urls;
}

const problemDetails = (error: SessionError) => ({ type: `https://docs.example.com/errors/${error.error}`, status: error.status, reason: error.reason ?? null });

/** The cookie lines that clear both session cookies. */
function clearsBothCookies(setCookie: string | string[] | undefined): boolean {
  const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return ['sg_session=', 'sg_session_token='].every((name) => lines.some((line) => line.startsWith(name) && line.includes('Max-Age=0')));
}

test('errorBody and errorContentType shape a refused session cookie, byte for byte on every adapter, and the cookies are cleared', async () => {
  const urls = await startAll({ errorBody: problemDetails, errorContentType: 'application/problem+json' });
  const answers = await Promise.all(FRAMEWORKS.map((framework) => send(urls[framework], { path: '/me', headers: { cookie: JUNK_TOKEN_COOKIE } })));
  for (const answer of answers) {
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(answer.text)).toEqual({ type: 'https://docs.example.com/errors/invalid_token', status: 401, reason: 'session_not_found' });
    expect(answer.text).toBe(answers[0]!.text);
    expect(clearsBothCookies(answer.headers['set-cookie'])).toBe(true);
  }
});

test("onError 'next' hands a refused session cookie to the app's error handler on every adapter, its cookies cleared", async () => {
  const urls = await startAll({ onError: 'next' });
  for (const framework of FRAMEWORKS) {
    const answer = await send(urls[framework], { path: '/me', headers: { cookie: JUNK_TOKEN_COOKIE } });
    expect([framework, answer.status, answer.headers['x-handled-by']]).toEqual([framework, 401, 'app']);
    expect(JSON.parse(answer.text)).toMatchObject({ handled: true, error: 'invalid_token', reason: 'session_not_found' });
    // The cookie lines were set before the error was handed on: the app's answer still clears them.
    expect([framework, clearsBothCookies(answer.headers['set-cookie'])]).toEqual([framework, true]);
  }
});
