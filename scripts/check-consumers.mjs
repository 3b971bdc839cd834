// Loads every public entry point from the built package the way consumers do: require() and import.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const require = createRequire(import.meta.url);
const entries = Object.keys(pkg.exports).filter((entry) => entry !== './package.json');
let failed = false;
for (const entry of entries) {
  const specifier = entry === '.' ? 'sessionguard' : `sessionguard/${entry.slice(2)}`;
  try {
    if (entry.endsWith('.json')) {
      // Data files (the OpenAPI document): the same JSON through require() and an import with a json attribute.
      const viaImport = (await import(specifier, { with: { type: 'json' } })).default;
      if (JSON.stringify(require(specifier)) !== JSON.stringify(viaImport)) throw new Error('require() and import give different JSON');
      console.log(`ok ${specifier}: the same JSON for require() and import`);
      continue;
    }
    const viaRequire = Object.keys(require(specifier)).sort();
    const viaImport = Object.keys(await import(specifier)).filter((name) => name !== 'default' && name !== 'module.exports').sort();
    if (viaRequire.length === 0 || JSON.stringify(viaRequire) !== JSON.stringify(viaImport)) {
      throw new Error(`require() gives [${viaRequire}] but import gives [${viaImport}]`);
    }
    console.log(`ok ${specifier}: ${viaRequire.length} exports, same for require() and import`);
  } catch (error) {
    failed = true;
    console.error(`FAIL ${specifier}: ${error instanceof Error ? error.message : error}`);
  }
}
process.exit(failed ? 1 : 0);
