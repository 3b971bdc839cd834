/**
 * JSON as a token's header and payload must be: an object, with no key twice and no `__proto__`
 * key. JSON.parse keeps the last of duplicate keys where other parsers keep the first; refusing
 * them keeps one token to one meaning. What is parsed is frozen, deeply: a token's claims are
 * shared by every request that sends it.
 */

export type JsonObject = Record<string, unknown>;

/** A JSON text's object, frozen, or undefined when the text is not JSON, not an object, or has an ambiguous key. */
export function parseJsonObject(text: string): JsonObject | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return ambiguousKeys(text, value) ? undefined : (value as JsonObject);
}

const BACKSLASH = 0x5c;

/** JSON's insignificant whitespace: space, tab, line feed, carriage return. */
function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * How many keys the objects in a valid JSON text name, duplicates included: in valid JSON,
 * a string is a key exactly when a colon follows it. Jumps from quote to quote with indexOf
 * (native), about twice as fast as reading every character in JavaScript.
 */
function keysInText(text: string): number {
  let keys = 0;
  let open = text.indexOf('"');
  while (open !== -1) {
    let close = text.indexOf('"', open + 1);
    // A quote after an odd number of backslashes is escaped: the string goes on.
    while (close !== -1 && isEscaped(text, close)) close = text.indexOf('"', close + 1);
    if (close === -1) return keys;
    let next = close + 1;
    while (isJsonWhitespace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === 0x3a /* : */) keys++;
    open = text.indexOf('"', next);
  }
  return keys;
}

/**
 * How many colons in a JSON text have a quote as the character before them (whitespace between
 * allowed): never fewer than the keys the text names, since every key's closing quote comes
 * before its colon. Colons inside strings can only add to it. Hops from colon to colon, about
 * twice as fast as keysInText's hops from quote to quote (a payload has more quotes than colons).
 */
function keyColonsInText(text: string): number {
  let colons = 0;
  for (let colon = text.indexOf(':'); colon !== -1; colon = text.indexOf(':', colon + 1)) {
    let before = colon - 1;
    while (isJsonWhitespace(text.charCodeAt(before))) before--;
    if (text.charCodeAt(before) === 0x22 /* " */) colons++;
  }
  return colons;
}

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0;
  for (let i = quote - 1; text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * Freezes a parsed value and all it holds, and counts the keys its objects have (a duplicate
 * collapsed into one), or -1 when one has a `__proto__` key. One walk for both. `inherited`: whether
 * Object.prototype has enumerable keys of its own (an app may have added one), which for-in would
 * list too.
 */
function freezeCountingKeys(value: unknown, inherited: boolean): number {
  if (typeof value !== 'object' || value === null) return 0;
  Object.freeze(value);
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const inner = freezeCountingKeys(item, inherited);
      if (inner < 0) return -1;
      keys += inner;
    }
    return keys;
  }
  if (Object.hasOwn(value, '__proto__')) return -1;
  // for-in, not Object.keys: no array of keys per object.
  for (const key in value) {
    if (inherited && !Object.hasOwn(value, key)) continue;
    keys++;
    const member = (value as JsonObject)[key];
    // Most claims are strings and numbers: no call for them.
    if (typeof member !== 'object' || member === null) continue;
    const inner = freezeCountingKeys(member, inherited);
    if (inner < 0) return -1;
    keys += inner;
  }
  return keys;
}

const PLAIN_OBJECT = {};

/** Whether for-in lists keys a plain object does not have (asked once per text: an own-key check per key cost more). */
function inheritsEnumerableKeys(): boolean {
  for (const _key in PLAIN_OBJECT) return true;
  return false;
}

/**
 * Whether a JSON text, with `parsed` what JSON.parse made of it, has a duplicate key in any
 * object (JSON.parse keeps only the last: the text names more keys than the objects have),
 * or a `__proto__` key (which some consumers turn into a prototype change).
 */
function ambiguousKeys(text: string, parsed: unknown): boolean {
  const parsedKeys = freezeCountingKeys(parsed, inheritsEnumerableKeys());
  if (parsedKeys < 0) return true;
  // The text names at least parsedKeys keys and at most keyColonsInText(text): when those are equal,
  // no key was dropped. Else (a colon inside a string, or a duplicate) the exact count decides.
  return keyColonsInText(text) !== parsedKeys && keysInText(text) !== parsedKeys;
}

/** hasAmbiguousKeys() for a valid JSON text. */
export function hasAmbiguousKeys(text: string): boolean {
  return ambiguousKeys(text, JSON.parse(text));
}
