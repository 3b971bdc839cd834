/** Fetches a key-set document with hard limits: time, size, no redirects, JSON only. */
export async function fetchKeySetDocument(
  url: string,
  limits: { timeoutMs: number; maxBodyBytes: number },
): Promise<unknown> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'error', signal, headers: { accept: 'application/json' } });
  } catch (error) {
    throw new Error(signal.aborted ? 'key set fetch timed out' : `key set fetch failed: ${describe(error)}`, { cause: error });
  }
  try {
    if (response.status !== 200) throw new Error(`key set host answered ${response.status}`);
    const type = response.headers.get('content-type') ?? '';
    if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type)) throw new Error('key set is not served as JSON');
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > limits.maxBodyBytes) throw new Error('key set is larger than the limit');
    const text = await readCapped(response, limits.maxBodyBytes);
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (signal.aborted) throw new Error('key set fetch timed out', { cause: error });
    throw error instanceof SyntaxError ? new Error('key set is not valid JSON', { cause: error }) : error;
  } finally {
    // Release the socket whatever happened to the body.
    response.body?.cancel().catch(() => undefined);
  }
}

/** Reads a response body, failing once it exceeds maxBytes (also used by the remote identity client). */
export async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error('key set is larger than the limit');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause ?? (error instanceof Error ? error.message : 'unknown error');
}
