import { timingSafeEqual } from 'node:crypto';
import { sha256Bytes } from '../hash.js';
import { sessionsErrors } from '../sessions/sessions-error.js';

/**
 * HTTP Basic `projectId:secret`, as Stytch's API takes it. A wrong project and a wrong secret get
 * the same 401; the secret's digest is compared with every configured secret's, whatever matched,
 * so timing says nothing about which or whether.
 */
export class ProjectAuthenticator {
  private readonly projectDigest: Buffer;

  constructor(projectId: string, private readonly secrets: readonly { digest: Buffer; scopes: readonly string[] }[]) {
    this.projectDigest = sha256Bytes(projectId);
  }

  /** The caller's scopes when it holds `scope`; a 401 or 403 SessionsError otherwise. */
  authenticate(authorization: string | undefined, scope: string): readonly string[] {
    const credentials = parseBasic(authorization);
    const presentedProject = sha256Bytes(credentials?.user ?? '');
    const presentedSecret = sha256Bytes(credentials?.password ?? '');
    const projectMatches = timingSafeEqual(presentedProject, this.projectDigest);
    let scopes: readonly string[] | undefined;
    for (const secret of this.secrets) {
      if (timingSafeEqual(presentedSecret, secret.digest) && scopes === undefined) scopes = secret.scopes;
    }
    if (credentials === undefined || !projectMatches || scopes === undefined) throw sessionsErrors.unauthorized();
    if (!scopes.includes(scope)) throw sessionsErrors.missingScope(scope);
    return scopes;
  }
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Basic[ \t]+([A-Za-z0-9+/=_-]+)[ \t]*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
