/**
 * The cache-miss path against its floor, alone: sessionguard with the cache off and node:crypto's
 * bare verify on the same distinct tokens, interleaved in one process (the verify section's two
 * rows, without the peers). For profiling, `MISS_PATH_ONLY=sessionguard` loops over sessionguard
 * alone:
 *
 *   npx tsx bench/miss-path.ts
 *   MISS_PATH_ONLY=sessionguard node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/miss-path.ts
 */
import { measure } from 'mitata';
import { testing } from './lib/package.js';
import { createMinter, mintMany } from './lib/tokens.js';
import { floorCase, sessionguardCase } from './lib/peers.js';
import { settings } from './lib/config.js';

const only = process.env.MISS_PATH_ONLY;

async function main(): Promise<void> {
  for (const alg of ['RS256', 'ES256'] as const) {
    const issuer = await testing.createTestIssuer({ kind: 'workos', alg });
    const tokens = mintMany(createMinter(issuer), settings.distinctTokens);
    const sessionguard = await sessionguardCase(issuer, false);
    const verify = sessionguard.verify!;
    const floor = floorCase(issuer).prepare!(tokens);
    if (only === 'sessionguard') {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 20 * tokens.length; i++) await verify(tokens[i % tokens.length]!);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(`${alg}: sessionguard (cache off) ${Math.round((20 * tokens.length) / seconds).toLocaleString('en')}/s`);
    } else {
      for (let w = 0; w < 300; w++) {
        floor(w);
        await verify(tokens[w]!);
      }
      let best = { floor: 0, sessionguard: 0 };
      const ratios: number[] = [];
      for (let round = 0; round < settings.rounds; round++) {
        let i = 0;
        const floorStats = await measure(() => floor(i++), { min_cpu_time: settings.verifyCpuMs * 1e6 });
        let j = 0;
        const ownStats = await measure(() => verify(tokens[j++ % tokens.length]!), { min_cpu_time: settings.verifyCpuMs * 1e6 });
        ratios.push(floorStats.avg / ownStats.avg);
        best = { floor: Math.max(best.floor, 1e9 / floorStats.avg), sessionguard: Math.max(best.sessionguard, 1e9 / ownStats.avg) };
      }
      const fmt = (value: number) => Math.round(value).toLocaleString('en');
      console.log(
        `${alg} ${tokens.length} tokens: floor ${fmt(best.floor)}/s, sessionguard (cache off) ${fmt(best.sessionguard)}/s, ` +
          `best-of ratio ${(best.sessionguard / best.floor).toFixed(3)}, per round ${ratios.map((r) => r.toFixed(3)).join(' ')}`,
      );
    }
    sessionguard.close?.();
    await issuer.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
