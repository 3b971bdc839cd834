import type { ErrorFactory } from '../errors.js';
import { assertSingleCredential, type Credentials } from '../request/credentials.js';
import { checkHeader, checkTokenShape, decodeToken, type DecodedToken } from './decode.js';

/**
 * Shape, base64url/JSON and protected-header checks of a found token, before any routing: a 400 or
 * 401 for what fails. The signature is a shared view (see DecodedToken.signature): copy it before an await.
 */
export function decodeCredentials(credentials: Credentials, errors: ErrorFactory): DecodedToken {
  const token = credentials.token;
  const shapeProblem = checkTokenShape(token);
  if (shapeProblem !== undefined) {
    // A compact JWS has no whitespace or comma: only a malformed token can be two credentials (a 400).
    assertSingleCredential(credentials, errors);
    const message = shapeProblem === 'token_too_large' ? 'The token is larger than 8 KiB.' : 'The token is not a compact JWS.';
    throw errors.invalidToken(shapeProblem, message);
  }
  const decoded = decodeToken(token, true);
  if (decoded === undefined) {
    // Whitespace and commas pass the shape check and fail the decoding (see decodedFully).
    assertSingleCredential(credentials, errors);
    throw errors.invalidToken('token_malformed', 'The token is not base64url JSON in three segments.');
  }
  const headerProblem = checkHeader(decoded.header);
  if (headerProblem !== undefined) throw errors.invalidToken(headerProblem.reason, headerProblem.message);
  return decoded;
}
