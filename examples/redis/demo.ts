/**
 * Two instances behind one Redis: a user is accepted by both, suspended by a
 * script, then refused by both. Needs a Redis at REDIS_URL (default
 * redis://127.0.0.1:6379; e.g. `redis-server --port 6379`).
 *
 *   npm run demo:redis
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createTestIssuer } from '../../src/testing';

const PORTS = [4001, 4002];

function run(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(__dirname, script), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

function started(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve()));
}

function finished(child: ChildProcess): Promise<void> {
  child.stdout!.pipe(process.stdout);
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function askBoth(token: string): Promise<void> {
  for (const port of PORTS) {
    const res = await fetch(`http://127.0.0.1:${port}/me`, { headers: { authorization: `Bearer ${token}` } });
    console.log(`  :${port} → ${res.status} ${await res.text()}`);
  }
}

async function main(): Promise<void> {
  // A local stand-in for WorkOS: real keys, a JWKS on 127.0.0.1.
  const issuer = await createTestIssuer({ kind: 'workos' });
  const instances = PORTS.map((port) => run('instance.ts', [], { PORT: String(port), WORKOS_CLIENT_ID: 'client_test', JWKS_URL: issuer.jwksUrl }));
  await Promise.all(instances.map(started));
  try {
    const token = await issuer.sessionToken({ sub: 'user_demo', sid: 'session_demo' });
    console.log('user_demo before:');
    await askBoth(token);

    await finished(run('suspend.ts', ['user_demo', 'demo suspension']));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the pub/sub message arrives within milliseconds
    console.log('user_demo after the suspension:');
    await askBoth(token);

    const other = await issuer.sessionToken({ sub: 'user_other', sid: 'session_other' });
    console.log('user_other before:');
    await askBoth(other);
    await finished(run('suspend.ts', ['--revoke-session', 'session_other']));
    await new Promise((resolve) => setTimeout(resolve, 200));
    console.log('user_other after its session was revoked:');
    await askBoth(other);
  } finally {
    for (const instance of instances) instance.kill('SIGTERM');
    await issuer.close();
  }
}

void main();
