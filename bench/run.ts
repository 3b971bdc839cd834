/**
 * `npm run bench`: runs each section in its own process, then the report (bench/report.ts).
 * BENCH_QUICK=1 for a short run; BENCH_ONLY=verify,paired,in-process,cold,memory,sessions to pick sections (the report
 * then uses the last results of the others). See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { QUICK, RESULTS_DIR } from './lib/config.js';

const SECTIONS: Record<string, string[]> = {
  verify: ['verify.ts'],
  paired: ['paired.ts'],
  'in-process': ['in-process.ts'],
  cold: ['cold-start.ts'],
  memory: ['--expose-gc', 'memory.ts'],
  sessions: ['sessions.ts'],
};

function runScript(args: string[]): void {
  const file = args.pop()!;
  const result = spawnSync(process.execPath, [...args, '--import', 'tsx', join(__dirname, file)], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${file} failed with status ${result.status}`);
}

// `http` is the old name of the HTTP section, which is now measured paired only.
const only = process.env.BENCH_ONLY?.split(',').map((name) => (name.trim() === 'http' ? 'paired' : name.trim()));
const unknown = only?.filter((name) => !(name in SECTIONS));
if (unknown?.length) throw new TypeError(`BENCH_ONLY: unknown section ${unknown.join(', ')} (sections: ${Object.keys(SECTIONS).join(', ')})`);
mkdirSync(RESULTS_DIR, { recursive: true });
console.log(`sessionguard benchmarks (${QUICK ? 'quick' : 'full'} mode)`);
for (const [name, args] of Object.entries(SECTIONS)) {
  if (only !== undefined && !only.includes(name)) continue;
  console.log(`\n## ${name}`);
  runScript([...args]);
}
console.log('\n## report');
runScript(['report.ts']);
