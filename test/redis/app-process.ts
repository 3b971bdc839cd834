/**
 * App instances in processes of their own, for the tests where two instances share one Redis: the
 * parent starts a script with tsx and waits for its `listening <port>` line; the script serves its
 * app until SIGTERM, then closes what it opened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';

/** An app process; `url` once it listens. */
export interface AppProcess {
  child: ChildProcess;
  url: string;
}

/** Starts `script` (a path) with tsx and these environment variables; resolves once it listens. */
export function startAppProcess(script: string, env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(chunk.toString())?.[1];
      if (port !== undefined) resolve({ child, url: `http://127.0.0.1:${port}` });
    });
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
  });
}

/** Stops an app process (SIGTERM) and waits for it to exit. */
export function stopAppProcess({ child }: AppProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** In the app's process: listens on a free port, says so on stdout, and on SIGTERM runs `close` and exits. */
export function serveUntilTerminated(app: { listen(port: number, host: string, ready: () => void): Server }, close: () => void): void {
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
  });
  process.on('SIGTERM', () => {
    close();
    server.close(() => process.exit(0));
  });
}
