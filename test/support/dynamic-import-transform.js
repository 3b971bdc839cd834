// PGlite's CommonJS build loads Node built-ins with import(), which jest's CommonJS sandbox cannot
// run without --experimental-vm-modules: turn each import() into a require() of the same module.
const HELPER = 'const __requireAsImport = (id) => Promise.resolve().then(() => { const m = require(id); return { default: m, ...m }; });\n';

module.exports = {
  process(source) {
    return { code: HELPER + source.replace(/\bimport\((?=["'`])/g, '__requireAsImport(') };
  },
  getCacheKey(source, path) {
    return require('node:crypto').createHash('sha256').update('v1').update(path).update(source).digest('hex');
  },
};
