/** Every `error_type` the sessions endpoints answer with. */
export type SessionsErrorType =
  | 'invalid_argument'
  | 'unauthorized_credentials'
  | 'no_session_arguments'
  | 'too_many_session_arguments'
  | 'invalid_session_duration_minutes'
  | 'custom_claims_too_large'
  | 'session_not_found'
  | 'invalid_session_jwt'
  | 'unauthorized_action'
  | 'kind_rejected'
  | 'account_suspended'
  | 'account_banned'
  | 'no_session_revoke_arguments'
  | 'too_many_session_revoke_arguments'
  | 'service_unavailable'
  | 'project_not_found'
  | (string & {});

/**
 * A refusal of the sessions endpoints, answered in Stytch's dialect:
 * `{ status_code, request_id, error_type, error_message, error_url }`.
 */
export class SessionsError extends Error {
  override readonly name = 'SessionsError';

  constructor(
    readonly status: number,
    readonly errorType: SessionsErrorType,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const sessionsErrors = {
  invalidArgument: (message: string) => new SessionsError(400, 'invalid_argument', message),
  unauthorized: () => new SessionsError(401, 'unauthorized_credentials', 'The project id and secret in the Authorization header are not valid.', { 'WWW-Authenticate': 'Basic realm="sessions"' }),
  missingScope: (scope: string) => new SessionsError(403, 'unauthorized_credentials', `This secret does not allow this call: it needs the scope ${scope}.`),
  noSessionArguments: () => new SessionsError(400, 'no_session_arguments', 'Send session_token or session_jwt.'),
  tooManySessionArguments: () => new SessionsError(400, 'too_many_session_arguments', 'Send session_token or session_jwt, not both.'),
  noRevokeArguments: () => new SessionsError(400, 'no_session_revoke_arguments', 'Send one of session_id, session_token, session_jwt or user_id.'),
  tooManyRevokeArguments: () => new SessionsError(400, 'too_many_session_revoke_arguments', 'Send only one of session_id, session_token, session_jwt and user_id.'),
  projectNotFound: () => new SessionsError(404, 'project_not_found', 'No project has that id here.'),
  notFound: () => new SessionsError(404, 'session_not_found', 'Session could not be found.'),
  invalidJwt: () => new SessionsError(401, 'invalid_session_jwt', 'The session JWT is not valid: it was not signed by this service for this project.'),
  duration: (name = 'session_duration_minutes') => new SessionsError(400, 'invalid_session_duration_minutes', `${name} must be a whole number from 5 to 527040.`),
  claimsTooLarge: (why: string) => new SessionsError(400, 'custom_claims_too_large', why),
  unauthorizedAction: () => new SessionsError(403, 'unauthorized_action', 'No role of this session grants that action on that resource.'),
  kindRejected: () => new SessionsError(401, 'kind_rejected', 'A session cannot be created from a session JWT or a template token of this service: send an upstream session token.'),
  unavailable: () => new SessionsError(503, 'service_unavailable', 'Sessions cannot be read or written right now: retry shortly.', { 'Retry-After': '5' }),
};
