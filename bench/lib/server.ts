/** Starts bench/http-server.ts in its own process and waits until it listens. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestIssuer } from 'sessionguard/testing';

export interface ServerProcess {
  url: string;
  /** The server's process id (for pinning it and reading its CPU time from /proc). */
  pid: number;
  stop(): Promise<void>;
}

/** Node flags for every server process, from BENCH_SERVER_NODE_ARGS (space-separated), e.g. `--cpu-prof --cpu-prof-dir=/tmp/profiles`. */
const serverNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((flag) => flag !== '');

/** `cold`: keys not fetched before listening; `dist`: another build of sessionguard for this server (see lib/package.ts). */
export function startServer(kind: string, issuer: TestIssuer, { cold = false, dist }: { cold?: boolean; dist?: string | undefined } = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...serverNodeArgs, '--import', 'tsx', join(__dirname, '..', 'http-server.ts')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      BENCH_SERVER: kind,
      BENCH_ISSUER: issuer.issuer,
      BENCH_JWKS_URL: issuer.jwksUrl,
      BENCH_PEM: issuer.key.publicPem,
      BENCH_COLD: cold ? '1' : '0',
      ...(dist === undefined ? {} : { BENCH_DIST: dist }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\d+)/.exec(output);
      if (ready) resolve({ url: `http://127.0.0.1:${ready[1]}/`, pid: child.pid!, stop });
    });
    child.once('exit', (code) => reject(new Error(`server ${kind} exited with ${code} before it was ready`)));
  });
}
