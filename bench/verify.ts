/**
 * Section 1: verifications per second, RS256 and ES256, one token and many distinct tokens, for
 * sessionguard (cache off and on), its peers and node:crypto's bare signature check (the floor);
 * mitata, in-process, one call at a time (each awaited before the next).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure } from 'mitata';
import { testing } from './lib/package.js';
import { createMinter, mintMany } from './lib/tokens.js';
import { auth0Case, clerkCase, floorCase, joseCase, jsonwebtokenCase, sessionguardCase, type VerifyCase } from './lib/peers.js';
import { RESULTS_DIR, settings } from './lib/config.js';

export interface VerifyResult {
  alg: string;
  tokens: number;
  name: string;
  opsPerSec: number | null;
  note?: string | undefined;
}

async function main(): Promise<void> {
  const results: VerifyResult[] = [];
  for (const alg of ['RS256', 'ES256'] as const) {
    const issuer = await testing.createTestIssuer({ kind: 'workos', alg });
    const many = mintMany(createMinter(issuer), settings.distinctTokens);
    const cases: VerifyCase[] = [
      floorCase(issuer),
      joseCase(issuer),
      await sessionguardCase(issuer, false),
      await sessionguardCase(issuer, true),
      clerkCase(issuer),
      await auth0Case(issuer),
      jsonwebtokenCase(issuer),
    ];
    for (const tokens of [[many[0]!], many]) {
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
      for (const row of rows) {
        const figure = row.opsPerSec === null ? `skipped (${row.note})` : `${Math.round(row.opsPerSec).toLocaleString('en')} verifications/s`;
        console.log(`${alg} ${String(tokens.length).padStart(6)} token(s)  ${row.name.padEnd(40)} ${figure}`);
      }
      results.push(...rows);
    }
    for (const testCase of cases) testCase.close?.();
    await issuer.close();
  }
  writeFileSync(join(RESULTS_DIR, 'verify.json'), JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
