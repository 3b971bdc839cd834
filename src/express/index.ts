import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createVerifier, SessionVerifier } from '../core/verifier.js';
import { toHttpResponse, type SessionError } from '../core/errors.js';
import type { SessionGuardOptions } from '../core/options.js';
import type { SessionPrincipal } from '../core/principal.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified session, set by sessionguard; undefined on anonymous requests in optional mode. */
      auth?: SessionPrincipal;
    }
  }
}

export interface SessionGuardMiddleware extends RequestHandler {
  /** The same guard, but a request with no token goes on anonymously (a bad token is still a 401). */
  optional(): RequestHandler;
  /** Fetches every provider's keys ahead of traffic; resolves true when ready. */
  warm(): Promise<boolean>;
  /** Whether every provider's keys are held (for a readiness route). */
  readonly ready: boolean;
  /** The framework-free verifier behind this middleware. */
  readonly verifier: SessionVerifier;
}

/** Writes a rejection as the contract's JSON error. */
export function sendSessionError(res: Response, error: SessionError): void {
  const response = toHttpResponse(error);
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body);
}

function middleware(verifier: SessionVerifier, optional: boolean): RequestHandler {
  return async function sessionguard(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (req.auth !== undefined) return next();
    let principal: SessionPrincipal | undefined;
    try {
      principal = await verifier.authenticate(req, optional);
    } catch (error) {
      // authenticate() only ever throws a SessionError, already reported.
      return sendSessionError(res, error as SessionError);
    }
    if (principal !== undefined) req.auth = principal;
    // Outside the try: errors of later handlers are the app's, not authentication failures.
    next();
  };
}

/** Express middleware that verifies the session token on every request it guards. */
export function sessionGuard(options: SessionGuardOptions | SessionVerifier): SessionGuardMiddleware {
  const verifier = options instanceof SessionVerifier ? options : createVerifier(options);
  const required = middleware(verifier, false);
  const optionalHandler = middleware(verifier, true);
  return Object.defineProperties(required, {
    optional: { value: () => optionalHandler },
    warm: { value: () => verifier.warm() },
    ready: { get: () => verifier.ready },
    verifier: { value: verifier },
  }) as SessionGuardMiddleware;
}

export type { SessionPrincipal, SessionGuardOptions };
