// Adds lock entries for optional per-platform binaries that the registry mirror of this
// workplace does not serve (e.g. @rollup/rollup-darwin-arm64). npm 11's `npm ci` refuses a
// lock that lacks them; each added entry is optional and names its os/cpu/libc, so npm skips
// it on any other platform and fetches it normally on its own. Run after changing dependencies:
//   npm install && node scripts/lock-platform-entries.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const CPUS = ['arm64', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'wasm32', 'arm'];
const OSES = { android: 'android', darwin: 'darwin', freebsd: 'freebsd', linux: 'linux', openbsd: 'openbsd', openharmony: 'openharmony', win32: 'win32', wasm32: undefined };

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => part in OSES);
  const cpu = CPUS.find((candidate) => parts.includes(candidate));
  if (os === undefined || cpu === undefined) return undefined;
  const libc = os === 'linux' ? (parts.some((part) => part.startsWith('musl')) ? 'musl' : 'glibc') : undefined;
  return { os, cpu, libc };
}

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const nested = `${path}/node_modules/${name}`;
    if (packages[key] || packages[nested]) continue;
    const platform = platformOf(name);
    if (platform === undefined) continue;
    packages[key] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [platform.os],
      cpu: [platform.cpu],
      ...(platform.libc ? { libc: [platform.libc] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-entries: added ${added} optional platform entries`);
