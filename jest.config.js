/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // jose 6 ships ESM only: let ts-jest turn it (and our TypeScript) into CommonJS for jest.
  transform: {
    // The NestJS example uses legacy decorators (first match wins; type-checked by examples/nestjs/tsconfig.json).
    '/examples/nestjs/.+\\.ts$': '<rootDir>/test/support/legacy-decorators-transform.js',
    '/node_modules/@electric-sql/pglite/.+\\.cjs$': '<rootDir>/test/support/dynamic-import-transform.js',
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@electric-sql/pglite)/)'],
  moduleNameMapper: {
    '^([.]{1,2}/.*)[.]js$': '$1',
    // Examples import the package by name, as users do.
    '^sessionguard$': '<rootDir>/src/index.ts',
    '^sessionguard/(.*)$': '<rootDir>/src/$1/index.ts',
  },
  testTimeout: 20000,
  // A passing run is quiet: an unexpected console.warn or console.error fails the test that made it.
  setupFilesAfterEnv: ['<rootDir>/test/support/quiet-console.ts'],
};
