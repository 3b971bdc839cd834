import type { CommonProviderOptions, Provider } from './types.js';
import { buildProvider, requireOptionsObject } from './build.js';
import { configError, validateNonEmptyString } from './validate.js';
import { readStytchClaims, stytchTokenRefusal } from './stytch-claims.js';

export interface StytchProviderOptions extends CommonProviderOptions {
  /** Your Stytch project id (`project-test-…` or `project-live-…`): the issuer is `stytch.com/<projectId>` and `aud` must contain it. */
  projectId: string;
  /** Your custom authentication domain (e.g. `login.example.com`): tokens it issues (`iss` `https://login.example.com`) are accepted too, and keys are fetched from it. */
  customDomain?: string;
  /** A Stytch B2B project: member session tokens, keys at `/v1/b2b/sessions/jwks/<projectId>`. */
  b2b?: boolean;
}

const PROJECT_ID = /^project-(test|live)-[A-Za-z0-9-]+$/;

function customDomainBase(where: string, value: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw configError(where, `customDomain "${value}" is not a host name.`);
  }
  if (url.protocol !== 'https:' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw configError(where, 'customDomain must be a host name, e.g. "login.example.com".');
  }
  return url.origin;
}

/**
 * Stytch session JWTs, read as stytch-node's `authenticateJwtLocal` reads them: issuer
 * `stytch.com/<projectId>` (or your custom domain), `aud` containing the project id, `typ: JWT`,
 * keys from the project's API host (test or live by the project id).
 */
export function stytch(options: StytchProviderOptions): Provider {
  const where = 'stytch()';
  requireOptionsObject(where, options, "stytch({ projectId: 'project-live-…' })");
  const projectId = validateNonEmptyString(where, 'projectId', options.projectId);
  const environment = PROJECT_ID.exec(projectId)?.[1];
  if (environment === undefined) throw configError(where, 'projectId must look like "project-test-…" or "project-live-…".');
  const b2b = options.b2b ?? false;
  if (typeof b2b !== 'boolean') throw configError(where, 'b2b must be true or false.');
  const custom = options.customDomain === undefined ? undefined : customDomainBase(where, validateNonEmptyString(where, 'customDomain', options.customDomain));
  const apiBase = custom ?? `https://${environment === 'live' ? 'api' : 'test'}.stytch.com`;
  return buildProvider(options, {
    kind: 'stytch',
    issuers: custom === undefined ? [`stytch.com/${projectId}`] : [`stytch.com/${projectId}`, custom],
    ownKeys: ['projectId', 'customDomain', 'b2b'],
    defaultJwksUrl: `${apiBase}/v1/${b2b ? 'b2b/' : ''}sessions/jwks/${encodeURIComponent(projectId)}`,
    defaultAlgorithms: ['RS256'],
    defaultAudience: Object.freeze([projectId]),
    requireSessionId: false,
    legacyUsers: false,
    subjectIsWorkosUser: false,
    refuseToken: (header, payload) => stytchTokenRefusal(header, payload, b2b),
    readClaims: readStytchClaims,
  });
}
