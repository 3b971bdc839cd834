import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

let stdout: string;
beforeAll(async () => {
  ({ stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/identity-service/server.ts', '--once'], {
    cwd: `${__dirname}/../..`,
    timeout: 60_000,
  }));
}, 70_000);

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
