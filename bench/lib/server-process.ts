/** Starts bench/http-server.ts in its own process and waits until it listens. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { TestIssuer } from '../../src/testing/index.js';

export interface ServerProcess {
  url: string;
  /** The server's process id (for reading its CPU time from /proc). */
  pid: number;
  stop(): Promise<void>;
}

/** Node flags for every server process, from BENCH_SERVER_NODE_ARGS (space-separated), e.g. `--cpu-prof`. */
const serverNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((flag) => flag !== '');

export type StartResult = { server: ServerProcess } | { unavailable: string };

/** `dist`: another build of sessionguard for this server (see bench/lib/package.ts). */
export function startServer(kind: string, issuer: TestIssuer, { cold = false, dist }: { cold?: boolean; dist?: string } = {}): Promise<StartResult> {
  const child: ChildProcess = spawn(process.execPath, [...serverNodeArgs, '--import', 'tsx', join(__dirname, '..', 'http-server.ts')], {
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
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\d+)/.exec(output);
      if (ready) return resolve({ server: { url: `http://127.0.0.1:${ready[1]}/`, pid: child.pid!, stop } });
      const unavailable = /UNAVAILABLE (.*)/.exec(output);
      if (unavailable) return resolve({ unavailable: unavailable[1] as string });
    });
    child.once('exit', (code) => reject(new Error(`server ${kind} exited with ${code} before it was ready`)));
  });
}
