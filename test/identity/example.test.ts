import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The demo keeps its sessions in an embedded PGlite: here in a temp data directory, run twice.
const dataDir = mkdtempSync(join(tmpdir(), 'sessionguard-demo-'));
const runOnce = async () =>
  (
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/identity-service/server.ts', '--once'], {
      cwd: `${__dirname}/../..`,
      timeout: 60_000,
      env: { ...process.env, SESSIONS_DATA_DIR: dataDir, DATABASE_URL: '' },
    })
  ).stdout;

let stdout: string;
beforeAll(async () => {
  stdout = await runOnce();
}, 70_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

test('examples/identity-service runs one round trip through both services', () => {
  expect(stdout).toContain("user: 'user_01EXAMPLE'");
  expect(stdout).toContain("'x-hasura-user-id': 'user_01EXAMPLE'");
  expect(stdout).toContain("A rejected a bad token: 401");
});

test('examples/identity-service runs its first-party sessions round trip', () => {
  expect(stdout).toContain("session created: 200 { user_id: 'user_01EXAMPLE', roles: [ 'editor' ] }");
  expect(stdout).toContain('authenticated by token: 200 true');
  expect(stdout).toContain('expired JWT refreshed: 200 true');
  expect(stdout).toContain('extended to: 200 24 hours');
  expect(stdout).toContain("custom claims: 200 { plan: 'pro' }");
  expect(stdout).toContain("authorization granted: 200 { authorized: true, granting_roles: [ 'editor' ] }");
  expect(stdout).toContain('authorization refused: 403 unauthorized_action');
  expect(stdout).toContain('revoked: 200');
  expect(stdout).toContain('after revoke: 404 session_not_found');
});

test('examples/identity-service keeps its sessions in its data directory across a restart', async () => {
  const left = Number(/left for the next run: (\d+)/.exec(stdout)![1]);
  expect(stdout).toContain('kept from earlier runs: 0');
  expect(left).toBeGreaterThan(0);
  expect(await runOnce()).toContain(`kept from earlier runs: ${left}`);
}, 70_000);
