/**
 * Section 1: verifications per second, RS256 and ES256, one token and many
 * distinct tokens, for sessionguard and its peers (mitata, in-process).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure } from 'mitata';
import { createTestIssuer, type TestAlgorithm } from '../src/testing/index.js';
import { createMinter, mintMany } from './lib/tokens.js';
import { auth0Case, clerkCase, joseCase, jsonwebtokenCase, sessionguardCase, type VerifyCase } from './lib/peers.js';
import { RESULTS_DIR, settings } from './lib/config.js';

export interface VerifyResult {
  alg: string;
  tokens: number;
  name: string;
  opsPerSec: number | null;
  note?: string;
}

async function main(): Promise<void> {
  const results: VerifyResult[] = [];
  for (const alg of ['RS256', 'ES256'] as TestAlgorithm[]) {
    const issuer = await createTestIssuer({ kind: 'workos', alg });
    const minter = createMinter(issuer);
    const many = mintMany(minter, settings.distinctTokens);
    const cases: VerifyCase[] = [
      joseCase(issuer),
      await sessionguardCase(issuer, false),
      await sessionguardCase(issuer, true),
      clerkCase(issuer),
      await auth0Case(issuer),
      jsonwebtokenCase(issuer),
    ];
    for (const tokens of [[many[0] as string], many]) {
      const rows = cases.map((testCase): VerifyResult => ({ alg, tokens: tokens.length, name: testCase.name, opsPerSec: null, note: testCase.skipped }));
      for (const testCase of cases) {
        if (testCase.verify === undefined) continue;
        await testCase.verify(tokens[0] as string); // fails loudly if a library does not accept the token
        // Warm the JIT; with the cache on, see every token once so the run measures the steady state.
        const warmUp = testCase.name.includes('cache on') ? tokens.length : Math.min(tokens.length, 300);
        for (let w = 0; w < warmUp; w++) await testCase.verify(tokens[w % tokens.length] as string);
      }
      for (let round = 0; round < settings.rounds; round++) {
        for (const [index, testCase] of cases.entries()) {
          const verify = testCase.verify;
          if (verify === undefined) continue;
          let i = 0;
          const stats = await measure(() => verify(tokens[i++ % tokens.length] as string), { min_cpu_time: settings.verifyCpuMs * 1e6 });
          const row = rows[index] as VerifyResult;
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
