/**
 * A real browser (Debian's chromium, driven by playwright-core) against the example browser app:
 * sign in on its page, let the session JWT expire (the server's fake clock), and watch the
 * middleware renew it with no redirect; then sign out. With CI=true a missing browser fails.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { chromium, type BrowserContext, type Cookie, type Page } from 'playwright-core';
import { startBrowserApp, type BrowserApp } from '../../examples/browser-app/app';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const JWT_COOKIE = '__Host-sg_session';
const TOKEN_COOKIE = '__Host-sg_session_token';
const available = existsSync(CHROMIUM);

if (!available && process.env.CI === 'true') {
  test('chromium is installed (CI never skips the browser test)', () => {
    throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh`);
  });
}

(available ? describe : describe.skip)('a real browser against the example app', () => {
  jest.setTimeout(60_000);
  let app: BrowserApp;
  let context: BrowserContext;
  let page: Page;
  let profile: string;

  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'sessionguard-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS });
    console.log(`browser: ${context.browser()?.version() ?? execFileSync(CHROMIUM, ['--version']).toString().trim()}`);
  });
  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });
  beforeEach(async () => {
    app = await startBrowserApp(0);
    await context.clearCookies();
    page = await context.newPage();
  });
  afterEach(async () => {
    await page.close();
    await app.close();
  });

  async function cookie(name: string): Promise<Cookie | undefined> {
    return (await context.cookies(app.url)).find((entry) => entry.name === name);
  }

  async function signIn(): Promise<string> {
    await page.goto(`${app.url}/`);
    await page.click('#signin');
    await page.waitForURL(`${app.url}/dashboard`);
    const jwt = await cookie(JWT_COOKIE);
    const token = await cookie(TOKEN_COOKIE);
    // The defaults: __Host- names, HttpOnly, Secure (Chromium keeps them on http://127.0.0.1, a potentially trustworthy origin), Lax, host-only.
    expect(jwt).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/', domain: '127.0.0.1' });
    expect(token).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    return jwt!.value;
  }

  async function fetchFromPage(): Promise<{ status: number; body: string }> {
    return page.evaluate(async () => {
      const res = await fetch('/api/whoami');
      return { status: res.status, body: await res.text() };
    });
  }

  test('an expired JWT is renewed on the next navigation and the next fetch(): one authenticate call', async () => {
    const before = await signIn();
    app.clock.offsetMs = 6 * 60_000;
    const navigation = await page.goto(`${app.url}/dashboard`);
    expect(navigation?.status()).toBe(200);
    await expect(page.textContent('#who')).resolves.toContain('user_ada');
    const after = (await cookie(JWT_COOKIE))!.value;
    expect(after).not.toBe(before);
    expect(decodeJwt(after).exp!).toBeGreaterThan(decodeJwt(before).exp!);
    const call = await fetchFromPage();
    expect(call.status).toBe(200);
    expect(JSON.parse(call.body)).toMatchObject({ subject: 'user_ada' });
    expect(app.authenticateCalls).toBe(1);
  });

  test('a deleted JWT cookie is renewed from the token cookie: one authenticate call', async () => {
    const before = await signIn();
    // Two minutes on (the JWT still valid): a JWT minted in the sign-in's second would be the same bytes.
    app.clock.offsetMs = 2 * 60_000;
    await context.clearCookies({ name: JWT_COOKIE });
    expect(await cookie(JWT_COOKIE)).toBeUndefined();
    const call = await fetchFromPage();
    expect(call.status).toBe(200);
    const after = (await cookie(JWT_COOKIE))!.value;
    expect(after).not.toBe(before);
    expect(decodeJwt(after).exp!).toBeGreaterThan(decodeJwt(before).exp!);
    expect((await page.goto(`${app.url}/dashboard`))?.status()).toBe(200);
    expect(app.authenticateCalls).toBe(1);
  });

  test('after sign-out the next navigation is a 401 JSON answer, the jar is empty, no refresh call', async () => {
    await signIn();
    await page.click('#signout');
    await page.waitForURL(`${app.url}/`);
    expect(await context.cookies(app.url)).toEqual([]);
    const navigation = await page.goto(`${app.url}/dashboard`);
    expect(navigation?.status()).toBe(401);
    expect(navigation?.headers()['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(await navigation!.text())).toMatchObject({ error: 'missing_token' });
    expect(await context.cookies(app.url)).toEqual([]);
    expect(app.authenticateCalls).toBe(0);
  });

  test('the expire button in the page, then the API button: still 200 with no redirect', async () => {
    await signIn();
    await page.click('#expire');
    await page.waitForURL(`${app.url}/dashboard`);
    await page.click('#call');
    await expect(page.waitForFunction(() => document.getElementById('answer')!.textContent!.startsWith('200'))).resolves.toBeTruthy();
    expect(app.authenticateCalls).toBe(1);
  });
});
