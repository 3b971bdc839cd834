/** scripts/check-import-cycles.mjs and scripts/check-file-sizes.mjs (npm run check:shape), run on small folders of their own. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const SCRIPTS = resolve(__dirname, '../../scripts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sessionguard-shape-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes files (path relative to the temp folder → text). */
function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function run(script: string, ...args: string[]): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, [join(SCRIPTS, script), ...args], { cwd: dir, encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('check-import-cycles', () => {
  test('a folder without cycles passes', () => {
    write({
      'src/index.ts': "export { a } from './a.js';\nexport * from './dir';\n",
      'src/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'src/b.ts': "import type { C } from './dir/index.js';\nexport const b = 1 as unknown as C;\n",
      'src/dir/index.ts': 'export type C = number;\n',
    });
    const { status, out } = run('check-import-cycles.mjs', 'src');
    expect(out).toMatch(/no import cycles among 4 files/);
    expect(status).toBe(0);
  });

  test('a cycle through ./x.js and ./dir (index.ts), with a type-only import, is printed and fails', () => {
    write({
      'src/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'src/b.ts': "import type { C } from './dir';\nexport const b = 1 as unknown as C;\n",
      'src/dir/index.ts': "export type { C } from './c.js';\n",
      'src/dir/c.ts': "import type { a } from '../a.js';\nexport type C = typeof a;\n",
      'src/ok.ts': "import { a } from './a.js';\nexport const ok = a;\n",
    });
    const { status, out } = run('check-import-cycles.mjs', 'src');
    expect(status).toBe(1);
    expect(out).toContain('1 import cycle(s)');
    expect(out).toContain('a.ts -> b.ts -> dir/index.ts -> dir/c.ts -> a.ts');
    expect(out).not.toContain('ok.ts');
  });

  test('two separate cycles are both printed; dynamic imports count, commented-out and package imports do not', () => {
    write({
      'src/one.ts': "import { two } from './two';\nexport const one = two;\n",
      'src/two.ts': "export const two = () => import('./one.js');\n",
      'src/three.ts': "import { four } from './four.js';\nexport const three = four;\n",
      'src/four.ts': "import type { three } from './three.js';\nexport type Four = typeof three;\nexport const four = 4;\n",
      'src/five.ts': "// import { six } from './six.js';\n/* import { six } from './six.js'; */\nimport { join } from 'node:path';\nexport const five = join;\n",
      'src/six.ts': "import { five } from './five.js';\nexport const six = five;\n",
    });
    const { status, out } = run('check-import-cycles.mjs', 'src');
    expect(status).toBe(1);
    expect(out).toContain('2 import cycle(s)');
    expect(out).toContain('one.ts -> two.ts -> one.ts');
    expect(out).toContain('four.ts -> three.ts -> four.ts');
    expect(out).not.toMatch(/five\.ts|six\.ts/);
  });
});

describe('check-file-sizes', () => {
  const lines = (count: number) => 'x;\n'.repeat(count);

  test('files at the limit pass', () => {
    write({ 'src/at-limit.ts': lines(300), 'src/deep/small.ts': lines(3) });
    const { status, out } = run('check-file-sizes.mjs', 'src', '300');
    expect(out).toMatch(/no file over 300 lines among 2 files/);
    expect(status).toBe(0);
  });

  test('files over the limit are listed, longest first, and fail', () => {
    write({ 'src/at-limit.ts': lines(300), 'src/big.ts': lines(301), 'src/deep/bigger.ts': `${lines(631)}x;` });
    const { status, out } = run('check-file-sizes.mjs', 'src', '300');
    expect(status).toBe(1);
    expect(out).toContain('2 file(s) under src over 300 lines');
    expect(out.indexOf('src/deep/bigger.ts: 632 lines')).toBeGreaterThan(-1);
    expect(out.indexOf('src/deep/bigger.ts: 632 lines')).toBeLessThan(out.indexOf('src/big.ts: 301 lines'));
    expect(out).not.toContain('at-limit');
  });

  test('a limit that is not a positive whole number is refused', () => {
    write({ 'src/a.ts': lines(1) });
    expect(run('check-file-sizes.mjs', 'src', 'many').status).toBe(2);
  });
});
