import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { testing } from './lib/package.js';
import { createMinter } from './lib/tokens.js';
import { listenerFor } from './lib/apps.js';
const socket = { readableHighWaterMark: 16384, encrypted: false, remoteAddress: '127.0.0.1' } as unknown as Socket;
async function main() {
  const issuer = await testing.createTestIssuer({ kind: 'workos', alg: 'RS256' });
  const token = createMinter(issuer).mint(1);
  const auths = Array.from({ length: 500 }, () => Buffer.from(`Bearer ${token}`, 'latin1').toString('latin1'));
  const kind = process.env.KIND ?? 'koa-sessionguard';
  const listener = await listenerFor(kind, { issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, pem: issuer.key.publicPem, cold: false });
  const t0 = process.hrtime.bigint(); let n = 0;
  for (let round = 0; round < Number(process.env.ROUNDS ?? 2000); round++) {
    for (let i = 0; i < 500; i++, n++) {
      const req = new IncomingMessage(socket);
      req.method = 'GET'; req.url = '/'; req.httpVersion = '1.1'; req.httpVersionMajor = 1; req.httpVersionMinor = 1;
      req.rawHeaders = ['Host', '127.0.0.1:3000', 'User-Agent', 'bench', 'Authorization', auths[i]!];
      req.headers = { host: '127.0.0.1:3000', 'user-agent': 'bench', authorization: auths[i]! };
      req.complete = true; req.push(null);
      listener(req, new ServerResponse(req));
    }
    await nextTurn();
  }
  console.log(kind, (Number(process.hrtime.bigint() - t0) / 1000 / n).toFixed(3), 'µs/req');
  process.exit(0);
}
main();
