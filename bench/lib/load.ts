/** What the HTTP sections share: the autocannon load every server gets, and a server process's CPU time. */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { settings } from './config.js';

/** `seconds` of the benchmark's load on `url`, every request carrying `token`. */
export function load(url: string, token: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: settings.httpConnections, duration: seconds, headers: { authorization: `Bearer ${token}` } });
}

/** User plus system CPU time of a process in clock ticks (1/100 s on Linux), or null without /proc. */
export function cpuTicks(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}
