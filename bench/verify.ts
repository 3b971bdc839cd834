/**
 * Section 1: verifications per second, RS256 and ES256, one token and many distinct tokens, for
 * sessionguard (cache off and on), its peers and node:crypto's bare signature check (the floor);
 * mitata, in-process, one call at a time (each awaited before the next). Each group (algorithm,
 * token count) runs in fresh processes of its own (three in a full run), its cases interleaved; each case
 * reports its median over those processes.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure } from 'mitata';
import { testing } from './lib/package.js';
import { createMinter, mintMany } from './lib/tokens.js';
import { auth0Case, clerkCase, floorCase, joseCase, jsonwebtokenCase, sessionguardCase, type VerifyCase } from './lib/peers.js';
import { median, RESULTS_DIR, settings } from './lib/config.js';

export interface VerifyResult {
  alg: string;
  tokens: number;
  name: string;
  opsPerSec: number | null;
  note?: string | undefined;
  /** Each fresh process's figure, when the group ran in more than one (opsPerSec is their median). */
  processes?: number[] | undefined;
}

/** One group: an algorithm and a token count, every case interleaved in this process. */
interface Group {
  alg: 'RS256' | 'ES256';
  /** 1, or settings.distinctTokens. */
  tokens: number;
}

const GROUPS: Group[] = (['RS256', 'ES256'] as const).flatMap((alg) => [1, settings.distinctTokens].map((tokens) => ({ alg, tokens })));
const GROUP_ENV = 'BENCH_VERIFY_GROUP';
const ROWS_PREFIX = 'rows: ';

async function measureGroup({ alg, tokens: count }: Group): Promise<VerifyResult[]> {
  const issuer = await testing.createTestIssuer({ kind: 'workos', alg });
  const tokens = mintMany(createMinter(issuer), count);
  const cases: VerifyCase[] = [
    floorCase(issuer),
    joseCase(issuer),
    await sessionguardCase(issuer, false),
    await sessionguardCase(issuer, true),
    clerkCase(issuer),
    await auth0Case(issuer),
    jsonwebtokenCase(issuer),
  ];
  const rows = cases.map((testCase): VerifyResult => ({ alg, tokens: tokens.length, name: testCase.name, opsPerSec: null, note: testCase.skipped }));
  const runs = cases.map((testCase) => {
    const verify = testCase.verify;
    if (testCase.prepare !== undefined) return testCase.prepare(tokens);
    return verify === undefined ? undefined : (i: number) => verify(tokens[i % tokens.length]!);
  });
  for (const [index, run] of runs.entries()) {
    if (run === undefined) continue;
    await run(0); // fails loudly if a library does not accept the token
    // Warm the JIT; with the cache on, see every token once so the run measures the steady state.
    const warmUp = cases[index]!.name.includes('cache on') ? tokens.length : Math.min(tokens.length, 300);
    for (let w = 0; w < warmUp; w++) await run(w);
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const [index, run] of runs.entries()) {
      if (run === undefined) continue;
      let i = 0;
      const stats = await measure(() => run(i++), { min_cpu_time: settings.verifyCpuMs * 1e6 });
      const row = rows[index]!;
      row.opsPerSec = Math.max(row.opsPerSec ?? 0, 1e9 / stats.avg);
    }
  }
  for (const testCase of cases) testCase.close?.();
  await issuer.close();
  return rows;
}

/**
 * Each group runs in a fresh process: a process that had verified one token over and over before
 * the 10,000 distinct ones measured sessionguard's cache-off row about 3% lower on RS256 (0.78 to
 * 0.79x of the floor, against 0.81x fresh), the JIT's state from one group leaking into the next.
 */
function runGroup(group: Group): VerifyResult[] {
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename], {
    env: { ...process.env, [GROUP_ENV]: `${group.alg}:${group.tokens}` },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const line = child.stdout.split('\n').find((candidate) => candidate.startsWith(ROWS_PREFIX));
  if (child.status !== 0 || line === undefined) throw new Error(`the ${group.alg} group of ${group.tokens} token(s) failed (status ${child.status})`);
  return JSON.parse(line.slice(ROWS_PREFIX.length)) as VerifyResult[];
}

/**
 * A group in several fresh processes, each case's median over them: one process can land in a slower
 * or faster state of the JIT for the whole run (RS256 cache off read 0.842 to 0.855 of the floor in
 * eight fresh processes of one build), which a single process reports as a change of the code.
 */
function runGroupInProcesses(group: Group): VerifyResult[] {
  const runs = Array.from({ length: settings.verifyProcesses }, () => runGroup(group));
  if (runs.length === 1) return runs[0]!;
  return runs[0]!.map((row, index) => {
    const figures = runs.map((rows) => rows[index]!.opsPerSec).filter((value): value is number => value !== null);
    return { ...row, opsPerSec: figures.length === 0 ? null : median(figures), processes: figures.length === 0 ? undefined : figures.map(Math.round) };
  });
}

async function main(): Promise<void> {
  const own = process.env[GROUP_ENV];
  if (own !== undefined) {
    const [alg, tokens] = own.split(':');
    console.log(ROWS_PREFIX + JSON.stringify(await measureGroup({ alg: alg as Group['alg'], tokens: Number(tokens) })));
    return;
  }
  const results: VerifyResult[] = [];
  for (const group of GROUPS) {
    const rows = runGroupInProcesses(group);
    for (const row of rows) {
      const figure = row.opsPerSec === null ? `skipped (${row.note})` : `${Math.round(row.opsPerSec).toLocaleString('en')} verifications/s`;
      console.log(`${row.alg} ${String(row.tokens).padStart(6)} token(s)  ${row.name.padEnd(40)} ${figure}`);
    }
    results.push(...rows);
  }
  writeFileSync(join(RESULTS_DIR, 'verify.json'), JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
