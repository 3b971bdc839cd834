/** Turns the sections' JSON into bench/results/results.md and chart.svg, and prints the targets as pass/fail lines. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUICK, RESULTS_DIR, settings } from './lib/config.js';
import { describeMachine } from './lib/machine.js';
import { renderChart, type Bar } from './lib/chart.js';
import type { VerifyResult } from './verify.js';
import type { HttpResult } from './http.js';
import type { PairedResult } from './paired.js';
import { median } from './lib/median.js';
import type { ColdResult } from './cold-start.js';
import type { MemoryResult } from './memory.js';

function load<T>(name: string): T | undefined {
  const file = join(RESULTS_DIR, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

const JOSE = 'jose jwtVerify (floor)';
const SG_OFF = 'sessionguard (cache off)';
const SG_ON = 'sessionguard (cache on)';

const int = (value: number): string => Math.round(value).toLocaleString('en');
const ratio = (value: number): string => (value >= 10 ? `${value.toFixed(0)}×` : `${value.toFixed(2)}×`);

const verify = load<VerifyResult[]>('verify') ?? [];
const http = load<HttpResult[]>('http') ?? [];
const paired = load<PairedResult[]>('paired') ?? [];
const cold = load<ColdResult[]>('cold-start') ?? [];
const memory = load<MemoryResult>('memory');
const machine = describeMachine();

const targets: { ok: boolean | null; text: string }[] = [];
const target = (ok: boolean | null, text: string): void => void targets.push({ ok, text });
const md: string[] = [];

md.push(
  '# sessionguard benchmarks',
  '',
  `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}; ${machine.date.slice(0, 10)}; ` +
    `${QUICK ? 'quick mode (BENCH_QUICK=1)' : 'full mode'}. Ratios are against the baseline measured in the same run; absolute figures depend on the machine. ` +
    `Verify cases run interleaved for ${settings.rounds} rounds and each keeps its best round (the one least disturbed by other processes). ` +
    `HTTP runs ${settings.httpRounds} rounds, each with a fresh process per server (two for the bare frameworks and sessionguard's cached path, counted as their mean); within a round a framework's servers run side by side and take the load in 1-second bursts in turn, the order reversed on every pass; a row shows its median round, and its ratio to the bare framework is the median of per-round ratios.`,
  '',
);

// 1. Verify throughput
const columns = [...new Set(verify.map((row) => `${row.alg}|${row.tokens}`))];
const names = [...new Set(verify.map((row) => row.name))];
const find = (name: string, column: string): VerifyResult | undefined => verify.find((row) => row.name === name && `${row.alg}|${row.tokens}` === column);
if (verify.length > 0) {
  md.push(
    '## 1. Verifications per second (in-process, one call at a time)',
    '',
    `| library | ${columns.map((column) => { const [alg, n] = column.split('|'); return `${alg}, ${Number(n) === 1 ? '1 token' : `${int(Number(n))} tokens`}`; }).join(' | ')} |`,
    `| --- | ${columns.map(() => '---:').join(' | ')} |`,
  );
  for (const name of names) {
    const cells = columns.map((column) => {
      const row = find(name, column);
      const floor = find(JOSE, column)?.opsPerSec;
      if (row?.opsPerSec == null) return row?.note ?? 'n/a';
      return `${int(row.opsPerSec)} (${ratio(row.opsPerSec / (floor ?? NaN))})`;
    });
    md.push(`| ${name.startsWith('sessionguard') ? `**${name}**` : name} | ${cells.join(' | ')} |`);
  }
  md.push('', 'Ratios against raw `jose.jwtVerify` with a local key set: the floor for any verifier without a cache.', '');
  for (const column of columns) {
    const [alg, n] = column.split('|');
    const label = `${alg}, ${Number(n) === 1 ? '1 token' : `${n} tokens`}`;
    const floor = find(JOSE, column)?.opsPerSec ?? NaN;
    const off = find(SG_OFF, column)?.opsPerSec ?? NaN;
    const on = find(SG_ON, column)?.opsPerSec ?? NaN;
    target(off / floor >= 0.95, `cache off ≥ 0.95 × raw jose (${label}): ${ratio(off / floor)}`);
    target(on / floor >= 20, `cache on ≥ 20 × raw jose (${label}): ${ratio(on / floor)}`);
    const peers = names.filter((name) => name !== JOSE && !name.startsWith('sessionguard'));
    for (const peer of peers) {
      const value = find(peer, column)?.opsPerSec;
      if (value == null) continue;
      target(off > value, `cache off ahead of ${peer} (${label}): ${ratio(off / value)}`);
    }
  }
}

// 2. HTTP
const httpRow = (kind: string): HttpResult | undefined => http.find((row) => row.kind === kind);
if (http.length > 0) {
  md.push(
    '## 2. HTTP: hello-world route, autocannon, each server in its own process',
    '',
    '| server | processes per round | req/s | vs bare framework | p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const row of http) {
    if (row.requestsPerSec === null) {
      md.push(`| ${row.name} | | not available: ${row.note ?? ''} | | | |`);
      continue;
    }
    const vsBase = baselineRatio(row);
    md.push(
      `| ${row.name.includes('sessionguard') ? `**${row.name}**` : row.name} | ${row.processRounds === undefined ? 1 : `${row.processRounds.length} (mean)`} | ${int(row.requestsPerSec)} | ${vsBase === undefined ? 'baseline' : ratio(vsBase)} | ${row.p50Ms} | ${row.p99Ms} |`,
    );
  }
  md.push('');
  // Noise control: the two processes of a bare framework in each round run the same server.
  const controls = http.filter((row) => row.baseline === null && row.processRounds !== undefined && row.processRounds[1]!.length > 0);
  if (controls.length > 0) {
    md.push(
      `Noise control: the two bare processes of each round, loaded like every other server, measured ${controls
        .map((row) => {
          const [first, second] = row.processRounds!;
          const perRound = second!.map((value, round) => value / first![round]!);
          return `${ratio(median(perRound)!)} of each other (${row.name.split(' ')[0]}; second process over first, median of rounds; per round from ${ratio(Math.min(...perRound))} to ${ratio(Math.max(...perRound))})`;
        })
        .join(' and ')}. Single processes of identical servers measure that far apart on this machine: a gap of that size between single-process rows says nothing. ` +
        'The rows with two processes per round (the bare frameworks and sessionguard\'s cached path) count their mean, which narrows that spread.',
      '',
    );
  }
  if (http.some((row) => row.reference === true)) {
    md.push(
      'Reference rows: a middleware that only sets the principal, what each framework charges any middleware that follows the `req.auth` / `ctx.state.auth` convention. ' +
        'They run one process per round, so their ratios carry the single-process spread above.',
      '',
    );
  }
  // The cached-path targets are read from the paired runs (2b) when there are any: see below.
  for (const [guarded, bare, label] of [['express-sessionguard', 'express', 'Express'], ['koa-sessionguard', 'koa', 'Koa']] as const) {
    if (pairedTarget(guarded) !== undefined) continue;
    const row = httpRow(guarded);
    const sequential = row === undefined || httpRow(bare)?.requestsPerSec == null ? undefined : baselineRatio(row);
    if (sequential === undefined) target(null, `cached path ≥ 0.90 × bare ${label}: not available (${row?.note ?? 'not run'})`);
    else target(sequential >= 0.9, `cached path ≥ 0.90 × bare ${label} req/s (two processes each, median of per-round ratios): ${ratio(sequential)}`);
  }
  const peers = http.filter((row) => row.kind.startsWith('express-') && !row.kind.includes('sessionguard') && row.reference !== true && row.requestsPerSec !== null);
  for (const kind of ['express-sessionguard', 'express-sessionguard-nocache']) {
    const mine = httpRow(kind);
    if (mine?.requestsPerSec == null) continue;
    for (const peer of peers) {
      target(mine.requestsPerSec > peer.requestsPerSec!, `${mine.name} ahead of ${peer.name}: ${ratio(mine.requestsPerSec / peer.requestsPerSec!)}`);
    }
  }
}

/** The paired comparison of a cached-path kind against its bare framework, when it ran (else the sequential ratio decides). */
function pairedTarget(kind: string): PairedResult | undefined {
  return paired.find((row) => row.role === 'target' && row.second.kind === kind && !('unavailable' in row));
}

// 2b. HTTP, paired on one core
if (paired.length > 0) {
  const ran = paired.filter((row): row is PairedResult & { ratio: number; pairMedians: number[]; minCpuShare: number; maxLoaderShare: number } => !('unavailable' in row));
  md.push(
    '## 2b. HTTP, paired: two servers at once on one shared core',
    '',
    `Each comparison runs ${settings.pairedPairs} fresh pairs of processes. Both servers of a pair are pinned to one core and loaded at once, with the same autocannon settings, ` +
      `by a load generator pinned to the other core; the kernel gives two busy processes on one core equal time, so the ratio of their req/s is the ratio of their costs per request, ` +
      `and whatever the machine does meanwhile falls on both alike. A pair is warmed up for ${settings.pairedWarmupSeconds} s, then loaded in ${settings.pairedBursts} bursts of ${settings.pairedSeconds} s; ` +
      'a ratio is the median over all bursts of all pairs. The targets for the cached path are read from here.',
    '',
    '| comparison | second server\'s req/s over the first\'s | each pair\'s median | least share of the core | load generator, most of its core |',
    '| --- | ---: | --- | ---: | ---: |',
  );
  // A load generator near its limit, or a server short of its half of the core, leaves the servers waiting on
  // the load rather than on their own work: the ratio then leans towards 1 and understates the gap.
  const nearLimit = (row: { minCpuShare: number; maxLoaderShare: number }): boolean => row.maxLoaderShare > 0.7 || row.minCpuShare < 0.47;
  for (const row of paired) {
    if ('unavailable' in row) {
      md.push(`| ${row.name} | not available: ${row.unavailable} | | | |`);
      continue;
    }
    const name = row.second.kind.includes('sessionguard') ? `**${row.name}**` : row.name;
    md.push(
      `| ${name} | ${ratio(row.ratio)}${nearLimit(row) ? ' †' : ''} | ${row.pairMedians.map((value) => value.toFixed(3)).join(', ')} | ${row.minCpuShare.toFixed(2)} | ${row.maxLoaderShare.toFixed(2)} |`,
    );
  }
  md.push('');
  if (ran.some(nearLimit)) {
    md.push(
      '† The load generator used more than 0.7 of its core, or a server got less than 0.47 of the shared one: the servers were at times waiting for load rather than busy, ' +
        'which pulls the ratio towards 1. Read it as an upper bound.',
      '',
    );
  }
  for (const row of ran.filter((candidate) => candidate.role === 'target')) {
    const label = row.first.kind === 'koa' ? 'Koa' : 'Express';
    const sequential = httpRow(row.second.kind);
    const sequentialRatio = sequential === undefined ? undefined : baselineRatio(sequential);
    target(
      row.ratio >= 0.9,
      `cached path ≥ 0.90 × bare ${label} req/s (paired on one core, ${settings.pairedPairs} pairs): ${ratio(row.ratio)}${nearLimit(row) ? ' (load generator near its limit: an upper bound)' : ''} ` +
        `(pairs ${row.pairMedians.map((value) => value.toFixed(3)).join(', ')}; sequential table: ${sequentialRatio === undefined ? 'n/a' : ratio(sequentialRatio)})`,
    );
  }
}

/** A row's ratio to its bare framework: the median of per-round ratios when recorded, else best against best. */
function baselineRatio(row: HttpResult): number | undefined {
  if (row.baseline === null || row.requestsPerSec === null) return undefined;
  if (typeof row.ratioToBaseline === 'number') return row.ratioToBaseline;
  const base = httpRow(row.baseline)?.requestsPerSec;
  return base ? row.requestsPerSec / base : undefined;
}

// 3. Cold start
if (cold.length > 0) {
  md.push('## 3. Cold start: concurrent requests on a fresh process', '', '| server | answered 200 | key-set fetches |', '| --- | ---: | ---: |');
  for (const row of cold) {
    md.push(row.keyFetches === null ? `| ${row.name} | not available: ${row.note ?? ''} | |` : `| ${row.name} | ${row.ok} / ${row.requests} | ${row.keyFetches} |`);
    if (row.kind.includes('sessionguard')) {
      if (row.keyFetches === null) target(null, `${row.name}: one key fetch on a cold start: not available (${row.note ?? ''})`);
      else target(row.keyFetches === 1 && row.ok === row.requests, `${row.name}: exactly one key fetch for ${row.requests} concurrent cold requests: ${row.keyFetches} (${row.ok} answered 200)`);
    }
  }
  md.push('');
}

// 4. Memory
if (memory !== undefined) {
  const growth = memory.fullCacheMiB - memory.baselineMiB;
  const bounded = memory.endMiB - memory.baselineMiB <= growth * 1.25 + 2;
  md.push(
    '## 4. Memory: distinct valid tokens through the Express middleware',
    '',
    '| tokens | cache bound | heap before | heap with a full cache | heap at the end | per cached token |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${int(memory.tokens)} | ${int(memory.cacheMax)} entries | ${memory.baselineMiB.toFixed(1)} MiB | ${memory.fullCacheMiB.toFixed(1)} MiB | ${memory.endMiB.toFixed(1)} MiB | ~${int(memory.bytesPerEntry)} B |`,
    '',
  );
  target(bounded, `heap bounded by the cache after ${int(memory.tokens)} tokens: ${memory.endMiB.toFixed(1)} MiB at the end vs ${memory.fullCacheMiB.toFixed(1)} MiB with a full cache`);
}

md.push('## Targets', '', ...targets.map((t) => `- ${t.ok === null ? 'SKIP' : t.ok ? 'PASS' : 'FAIL'} ${t.text}`), '');
writeFileSync(join(RESULTS_DIR, 'results.md'), md.join('\n'));

// Chart: verify ratios (log scale) and HTTP req/s against the bare framework.
const verifyBars: Bar[] = [];
for (const column of columns) {
  const floor = find(JOSE, column)?.opsPerSec;
  if (floor == null) continue;
  const [alg, n] = column.split('|');
  for (const name of names) {
    const row = find(name, column);
    if (row?.opsPerSec == null) continue;
    verifyBars.push({
      label: `${alg} ${Number(n) === 1 ? '1 token' : `${int(Number(n))} tokens`} · ${name}`,
      value: row.opsPerSec / floor,
      text: `${ratio(row.opsPerSec / floor)} (${int(row.opsPerSec)}/s)`,
      highlight: name.startsWith('sessionguard'),
    });
  }
}
const httpBars: Bar[] = http
  .filter((row) => row.requestsPerSec !== null)
  .map((row) => {
    const value = baselineRatio(row) ?? 1;
    return { label: row.name, value, text: `${ratio(value)} (${int(row.requestsPerSec!)} req/s)`, highlight: row.kind.includes('sessionguard') };
  });
writeFileSync(
  join(RESULTS_DIR, 'chart.svg'),
  renderChart('sessionguard vs peers', `${machine.cpu}, ${machine.cores} cores · Node ${machine.node} · ${machine.date.slice(0, 10)}${QUICK ? ' · quick mode' : ''}`, [
    { title: 'Verifications per second, relative to raw jose.jwtVerify (log scale)', bars: verifyBars, log: true },
    { title: 'HTTP requests per second, relative to the bare framework', bars: httpBars },
  ]),
);

console.log(targets.map((t) => `${t.ok === null ? 'SKIP' : t.ok ? 'PASS' : 'FAIL'} ${t.text}`).join('\n'));
console.log(`\nwrote ${join(RESULTS_DIR, 'results.md')} and chart.svg`);
