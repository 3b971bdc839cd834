import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess } from './redis-server';

/** Where Debian's postgresql package puts its binaries (the newest major), else the PATH. */
function binary(name: string): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((entry) => /^\d+$/.test(entry)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const major of majors) if (existsSync(join(root, major, 'bin', name))) return join(root, major, 'bin', name);
  return name;
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0) throw new Error('running as root needs a `postgres` user to run the PostgreSQL server (Debian\'s postgresql package creates it)');
  return { uid, gid };
}

/**
 * A throwaway PostgreSQL cluster: `initdb` into a temp directory, then `postgres` on a free port
 * on 127.0.0.1 (its unix socket in the same directory), trusting local connections. `stop()` and
 * `start()` again simulate an outage; the data stays until `close()`.
 */
export class PostgresServer {
  private process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly user: { uid: number; gid: number } | undefined,
  ) {}

  /** `postgres --version`, or undefined when PostgreSQL is not installed. */
  static version(): string | undefined {
    const result = spawnSync(binary('postgres'), ['--version'], { encoding: 'utf8' });
    return result.error === undefined && result.status === 0 ? result.stdout.trim() : undefined;
  }

  static async start(): Promise<PostgresServer> {
    if (PostgresServer.version() === undefined) {
      throw new Error('PostgreSQL is not installed: `apt-get install -y postgresql` (scripts/ensure-postgresql.sh does it as root).');
    }
    const user = runAs();
    const dir = mkdtempSync(join(tmpdir(), 'sessionguard-postgres-'));
    mkdirSync(join(dir, 'data'));
    if (user !== undefined) for (const path of [dir, join(dir, 'data')]) chownSync(path, user.uid, user.gid);
    const init = spawnSync(binary('initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { encoding: 'utf8', ...user });
    if (init.status !== 0) throw new Error(`initdb failed: ${(init.stderr || String(init.error)).slice(-500)}`);
    const server = new PostgresServer(await freePort(), dir, user);
    await server.start();
    return server;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  /** A connection string for `pg` (user postgres, database postgres). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Starts the server (again) and resolves once it accepts connections. */
  start(): Promise<void> {
    const args = ['-D', join(this.dir, 'data'), '-p', String(this.port), '-h', '127.0.0.1', '-k', this.dir, '-c', 'max_connections=50'];
    const child = spawn(binary('postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], ...this.user });
    this.process = child;
    return new Promise((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('ready to accept connections')) {
          child.stderr.off('data', onData);
          child.stderr.resume();
          resolve();
        }
      };
      child.stderr.on('data', onData);
      child.stdout.resume();
      child.once('exit', (code) => reject(new Error(`postgres exited (${code}): ${output.slice(-500)}`)));
    });
  }

  /** Stops the server (a fast shutdown: open transactions roll back, committed data stays); resolves once it is gone. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    await stopProcess(child, 'SIGINT');
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
