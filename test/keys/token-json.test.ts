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
  [`${'['.repeat(2000)}{"a":1,"a":2}${']'.repeat(2000)}`, true],
  [`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`, false],
])('%s ambiguous: %s', (text, expected) => {
  JSON.parse(text); // the scan only ever sees valid JSON
  expect(hasAmbiguousKeys(text)).toBe(expected);
});
