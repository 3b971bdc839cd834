/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`) by self time, with their share of the
 * profile's samples: the "before and after" table of a change to a hot path.
 *
 *   npx tsx bench/profile-top.ts /tmp/prof/CPU.*.cpuprofile [count]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url === '' ? '' : ` ${url.replace(/^.*\/(dist|src|node_modules)\//, '$1/')}:${lineNumber + 1}`;
  return `${functionName === '' ? '(anonymous)' : functionName}${file}`;
}

function main(): void {
  const [path, countText] = process.argv.slice(2);
  if (path === undefined) throw new TypeError('usage: profile-top.ts <file.cpuprofile> [count]');
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const id of profile.samples) {
    const name = frameName(byId.get(id)!);
    self.set(name, (self.get(name) ?? 0) + 1);
    // Inclusive time: once per frame name on the sample's stack (recursion counted once).
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) seen.add(frameName(byId.get(at)!));
    for (const frame of seen) inclusive.set(frame, (inclusive.get(frame) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const count = Number(countText ?? 25);
  const percent = (hits: number) => `${((100 * hits) / total).toFixed(1).padStart(5)}%`;
  console.log(`${total} samples; self time:`);
  for (const [name, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${percent(hits)}  ${name}`);
  console.log('total time (the frame and what it calls):');
  for (const [name, hits] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${percent(hits)}  ${name}`);
}

main();
