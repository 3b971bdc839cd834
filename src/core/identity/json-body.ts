import type { IncomingMessage } from 'node:http';
import type { ErrorFactory } from '../errors.js';

/** Default cap on request bodies: a token is at most 8 KiB, so 16 KiB leaves room and no more. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/** A Node request, possibly already read by a body parser (Express's express.json(), Koa's bodyparser). */
export type BodyRequest = IncomingMessage & { body?: unknown };

function parse(text: string, errors: ErrorFactory): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw errors.invalidRequest('body_invalid', 'The request body is not valid JSON.');
  }
}

/**
 * Reads and parses a JSON body with a size cap. Resolves undefined for an
 * empty body; rejects with a 400 (not JSON) or 413 (too large) SessionError.
 */
export async function readJsonBody(request: BodyRequest, maxBytes: number, errors: ErrorFactory): Promise<unknown> {
  if (request.readableEnded || request.body !== undefined) {
    // A body parser ran first: take what it found.
    const body = request.body;
    if (Buffer.isBuffer(body) || typeof body === 'string') return parse(body.toString(), errors);
    return body;
  }
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > maxBytes) throw errors.bodyTooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  const text = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        request.pause();
        reject(errors.bodyTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (): void => {
      cleanup();
      reject(errors.invalidRequest('body_incomplete', 'The request body could not be read.'));
    };
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onError);
  });
  return parse(text, errors);
}
