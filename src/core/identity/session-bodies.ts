import type { ClaimsPatch } from '../sessions/custom-claims.js';
import { MAX_CUSTOM_CLAIMS_BYTES } from '../sessions/custom-claims.js';
import type { JsonValue } from '../sessions/model.js';
import type { AuthorizationCheck } from '../sessions/policy.js';
import { sessionsErrors } from '../sessions/sessions-error.js';
import { DEFAULT_DURATION_MINUTES, MAX_DURATION_MINUTES, MIN_DURATION_MINUTES } from '../sessions/sessions-options.js';
import { isObject } from './response.js';

/** The checked fields of the sessions endpoints' bodies. Absent and `null` both mean "not given". */
type Body = Record<string, unknown>;

function objectBody(body: unknown): Body {
  if (body === undefined) return {};
  if (!isObject(body)) throw sessionsErrors.invalidArgument('The request body must be a JSON object.');
  return body;
}

function given(body: Body, name: string): boolean {
  return body[name] !== undefined && body[name] !== null;
}

function optionalString(body: Body, name: string): string | undefined {
  if (!given(body, name)) return undefined;
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw sessionsErrors.invalidArgument(`${name} must be a non-empty string.`);
  return value;
}

function duration(body: Body): number | undefined {
  if (!given(body, 'session_duration_minutes')) return undefined;
  const value = body.session_duration_minutes;
  if (typeof value !== 'number') throw sessionsErrors.invalidArgument('session_duration_minutes must be a number.');
  if (!Number.isInteger(value) || value < MIN_DURATION_MINUTES || value > MAX_DURATION_MINUTES) throw sessionsErrors.duration();
  return value;
}

function customClaims(body: Body): ClaimsPatch | undefined {
  if (!given(body, 'session_custom_claims')) return undefined;
  const value = body.session_custom_claims;
  if (!isObject(value)) throw sessionsErrors.invalidArgument('session_custom_claims must be a JSON object.');
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > MAX_CUSTOM_CLAIMS_BYTES) throw sessionsErrors.claimsTooLarge(`session_custom_claims takes ${bytes} bytes; at most ${MAX_CUSTOM_CLAIMS_BYTES} are allowed.`);
  return value as Record<string, JsonValue>;
}

function authorizationCheck(body: Body): AuthorizationCheck | undefined {
  if (!given(body, 'authorization_check')) return undefined;
  const value = body.authorization_check;
  if (!isObject(value)) throw sessionsErrors.invalidArgument('authorization_check must be { resource_id, action }.');
  const resource = optionalString(value, 'resource_id');
  const action = optionalString(value, 'action');
  if (resource === undefined || action === undefined) throw sessionsErrors.invalidArgument('authorization_check needs resource_id and action.');
  const organization = optionalString(value, 'organization_id');
  return { resource_id: resource, action, ...(organization === undefined ? {} : { organization_id: organization }) };
}

function roles(body: Body): string[] {
  if (!given(body, 'roles')) return [];
  const value = body.roles;
  if (!Array.isArray(value) || value.some((role) => typeof role !== 'string' || role === '')) throw sessionsErrors.invalidArgument('roles must be a list of role names.');
  return [...new Set(value as string[])];
}

export interface CreateBody {
  token?: string;
  userId?: string;
  roles: string[];
  durationMinutes: number;
  claims?: ClaimsPatch;
}

/** POST /v1/sessions: `{ token }` or `{ user_id, roles? }`, each with an optional duration and custom claims. */
export function parseCreateBody(raw: unknown): CreateBody {
  const body = objectBody(raw);
  const token = optionalString(body, 'token');
  const userId = optionalString(body, 'user_id');
  if ((token === undefined) === (userId === undefined)) throw sessionsErrors.invalidArgument('Send exactly one of token and user_id.');
  if (token !== undefined && given(body, 'roles')) throw sessionsErrors.invalidArgument('roles come from the token: send them only with user_id.');
  const claims = customClaims(body);
  return { token, userId, roles: roles(body), durationMinutes: duration(body) ?? DEFAULT_DURATION_MINUTES, ...(claims === undefined ? {} : { claims }) };
}

export interface AuthenticateBody {
  sessionToken?: string;
  sessionJwt?: string;
  durationMinutes?: number;
  claims?: ClaimsPatch;
  authorizationCheck?: AuthorizationCheck;
}

/** POST /v1/sessions/authenticate, as Stytch's sessions.authenticate sends it. */
export function parseAuthenticateBody(raw: unknown): AuthenticateBody {
  const body = objectBody(raw);
  const sessionToken = optionalString(body, 'session_token');
  const sessionJwt = optionalString(body, 'session_jwt');
  if (sessionToken !== undefined && sessionJwt !== undefined) throw sessionsErrors.tooManySessionArguments();
  const parsed = { durationMinutes: duration(body), claims: customClaims(body), authorizationCheck: authorizationCheck(body) };
  if (sessionToken === undefined && sessionJwt === undefined) throw sessionsErrors.noSessionArguments();
  return { sessionToken, sessionJwt, ...parsed };
}

export type RevokeBody = { sessionId: string } | { sessionToken: string } | { sessionJwt: string } | { userId: string };

/** POST /v1/sessions/revoke: exactly one of session_id, session_token, session_jwt, user_id. */
export function parseRevokeBody(raw: unknown): RevokeBody {
  const body = objectBody(raw);
  const named = (['session_id', 'session_token', 'session_jwt', 'user_id'] as const).filter((name) => given(body, name));
  if (named.length === 0) throw sessionsErrors.noRevokeArguments();
  if (named.length > 1) throw sessionsErrors.tooManyRevokeArguments();
  const value = optionalString(body, named[0]!)!;
  switch (named[0]!) {
    case 'session_id':
      return { sessionId: value };
    case 'session_token':
      return { sessionToken: value };
    case 'session_jwt':
      return { sessionJwt: value };
    default:
      return { userId: value };
  }
}

/** GET /v1/sessions?user_id=…: the one user whose sessions are listed. */
export function parseListQuery(url: string | undefined): string {
  const query = new URL(url ?? '/', 'http://localhost').searchParams;
  const userIds = query.getAll('user_id');
  if (userIds.length !== 1 || userIds[0] === '') throw sessionsErrors.invalidArgument('Send one user_id in the query: GET /v1/sessions?user_id=...');
  return userIds[0]!;
}
