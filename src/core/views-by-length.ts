/**
 * Views of a reused buffer from its start, one kept per length: the tokens of one issuer and key
 * mostly have one or a few lengths, and a new view per cache miss was an allocation per token.
 * Bounded (cleared when 64 are held).
 */
export function viewsByLength(buffer: Buffer): (length: number) => Buffer {
  const views = new Map<number, Buffer>();
  return (length) => {
    let view = views.get(length);
    if (view === undefined) {
      if (views.size >= 64) views.clear();
      views.set(length, (view = buffer.subarray(0, length)));
    }
    return view;
  };
}
