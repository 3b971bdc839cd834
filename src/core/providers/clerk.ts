import type { CommonProviderOptions, Provider, TokenRefusal } from './types.js';
import type { JsonObject } from '../token/decode.js';
import { buildProvider, requireOptionsObject, validateIssuer } from './build.js';
import { configError, validateStringList } from './validate.js';
import { clerkClaimRefusal, readClerkClaims } from './clerk-claims.js';

export interface ClerkProviderOptions extends CommonProviderOptions {
  /** Your Clerk Frontend API URL, exactly as it appears in `iss` (e.g. https://clerk.example.com). */
  issuer: string;
  /** Origins allowed in `azp` (a token without `azp` is then refused) and in `Origin` for cookie-carried unsafe requests. */
  authorizedParties?: readonly string[];
  /** Clerk's PEM public key (CLERK_JWT_KEY): verify with no network at all. */
  jwtKey?: string;
  /** Accept sessions with a pending task (`sts: 'pending'`), which Clerk's request path treats as signed out (default false). */
  acceptPendingSessions?: boolean;
}

/** Clerk marks what a JWT is in the protected header's `cat`; only session tokens are sessions. */
const CLERK_SESSION_CATEGORY = 'cl_B7d4PD111AAA';
/** Instances that opt out of categories stamp this on every token: it says nothing. */
const CLERK_UNCATEGORISED = 'cl_I7d4PD111III';

const NOT_A_SESSION: TokenRefusal = { reason: 'kind_rejected', message: 'The token is not a session token.' };

/**
 * A session token has `typ` `JWT` or none (Clerk marks its OAuth access tokens `at+jwt`), a
 * session category, and a session status Clerk's request path treats as signed in.
 */
function refuseClerkToken(header: JsonObject, payload: JsonObject, acceptPendingSessions: boolean): TokenRefusal | undefined {
  if (header.typ !== undefined && header.typ !== 'JWT') return NOT_A_SESSION;
  const category = header.cat;
  if (category !== undefined && category !== CLERK_SESSION_CATEGORY && category !== CLERK_UNCATEGORISED) return NOT_A_SESSION;
  return clerkClaimRefusal(payload, acceptPendingSessions);
}

/** A Clerk instance; its user ids may be mapped to WorkOS user ids with `resolveLegacyUser`. */
export function clerk(options: ClerkProviderOptions): Provider {
  const where = 'clerk()';
  requireOptionsObject(where, options, "clerk({ issuer: 'https://clerk.example.com' })");
  const issuer = validateIssuer(where, options.issuer);
  const acceptPending = options.acceptPendingSessions ?? false;
  if (typeof acceptPending !== 'boolean') throw configError(where, 'acceptPendingSessions must be true or false.');
  return buildProvider(options, {
    kind: 'clerk',
    issuers: [issuer],
    ownKeys: ['issuer', 'authorizedParties', 'jwtKey', 'acceptPendingSessions'],
    defaultJwksUrl: `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
    defaultAlgorithms: ['RS256'],
    pem: options.jwtKey,
    authorizedParties: validateStringList(where, 'authorizedParties', options.authorizedParties),
    requireSessionId: true,
    legacyUsers: true,
    subjectIsWorkosUser: false,
    refuseToken: (header, payload) => refuseClerkToken(header, payload, acceptPending),
    readClaims: readClerkClaims,
  });
}
