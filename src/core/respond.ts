import { SessionError, toHttpResponse, type HttpErrorResponse } from './errors.js';
import type { Reporter } from './reporting.js';
import type { RequestLike } from './request/credentials.js';

/** What a rejection becomes: sessionguard's own response (default), or an error handed to the framework. */
export type OnError = 'respond' | 'next';

/** Shapes the body of a rejection (RFC 9457 problem details, an app's envelope); serialised with JSON.stringify. */
export type ErrorBodyShaper = (error: SessionError, request: RequestLike) => unknown;

export const DEFAULT_ERROR_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * What an adapter does with a rejection: write `response`, or (onError 'next') pass `error` to the
 * framework's error handling; `response` is then what sessionguard would have sent (Hono's HTTPException carries it).
 */
export type Rejection = { readonly next: false; readonly response: HttpErrorResponse } | { readonly next: true; readonly error: SessionError; readonly response: HttpErrorResponse };

export interface ErrorResponseSettings {
  onError: OnError;
  errorBody: ErrorBodyShaper | undefined;
  errorContentType: string;
}

/**
 * Turns rejections into responses the app shaped: status and headers stay sessionguard's
 * (the challenge, Retry-After, no-store), the body is the app's `errorBody`. An errorBody
 * that throws or returns undefined gets the standard body (and one log line per guard).
 */
export class ErrorResponder {
  private failureLogged = false;

  constructor(private readonly settings: ErrorResponseSettings, private readonly reporter: Reporter) {}

  rejection(error: SessionError, request: RequestLike): Rejection {
    if (this.settings.onError === 'respond') return { next: false, response: this.response(error, request) };
    const { body, text, contentType } = this.shaped(error, request);
    const response = { status: error.status, headers: { ...toHttpResponse(error).headers, 'Content-Type': contentType }, body: text };
    const headers: Record<string, string> = { ...error.headers, 'Cache-Control': 'no-store' };
    const forwarded = new SessionError({
      status: error.status, error: error.error, message: error.message, reason: error.reason,
      suspendedUntil: error.suspendedUntil, headers, cause: error.cause, body,
    });
    return { next: true, error: forwarded, response };
  }

  response(error: SessionError, request: RequestLike): HttpErrorResponse {
    const standard = toHttpResponse(error);
    if (this.settings.errorBody === undefined && this.settings.errorContentType === DEFAULT_ERROR_CONTENT_TYPE) return standard;
    const { text, contentType } = this.shaped(error, request);
    return { status: standard.status, headers: { ...standard.headers, 'Content-Type': contentType }, body: text };
  }

  /** The app's body and its media type, or the standard body (as JSON) when the app's fails. */
  private shaped(error: SessionError, request: RequestLike): { body: unknown; text: string; contentType: string } {
    const shape = this.settings.errorBody;
    if (shape !== undefined) {
      try {
        const body = shape(error, request);
        if (body === undefined) throw new TypeError('errorBody returned undefined');
        const text = JSON.stringify(body) as string | undefined;
        if (typeof text !== 'string') throw new TypeError('errorBody returned a value JSON cannot write');
        return { body, text, contentType: this.settings.errorContentType };
      } catch (failure) {
        this.logFailure(failure);
        return { body: error.toJSON(), text: JSON.stringify(error.toJSON()), contentType: DEFAULT_ERROR_CONTENT_TYPE };
      }
    }
    return { body: error.toJSON(), text: JSON.stringify(error.toJSON()), contentType: this.settings.errorContentType };
  }

  private logFailure(failure: unknown): void {
    if (this.failureLogged) return;
    this.failureLogged = true;
    const err = failure instanceof Error ? failure : new Error(String(failure));
    this.reporter.log('error_body_failed', 'error', `errorBody failed (${err.message}); rejections get the standard JSON body`, { err });
  }
}

/** With no middleware and no responder (a standalone guard on a bare request): the standard response. */
export function rejectionOf(responder: ErrorResponder | undefined, error: SessionError, request: RequestLike): Rejection {
  return responder === undefined ? { next: false, response: toHttpResponse(error) } : responder.rejection(error, request);
}
