/**
 * Jest setup (setupFilesAfterEnv in jest.config.js): a passing run prints nothing.
 * Any console.warn or console.error a test did not expect fails that test. A test that
 * expects one spies on it first (`jest.spyOn(console, 'warn').mockImplementation(() => {})`):
 * a spy replaces the guard below, so its calls are the test's to assert.
 */
const GUARDED = ['warn', 'error'] as const;
type Guarded = (typeof GUARDED)[number];

const unexpected: string[] = [];
const originals = new Map<Guarded, (...args: unknown[]) => void>();

for (const method of GUARDED) {
  originals.set(method, console[method]);
}

beforeEach(() => {
  unexpected.length = 0;
  for (const method of GUARDED) {
    console[method] = (...args: unknown[]) => {
      unexpected.push(`console.${method}: ${args.map((arg) => (arg instanceof Error ? arg.stack : String(arg))).join(' ')}`);
      originals.get(method)!(...args);
    };
  }
});

afterEach(() => {
  for (const method of GUARDED) {
    // A test that spied on the method restores it itself (or jest's restoreMocks does); only put back our guard.
    if (!jest.isMockFunction(console[method])) console[method] = originals.get(method)!;
  }
  if (unexpected.length > 0) {
    const messages = unexpected.splice(0);
    throw new Error(`unexpected console output during the test (spy on it if it is expected):\n${messages.join('\n')}`);
  }
});
