import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

test('examples/identity-service runs one round trip through both services', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/identity-service/server.ts', '--once'], {
    cwd: `${__dirname}/../..`,
    timeout: 60_000,
  });
  expect(stdout).toContain("user: 'user_01EXAMPLE'");
  expect(stdout).toContain("'x-hasura-user-id': 'user_01EXAMPLE'");
  expect(stdout).toContain("A rejected a bad token: 401");
});
