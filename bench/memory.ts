/**
 * Section 4: many distinct valid tokens through the Express middleware
 * (in-process). The verified-token cache is bounded by entry count, so the heap
 * at the end must stay near the heap with a full cache, however many tokens passed.
 * Run with --expose-gc. EdDSA keeps minting and verifying a million tokens quick.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import { expressAdapter, testing } from './lib/package.js';
import { AUDIENCE, createMinter } from './lib/tokens.js';
import { RESULTS_DIR, settings } from './lib/config.js';

export interface MemoryResult {
  tokens: number;
  cacheMax: number;
  baselineMiB: number;
  fullCacheMiB: number;
  endMiB: number;
  bytesPerEntry: number;
  seconds: number;
}

const BATCH = 1000;

function heapMiB(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function main(): Promise<void> {
  const issuer = await testing.createTestIssuer({ kind: 'workos', alg: 'EdDSA' });
  const minter = createMinter(issuer);
  const guard = expressAdapter.sessionGuard({
    providers: [issuer.provider({ audience: AUDIENCE })],
    tokenCache: { max: settings.memoryCacheMax },
  });
  await guard.warm();
  const response = {} as Response;
  let rejected = 0;

  const pass = (token: string): Promise<void> =>
    new Promise((resolve) => {
      const authorization = `Bearer ${token}`;
      const request = { method: 'GET', headers: { authorization }, rawHeaders: ['Authorization', authorization] } as unknown as Request;
      const fakeResponse = Object.create(response, {
        status: { value: () => fakeResponse },
        setHeader: { value: () => undefined },
        end: { value: () => { rejected++; resolve(); } },
      }) as Response;
      void guard(request, fakeResponse, () => resolve());
    });

  // Warm the code paths before the baseline, with tokens outside the measured range.
  for (let i = 0; i < 100; i++) await pass(minter.mint(-1 - i));
  const baselineMiB = heapMiB();
  const started = process.hrtime.bigint();
  let fullCacheMiB = 0;
  const fullAt = Math.min(settings.memoryTokens, settings.memoryCacheMax * 2);
  for (let done = 0; done < settings.memoryTokens; ) {
    const size = Math.min(BATCH, settings.memoryTokens - done);
    const batch: Promise<void>[] = [];
    for (let i = 0; i < size; i++) batch.push(pass(minter.mint(done + i)));
    await Promise.all(batch);
    done += size;
    if (fullCacheMiB === 0 && done >= fullAt) fullCacheMiB = heapMiB();
    if (done % 100_000 === 0) console.log(`  ${done.toLocaleString('en')} tokens, heap ${heapMiB().toFixed(1)} MiB`);
  }
  if (rejected > 0) throw new Error(`${rejected} valid tokens were rejected`);
  const result: MemoryResult = {
    tokens: settings.memoryTokens,
    cacheMax: settings.memoryCacheMax,
    baselineMiB,
    fullCacheMiB,
    endMiB: heapMiB(),
    bytesPerEntry: ((fullCacheMiB - baselineMiB) * 2 ** 20) / Math.min(settings.memoryCacheMax, settings.memoryTokens),
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
  console.log(
    `${result.tokens.toLocaleString('en')} distinct tokens in ${result.seconds.toFixed(1)} s: heap ${result.baselineMiB.toFixed(1)} MiB before, ` +
      `${result.fullCacheMiB.toFixed(1)} MiB with a full cache (${result.cacheMax.toLocaleString('en')} entries, ~${Math.round(result.bytesPerEntry)} B each), ${result.endMiB.toFixed(1)} MiB at the end`,
  );
  guard.verifier.close();
  await issuer.close();
  writeFileSync(join(RESULTS_DIR, 'memory.json'), JSON.stringify(result, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
