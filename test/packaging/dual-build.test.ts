/**
 * The CommonJS and ESM builds loaded side by side, as a dual-package app does: errors and
 * verifiers cross between them (scripts/check-dual-build.mjs, also run by `npm run check:package`).
 * The builds are made here, without declarations, into a folder of their own.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const outDir = join(root, 'node_modules', '.cache', 'sessionguard-dual-build');

test('an error or a verifier of one build is recognised by the other build', async () => {
  await run(join(root, 'node_modules', '.bin', 'tsup'), ['--no-dts', '--silent', '--out-dir', outDir], { cwd: root });
  const { stdout } = await run(process.execPath, [join(root, 'scripts', 'check-dual-build.mjs'), outDir], { cwd: root });
  expect(stdout.trim().split('\n')).toEqual([
    'ok an error of the cjs build is a SessionError to both builds',
    'ok an error of the esm build is a SessionError to both builds',
    "ok a verifier of the cjs build serves the other build's Express, Fastify and Hono adapters (10 answers as its own)",
    "ok a verifier of the esm build serves the other build's Express, Fastify and Hono adapters (10 answers as its own)",
  ]);
}, 120_000);
