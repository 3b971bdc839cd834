import type { CommonProviderOptions, Provider } from './types.js';
import type { JsonObject } from '../token/decode.js';
import { buildProvider, validateIssuer } from './build.js';
import { validateStringList } from './validate.js';

export interface ClerkProviderOptions extends CommonProviderOptions {
  /** Your Clerk Frontend API URL, exactly as it appears in `iss` (e.g. https://clerk.example.com). */
  issuer: string;
  /** Origins allowed in `azp` (and in `Origin` for cookie-carried unsafe requests). */
  authorizedParties?: readonly string[];
  /** Clerk's PEM public key (CLERK_JWT_KEY): verify with no network at all. */
  jwtKey?: string;
}

/** Clerk marks what a JWT is in the protected header's `cat`; only session tokens are sessions. */
const CLERK_SESSION_CATEGORY = 'cl_B7d4PD111AAA';
/** Instances that opt out of categories stamp this on every token: it says nothing. */
const CLERK_UNCATEGORISED = 'cl_I7d4PD111III';

function rejectNonSessionClerkToken(header: JsonObject): string | undefined {
  const category = header.cat;
  if (category === undefined || category === CLERK_SESSION_CATEGORY || category === CLERK_UNCATEGORISED) {
    return undefined;
  }
  return 'kind_rejected';
}

/** A Clerk instance: legacy users, whose ids are mapped to WorkOS user ids. */
export function clerk(options: ClerkProviderOptions): Provider {
  const where = 'clerk()';
  const issuer = validateIssuer(where, options?.issuer);
  return buildProvider(options, {
    kind: 'clerk',
    issuers: [issuer],
    defaultJwksUrl: `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
    defaultAlgorithms: ['RS256'],
    pem: options.jwtKey,
    authorizedParties: validateStringList(where, 'authorizedParties', options.authorizedParties),
    requireSessionId: true,
    legacyUsers: true,
    rejectTokenKind: rejectNonSessionClerkToken,
  });
}
