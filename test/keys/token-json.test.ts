import { hasAmbiguousKeys } from '../../src/core/token/strict-json';

test.each([
  ['{"a":1,"a":2}', true],
  ['{"a":1,"\\u0061":2}', true],
  ['{"x":{"a":1,"a":2}}', true],
  ['{"x":[{"a":1,"a":2}]}', true],
  ['{"__proto__":{}}', true],
  ['{"x":{"__proto__":1}}', true],
  ['{"a":1,"b":{"a":1},"c":[{"a":1},{"a":2}]}', false],
  ['{"a":"\\"a\\":1","b":"a"}', false],
  ['{"a":["a","a"],"b":{}}', false],
  ['{"proto":"__proto__"}', false],
  ['{}', false],
  ['{ "a" : 1 , "a"\t:\n2 }', true],
  ['{"a":"\\":","b":":"}', false],
  ['{"a\\"":1,"a\\u0022":2}', true],
  ['{"a":{},"b":[],"c":[{}]}', false],
  // Colons after a quote inside strings: the quick count overshoots and the exact count decides.
  ['{"a":":x","a":1}', true],
  ['{"a":":x","b":1}', false],
  ['{"a":" :","b":"\\t:"}', false],
  ['{"a":"\\"  :","a":"\\":"}', true],
  ['{"a" :1,"b"\n:2,"a"\r:3}', true],
  ['{"a":1,"a" :2}', true],
  ['{"a":1,"a"\t\t:2}', true],
  ['{"u":"https://a.test:443/","v":["x:y",":"]}', false],
  [`${'['.repeat(2000)}{"a":1,"a":2}${']'.repeat(2000)}`, true],
  [`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`, false],
])('%s ambiguous: %s', (text, expected) => {
  JSON.parse(text); // the scan only ever sees valid JSON
  expect(hasAmbiguousKeys(text)).toBe(expected);
});

test('an enumerable key added to Object.prototype is neither counted nor frozen', () => {
  const inherited = { x: 1 };
  Object.defineProperty(Object.prototype, 'polluted', { value: inherited, enumerable: true, configurable: true, writable: true });
  try {
    expect(hasAmbiguousKeys('{"a":1,"b":{"c":2}}')).toBe(false);
    expect(hasAmbiguousKeys('{"a":1,"a":2}')).toBe(true);
    expect(Object.isFrozen(inherited)).toBe(false);
  } finally {
    delete (Object.prototype as Record<string, unknown>).polluted;
  }
  expect(hasAmbiguousKeys('{"a":1,"b":{"c":2}}')).toBe(false);
});
