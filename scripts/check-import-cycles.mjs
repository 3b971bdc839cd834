#!/usr/bin/env node
// Prints every import cycle among the TypeScript files under a folder (default src) and exits 1 if
// there is any. Relative imports only, type-only ones included (`import type`, `export ... from`,
// `import('...')`): a cycle of types still ties the files together. `./x.js` resolves to `./x.ts`,
// `./dir` to `./dir/index.ts`. Usage: node scripts/check-import-cycles.mjs [dir]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(c|m)?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function isFile(path) {
  return existsSync(path) && statSync(path).isFile();
}

/** The file a relative specifier names, or undefined when it names none under the checked folder. */
function resolveImport(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    base.replace(/\.(c|m)?js$/, '.$1ts'),
    base.replace(/\.jsx$/, '.tsx'),
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ];
  return candidates.find((candidate) => /\.(c|m)?tsx?$/.test(candidate) && isFile(candidate));
}

/** Comments out of the way, so a commented-out import is not counted (strings are left as they are). */
function withoutComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const IMPORT = /(?:\bimport|\bexport)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file) {
  const found = new Set();
  for (const match of withoutComments(readFileSync(file, 'utf8')).matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (!specifier.startsWith('.')) continue;
    const target = resolveImport(file, specifier);
    if (target !== undefined && target.startsWith(root)) found.add(target);
  }
  return [...found].sort();
}

const files = sourceFiles(root).sort();
const graph = new Map(files.map((file) => [file, importsOf(file)]));

// Tarjan's strongly connected components: every component with more than one file (or a file
// importing itself) holds at least one cycle; one cycle per component is printed, found by a walk.
let index = 0;
const indices = new Map();
const lowlinks = new Map();
const stack = [];
const onStack = new Set();
const components = [];

function strongConnect(file) {
  indices.set(file, index);
  lowlinks.set(file, index);
  index++;
  stack.push(file);
  onStack.add(file);
  for (const next of graph.get(file) ?? []) {
    if (!indices.has(next)) {
      strongConnect(next);
      lowlinks.set(file, Math.min(lowlinks.get(file), lowlinks.get(next)));
    } else if (onStack.has(next)) lowlinks.set(file, Math.min(lowlinks.get(file), indices.get(next)));
  }
  if (lowlinks.get(file) === indices.get(file)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    components.push(component);
  }
}
for (const file of files) if (!indices.has(file)) strongConnect(file);

/** The shortest cycle through `start` inside its component (a breadth-first walk back to it). */
function cycleThrough(start, members) {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const next of graph.get(file) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [file];
        for (let at = previous.get(file); at !== undefined; at = previous.get(at)) path.unshift(at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

const name = (file) => relative(root, file);
const cycles = [];
for (const component of components) {
  const members = new Set(component);
  const selfImport = component.length === 1 && (graph.get(component[0]) ?? []).includes(component[0]);
  if (component.length < 2 && !selfImport) continue;
  const start = [...component].sort()[0];
  cycles.push({ cycle: cycleThrough(start, members), files: [...component].sort() });
}

if (cycles.length === 0) {
  console.log(`no import cycles among ${files.length} files under ${relative(process.cwd(), root) || '.'}`);
  process.exit(0);
}
console.error(`${cycles.length} import cycle(s) under ${relative(process.cwd(), root) || '.'}:`);
for (const { cycle, files: members } of cycles) {
  console.error(`  ${cycle.map(name).join(' -> ')}`);
  if (members.length > cycle.length - 1) console.error(`    (files tied in the same knot: ${members.map(name).join(', ')})`);
}
process.exit(1);
