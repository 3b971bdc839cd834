/**
 * `npm run bench`: runs each section in its own process, then writes
 * bench/results/results.md and bench/results/chart.svg and prints the targets.
 * BENCH_QUICK=1 for a short run; BENCH_ONLY=verify,http,paired,cold,memory to pick sections
 * (the report then uses the last results of the others).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { QUICK, RESULTS_DIR } from './lib/config.js';

const SECTIONS: Record<string, { file: string; flags: string[] }> = {
  verify: { file: 'verify.ts', flags: [] },
  http: { file: 'http.ts', flags: [] },
  paired: { file: 'paired.ts', flags: [] },
  cold: { file: 'cold-start.ts', flags: [] },
  memory: { file: 'memory.ts', flags: ['--expose-gc'] },
};

function runScript(file: string, flags: string[] = []): void {
  const result = spawnSync(process.execPath, [...flags, '--import', 'tsx', join(__dirname, file)], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${file} failed with status ${result.status}`);
}

mkdirSync(RESULTS_DIR, { recursive: true });
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
console.log(`sessionguard benchmarks (${QUICK ? 'quick' : 'full'} mode)`);
for (const [name, section] of Object.entries(SECTIONS)) {
  if (only !== undefined && !only.includes(name)) continue;
  console.log(`\n## ${name}`);
  runScript(section.file, section.flags);
}
console.log('\n## report');
runScript('report.ts');
