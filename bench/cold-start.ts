/**
 * Section 3: a fresh process (keys not warmed) receives 1,000 concurrent
 * requests; how many times was the key set fetched? sessionguard must fetch once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { createMinter } from './lib/tokens.js';
import { startServer } from './lib/server.js';
import { testing } from './lib/package.js';
import { RESULTS_DIR, settings } from './lib/config.js';

export interface ColdResult {
  kind: string;
  name: string;
  requests: number;
  ok: number;
  keyFetches: number;
}

const SERVERS = [
  { kind: 'express-sessionguard', name: 'Express + sessionguard' },
  { kind: 'koa-sessionguard', name: 'Koa + sessionguard' },
  { kind: 'express-oauth2-jwt-bearer', name: 'Express + express-oauth2-jwt-bearer' },
  { kind: 'express-jwt', name: 'Express + express-jwt + jwks-rsa' },
];

function get(url: string, token: string, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function main(): Promise<void> {
  const results: ColdResult[] = [];
  for (const server of SERVERS) {
    const issuer = await testing.createTestIssuer({ kind: 'workos', alg: 'RS256' });
    const token = createMinter(issuer).mint(1);
    const started = await startServer(server.kind, issuer, { cold: true });
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const statuses = await Promise.all(Array.from({ length: settings.coldRequests }, () => get(started.url, token, agent)));
    const row: ColdResult = { ...server, requests: settings.coldRequests, ok: statuses.filter((status) => status === 200).length, keyFetches: issuer.jwksRequests };
    agent.destroy();
    await started.stop();
    console.log(`${server.name.padEnd(40)} ${row.ok}/${row.requests} answered 200, key-set fetches: ${row.keyFetches}`);
    results.push(row);
    await issuer.close();
  }
  writeFileSync(join(RESULTS_DIR, 'cold-start.json'), JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
