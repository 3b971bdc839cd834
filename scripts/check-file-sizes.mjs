#!/usr/bin/env node
// Lists the source files under a folder longer than a number of lines, and exits 1 if there is any.
// Usage: node scripts/check-file-sizes.mjs [dir=src] [maxLines=300]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');
const maxLines = Number(process.argv[3] ?? 300);
if (!Number.isInteger(maxLines) || maxLines < 1) {
  console.error(`the line limit must be a positive whole number, not ${process.argv[3]}`);
  process.exit(2);
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(c|m)?[jt]sx?$/.test(entry.name) ? [path] : [];
  });
}

/** Lines as an editor counts them: a final newline does not start another line. */
function lineCount(text) {
  if (text === '') return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

const files = sourceFiles(root).sort();
const offenders = files
  .map((file) => ({ file, lines: lineCount(readFileSync(file, 'utf8')) }))
  .filter(({ lines }) => lines > maxLines)
  .sort((a, b) => b.lines - a.lines);

const shown = relative(process.cwd(), root) || '.';
if (offenders.length === 0) {
  console.log(`no file over ${maxLines} lines among ${files.length} files under ${shown}`);
  process.exit(0);
}
console.error(`${offenders.length} file(s) under ${shown} over ${maxLines} lines:`);
for (const { file, lines } of offenders) console.error(`  ${relative(process.cwd(), file)}: ${lines} lines`);
process.exit(1);
