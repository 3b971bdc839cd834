/** The median of a list (the mean of the two middle values for an even count), null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The framework an HTTP server kind runs on (its first part: `express-jwt` is an Express server). */
export function frameworkOf(kind: string): string {
  return kind.split('-')[0]!;
}
