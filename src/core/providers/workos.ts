import type { CommonProviderOptions, Provider, TokenRefusal } from './types.js';
import type { JsonObject } from '../token/decode.js';
import { buildProvider, requireOptionsObject } from './build.js';
import { validateNonEmptyString, validateStringList } from './validate.js';
import { actorOf, ClaimsReading, EMPTY_LIST, nonEmptyString, unique, words } from '../principal/provider-claims.js';

export interface WorkOSProviderOptions extends CommonProviderOptions {
  /** Your WorkOS client id (client_...). */
  clientId: string;
  /** The exact `iss` values to accept; default: both forms WorkOS issues. */
  issuers?: readonly string[];
  /** The WorkOS API base (default https://api.workos.com). */
  apiBaseUrl?: string;
}

/**
 * Only user access tokens are sessions, as `verifyAccessToken` of @workos-inc/node decides: agent
 * tokens carry a `sub_profile` other than `user`, widget tokens a `sub_type`, and user tokens always
 * a numeric `auth_time`.
 */
function refuseWorkosToken(_header: JsonObject, payload: JsonObject): TokenRefusal | undefined {
  if (payload.sub_profile !== undefined && payload.sub_profile !== 'user') {
    return { reason: 'kind_rejected', message: 'The token is an agent token, not a user session token.' };
  }
  if (payload.sub_type !== undefined) return { reason: 'kind_rejected', message: 'The token is a widget token, not a user session token.' };
  if (typeof payload.auth_time !== 'number') return { reason: 'kind_rejected', message: 'The token has no numeric "auth_time": it is not a user session token.' };
  return undefined;
}

/** Roles, organization, permissions, entitlements and feature flags as WorkOS's SDK returns them. */
export function readWorkosClaims(payload: JsonObject): ClaimsReading {
  const role = nonEmptyString(payload.role);
  const reading = new ClaimsReading();
  reading.roles = unique(role === null ? EMPTY_LIST : [role], words(payload.roles, /\s+/));
  reading.sessionId = nonEmptyString(payload.sid);
  reading.organizationId = nonEmptyString(payload.org_id);
  reading.organizationRole = role;
  reading.permissions = unique(words(payload.permissions, /\s+/));
  reading.entitlements = unique(words(payload.entitlements, /\s+/));
  reading.featureFlags = unique(words(payload.feature_flags, /\s+/));
  reading.actor = actorOf(payload);
  return reading;
}

/** WorkOS AuthKit access tokens: the current user base, subject = WorkOS user id. */
export function workos(options: WorkOSProviderOptions): Provider {
  const where = 'workos()';
  requireOptionsObject(where, options, "workos({ clientId: 'client_01ABC' })");
  const clientId = validateNonEmptyString(where, 'clientId', options.clientId);
  const base = (options.apiBaseUrl ?? 'https://api.workos.com').replace(/\/+$/, '');
  const issuers = validateStringList(where, 'issuers', options.issuers) ?? [
    `${base}/`,
    `${base}/user_management/${clientId}`,
  ];
  return buildProvider(options, {
    kind: 'workos',
    issuers,
    ownKeys: ['clientId', 'issuers', 'apiBaseUrl'],
    defaultJwksUrl: `${base}/sso/jwks/${encodeURIComponent(clientId)}`,
    defaultAlgorithms: ['RS256'],
    requireSessionId: true,
    legacyUsers: false,
    subjectIsWorkosUser: true,
    refuseToken: refuseWorkosToken,
    readClaims: readWorkosClaims,
  });
}
