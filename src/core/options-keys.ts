/** Refuses misspelled option names at construction: JavaScript callers get no type checker to catch `audiance`. */

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The valid key closest to a misspelled one: one that contains it (`ttl` → `ttlSeconds`), else the nearest by edits. */
export function closestKey(key: string, valid: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const containing = valid.filter((candidate) => candidate.toLowerCase().includes(lower)).sort((a, b) => a.length - b.length);
  if (lower.length >= 3 && containing.length > 0) return containing[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of valid) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Throws a TypeError naming the first key of `options` that is not in `valid`, and the closest
 * valid one. `where` names the options object (`sessionGuard()`, `oidc()`, `keySets`...).
 */
export function assertKnownKeys(where: string, options: unknown, valid: readonly string[]): void {
  if (typeof options !== 'object' || options === null) return;
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    const closest = closestKey(key, valid);
    throw new TypeError(`sessionguard: ${where}: unknown option "${key}"${closest === undefined ? '' : `; did you mean "${closest}"?`}`);
  }
}
