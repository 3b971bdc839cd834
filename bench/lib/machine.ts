import { cpus, totalmem, platform, release } from 'node:os';

/** What the figures were measured on; printed with every result. */
export function describeMachine(): { cpu: string; cores: number; memoryGiB: number; os: string; node: string; date: string } {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}
