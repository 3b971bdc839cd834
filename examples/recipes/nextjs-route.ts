import { createVerifier, isSessionError, workos, type SessionGuardOptions, type SessionPrincipal, type SessionVerifier } from 'sessionguard';

/**
 * A Next.js App Router route handler is `(request: Request) => Response`: sessionguard reads the
 * Fetch Request directly. `withSession` verifies it and answers a rejection the way the verifier's
 * options say (errorBody, errorContentType); anything that is not a SessionError is Next.js's to handle.
 */
export function withSession(
  verifier: SessionVerifier,
  handler: (request: Request, auth: SessionPrincipal) => Response | Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    let auth: SessionPrincipal | undefined;
    try {
      auth = await verifier.authenticate(request);
    } catch (error) {
      if (!isSessionError(error)) throw error;
      const rejection = verifier.errorResponse(error, request);
      return new Response(rejection.body, { status: rejection.status, headers: rejection.headers });
    }
    return handler(request, auth!);
  };
}

/** app/api/me/route.ts: one verifier per module (its caches live as long as the server process). */
export function meRoute(options: Partial<SessionGuardOptions> = {}): { GET: (request: Request) => Promise<Response>; POST: (request: Request) => Promise<Response> } {
  const verifier = createVerifier({ providers: [workos({ clientId: process.env.WORKOS_CLIENT_ID ?? 'client_example' })], ...options });
  return {
    GET: withSession(verifier, (_request, auth) => Response.json({ subject: auth.subject })),
    POST: withSession(verifier, async (request, auth) => Response.json({ subject: auth.subject, received: await request.json() }, { status: 201 })),
  };
}
