/**
 * `npm run demo:browser`: the command in package.json starts the example browser app, which
 * prints steps; each step is followed here as a browser would (cookies carried by hand).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGTERM');
});

function jar(lines: string[], cookies: Map<string, string>): void {
  for (const line of lines) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    const value = pair!.slice(eq + 1);
    if (/Max-Age=0(;|$)/.test(line)) cookies.delete(pair!.slice(0, eq));
    else cookies.set(pair!.slice(0, eq), value);
  }
}

test('starts with one command, prints steps, and the steps work: sign in, call, expire, call again, sign out', async () => {
  const [command, ...args] = scripts['demo:browser']!.split(' ');
  const spawned = spawn(join(root, 'node_modules', '.bin', command!), args, { cwd: root, env: { ...process.env, PORT: '0' } });
  child = spawned;
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no steps printed:\n${text}`)), 30_000);
    spawned.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('Ctrl+C')) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
  const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
  expect(output).toMatch(/1\. Open .* "Sign in as Ada"/);
  const cookies = new Map<string, string>();
  const send = async (method: string, path: string) => {
    const res = await fetch(`${url}${path}`, { method, redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), origin: url } });
    jar(res.headers.getSetCookie(), cookies);
    return res;
  };
  expect((await send('GET', '/')).status).toBe(200);
  expect((await send('POST', '/signin')).status).toBe(303);
  expect([...cookies.keys()]).toEqual(['__Host-sg_session', '__Host-sg_session_token']);
  expect((await send('GET', '/api/whoami')).status).toBe(200);
  const before = cookies.get('__Host-sg_session');
  expect((await send('POST', '/demo/expire')).status).toBe(303);
  const call = await send('GET', '/api/whoami');
  expect(call.status).toBe(200);
  expect(await call.json()).toMatchObject({ subject: 'user_ada' });
  expect(cookies.get('__Host-sg_session')).not.toBe(before);
  expect((await send('POST', '/signout')).status).toBe(303);
  expect(cookies.size).toBe(0);
  const after = await send('GET', '/dashboard');
  expect(after.status).toBe(401);
  expect(await after.json()).toMatchObject({ error: 'missing_token' });
}, 60_000);
