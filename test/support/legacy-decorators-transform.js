// Jest transform for the NestJS example: TypeScript's legacy decorators, which NestJS needs. Not ts-jest:
// ts-jest keeps one set of compiler options per jest project, whatever each transform entry asks for.
const { createHash } = require('node:crypto');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  inlineSourceMap: true,
  inlineSources: true,
};

module.exports = {
  process(sourceText, sourcePath) {
    return { code: ts.transpileModule(sourceText, { compilerOptions, fileName: sourcePath }).outputText };
  },
  getCacheKey(sourceText, sourcePath) {
    return createHash('sha256').update(ts.version).update(sourcePath).update(sourceText).update(JSON.stringify(compilerOptions)).digest('hex');
  },
};
