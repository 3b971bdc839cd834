import type { SessionPrincipal } from '../principal/principal.js';
import type { SessionVerifier } from '../verifier.js';
import { decodeToken } from '../token/decode.js';
import type { SubjectRef } from '../store/types.js';
import type { SessionRecord } from '../sessions/model.js';
import type { PolicyDocument } from '../sessions/policy.js';
import { grantFromPrincipal, vouchedGrant } from '../sessions/upstream.js';
import type { SessionGrant, SessionService } from '../sessions/session-service.js';
import { sessionsErrors } from '../sessions/sessions-error.js';
import { CREATE_FOR_USER_SCOPE } from '../sessions/sessions-options.js';
import { sessionView, userView } from '../sessions/views.js';
import type { BodyRequest } from './json-body.js';
import type { ProjectAuthenticator } from './project-auth.js';
import type { IdentityResponse } from './response.js';
import { parseAuthenticateBody, parseCreateBody, parseListQuery, parseRevokeBody } from './session-bodies.js';
import { newRequestId, stytchError, stytchOk, toSessionsError } from './stytch-answer.js';

/** What the endpoints need besides the sessions themselves. */
export interface SessionsEndpointsContext {
  service: SessionService;
  auth: ProjectAuthenticator;
  projectId: string;
  /** Verifies upstream session tokens in full (account status and revocation included). */
  verifier: SessionVerifier;
  /** Issuers whose tokens can never start a session: the sessions' own and the templates'. */
  ownIssuers: ReadonlySet<string>;
  /** Names of OIDC providers: their users are named with their issuer in the status store. */
  oidcProviders: ReadonlySet<string>;
  readBody: (request: BodyRequest) => Promise<unknown>;
  /** The RBAC policy as `GET /v1/rbac/policy` answers it. */
  policy: PolicyDocument;
}

function grantAnswer(requestId: string, grant: SessionGrant): IdentityResponse {
  return stytchOk(requestId, {
    session: sessionView(grant.record),
    session_token: grant.sessionToken,
    session_jwt: grant.sessionJwt,
    user: userView(grant.record),
    ...(grant.grantingRoles === undefined ? {} : { verdict: { authorized: true, granting_roles: grant.grantingRoles } }),
  });
}

/** The four Stytch-dialect endpoints under HTTP Basic `projectId:secret`, and the project's key set. */
export class SessionsEndpoints {
  constructor(private readonly context: SessionsEndpointsContext) {}

  /** POST /v1/sessions */
  create(request: BodyRequest): Promise<IdentityResponse> {
    return this.answer(request, 'sessions:create', async (scopes, requestId) => {
      const body = parseCreateBody(await this.context.readBody(request));
      const common = { durationMinutes: body.durationMinutes, ...(body.claims === undefined ? {} : { claims: body.claims }) };
      if (body.userId !== undefined) {
        if (!scopes.includes(CREATE_FOR_USER_SCOPE)) throw sessionsErrors.missingScope(CREATE_FOR_USER_SCOPE);
        const grant = await this.context.service.create({
          userId: body.userId,
          statusSubject: body.userId,
          upstream: vouchedGrant(body.roles),
          factor: { type: 'trusted_auth_token', delivery_method: 'service_vouched' },
          ...common,
        });
        return grantAnswer(requestId, grant);
      }
      const principal = await this.upstreamPrincipal(body.token!);
      const grant = await this.context.service.create({
        userId: principal.subject,
        statusSubject: this.statusSubjectOf(principal),
        upstream: grantFromPrincipal(principal),
        factor: { type: 'trusted_auth_token', delivery_method: 'trusted_token_exchange' },
        ...common,
      });
      return grantAnswer(requestId, grant);
    });
  }

  /** POST /v1/sessions/authenticate */
  authenticate(request: BodyRequest): Promise<IdentityResponse> {
    return this.answer(request, 'sessions:authenticate', async (_scopes, requestId) => {
      const body = parseAuthenticateBody(await this.context.readBody(request));
      return grantAnswer(requestId, await this.context.service.authenticate(body));
    });
  }

  /** POST /v1/sessions/revoke */
  revoke(request: BodyRequest): Promise<IdentityResponse> {
    return this.answer(request, 'sessions:revoke', async (_scopes, requestId) => {
      await this.context.service.revoke(parseRevokeBody(await this.context.readBody(request)));
      return stytchOk(requestId, {});
    });
  }

  /** authenticate() or revoke() for a caller in this process: the same answers, without the project secret. */
  inProcess(operation: 'authenticate' | 'revoke', body: Record<string, unknown>): Promise<IdentityResponse> {
    const work = async (requestId: string): Promise<IdentityResponse> => {
      if (operation === 'authenticate') return grantAnswer(requestId, await this.context.service.authenticate(parseAuthenticateBody(body)));
      await this.context.service.revoke(parseRevokeBody(body));
      return stytchOk(requestId, {});
    };
    const requestId = newRequestId();
    return work(requestId).catch((error: unknown) => stytchError(requestId, toSessionsError(error)));
  }

  /** GET /v1/sessions?user_id=… */
  list(request: BodyRequest): Promise<IdentityResponse> {
    return this.answer(request, 'sessions:list', async (_scopes, requestId) => {
      const records: SessionRecord[] = await this.context.service.list(parseListQuery(request.url));
      return stytchOk(requestId, { sessions: records.map(sessionView) });
    });
  }

  /** GET /v1/rbac/policy: the policy authorization checks use, for Stytch's SDKs to check JWTs locally. */
  policy(request: BodyRequest): Promise<IdentityResponse> {
    return this.answer(request, 'sessions:authenticate', async (_scopes, requestId) => stytchOk(requestId, { policy: this.context.policy }));
  }

  /** GET /v1/sessions/jwks/{project_id}: the session keys only, without credentials. */
  projectJwks(projectId: string): IdentityResponse {
    const requestId = newRequestId();
    if (projectId !== this.context.projectId) return stytchError(requestId, sessionsErrors.projectNotFound());
    return stytchOk(requestId, { keys: this.context.service.jwts.jwks().keys }, 'public, max-age=300');
  }

  private async answer(request: BodyRequest, scope: string, work: (scopes: readonly string[], requestId: string) => Promise<IdentityResponse>): Promise<IdentityResponse> {
    const requestId = newRequestId();
    try {
      const scopes = this.context.auth.authenticate(request.headers.authorization, scope);
      return await work(scopes, requestId);
    } catch (error) {
      return stytchError(requestId, toSessionsError(error));
    }
  }

  /** The upstream session, verified in full; never one of this service's own tokens. */
  private async upstreamPrincipal(token: string): Promise<SessionPrincipal> {
    const iss = decodeToken(token)?.payload.iss;
    if (typeof iss === 'string' && this.context.ownIssuers.has(iss)) throw sessionsErrors.kindRejected();
    const principal = await this.context.verifier.verify(token);
    if (this.context.ownIssuers.has(principal.issuer)) throw sessionsErrors.kindRejected();
    return principal;
  }

  private statusSubjectOf(principal: SessionPrincipal): SubjectRef {
    return this.context.oidcProviders.has(principal.provider) ? { issuer: principal.issuer, subject: principal.subject } : principal.subject;
  }
}
