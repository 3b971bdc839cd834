import { spawn } from 'node:child_process';
import { join } from 'node:path';

function runProcess(args: string[], untilLine: boolean): Promise<{ line: string; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'store-process.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (untilLine && out.includes('\n')) {
        resolve({ line: out.trim(), kill: () => new Promise((done) => { child.once('exit', () => done()); child.kill('SIGKILL'); }) });
      }
    });
    child.once('exit', (code) => (code === 0 && !untilLine ? resolve({ line: out.trim(), kill: async () => undefined }) : reject(new Error(`store process exited (${code}): ${err.slice(-800)}`))));
  });
}

/** A process creates sessions and is SIGKILLed; a new process finds every one of them. */
export async function expectSessionsSurviveKill(kind: 'pglite' | 'postgres' | 'redis', target: string, before?: () => Promise<void>): Promise<void> {
  const creator = await runProcess(['create', kind, target, '5'], true);
  const tokens = JSON.parse(creator.line) as string[];
  await creator.kill();
  await before?.();
  const finder = await runProcess(['find', kind, target, ...tokens, 'not-a-token'], false);
  expect(JSON.parse(finder.line)).toEqual([0, 1, 2, 3, 4, null]);
}
