import { SESSION_GUARD_KEYS, type SessionGuardOptions } from '../options.js';
import { assertKnownKeys } from '../options-keys.js';
import { SessionVerifier } from '../verifier.js';
import { toHttpResponse } from '../errors.js';
import type { NodeRequestLike as RequestLike } from '../request/credentials.js';
import type { SessionPrincipal } from '../principal/principal.js';
import { isTemplateLifetime, MAX_TEMPLATE_LIFETIME_SECONDS, MIN_TEMPLATE_LIFETIME_SECONDS, type TokenTemplates } from '../templates/token-templates.js';
import { DEFAULT_MAX_BODY_BYTES, readJsonBody, type BodyRequest } from './json-body.js';
import { ServiceAuthenticator, type ServiceAuthOptions } from './service-auth.js';
import { toVerifyResponse } from '../principal/verify-response.js';
import { BadPathError, matchIdentityRoute, type IdentityRoute } from './routes.js';
import { isObject, json, type IdentityResponse } from './response.js';
import { PreparedSessions } from './sessions-setup.js';
import type { SessionsEndpoints } from './sessions-endpoints.js';
import type { SessionsOptions } from '../sessions/sessions-options.js';
import type { JsonWebKeySet } from '../jwk.js';

export type { IdentityResponse } from './response.js';

export interface IdentityServiceOptions extends SessionGuardOptions {
  /** First-party sessions: the service issues, extends, refreshes and revokes sessions of its own. */
  sessions?: SessionsOptions;
  /** How calling services authenticate (required: every verify call comes from a service). */
  serviceAuth: ServiceAuthOptions;
  /** Template tokens served at /v1/sessions/{id}/tokens/{name}, with their keys at /.well-known/jwks.json. */
  templates?: TokenTemplates;
  /** Cap on request bodies (default 16 KiB). */
  maxBodyBytes?: number;
}


/** Only the Authorization header: the identity service never reads a browser cookie. */
function authorizationOnly(request: RequestLike): RequestLike {
  const raw = request.rawHeaders ?? [];
  const rawHeaders: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() === 'authorization') rawHeaders.push(raw[i] as string, raw[i + 1] as string);
  }
  return { method: request.method, headers: { authorization: request.headers.authorization }, rawHeaders };
}

/**
 * The identity service's endpoints, framework-free: each method takes a Node
 * request and resolves to the response to write (never rejects).
 */
export class IdentityService {
  readonly verifier: SessionVerifier;
  readonly templates: TokenTemplates | undefined;
  /** The first-party sessions' endpoints, when `sessions` is configured. */
  readonly sessions: SessionsEndpoints | undefined;
  private readonly sessionKeys: JsonWebKeySet | undefined;
  private readonly callers: ServiceAuthenticator;
  private readonly maxBodyBytes: number;

  constructor(options: IdentityServiceOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('sessionguard: identityRouter(): options are required: { providers, serviceAuth }.');
    assertKnownKeys('identityRouter()', options, [...SESSION_GUARD_KEYS, 'serviceAuth', 'maxBodyBytes', 'sessions']);
    const { serviceAuth, maxBodyBytes, sessions: sessionsOptions, ...guardOptions } = options;
    const sessionIssuers = new Set(guardOptions.providers?.flatMap((provider) => provider.issuers) ?? []);
    for (const provider of serviceAuth?.providers ?? []) {
      // A session token must never pass as a service credential, nor the reverse.
      if (provider.issuers.some((issuer) => sessionIssuers.has(issuer))) {
        throw new TypeError(`sessionguard: identityRouter(): the service issuer of "${provider.name}" is also a session provider's; give service tokens their own issuer.`);
      }
    }
    const prepared = sessionsOptions === undefined ? undefined : new PreparedSessions(sessionsOptions, options.templates);
    this.verifier = new SessionVerifier(prepared === undefined ? guardOptions : prepared.guardOptions(guardOptions));
    this.templates = options.templates;
    this.callers = new ServiceAuthenticator(serviceAuth, this.verifier.errors, { realm: options.realm, clock: options.clock, onEvent: options.onEvent });
    if (maxBodyBytes !== undefined && (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024 || maxBodyBytes > 1024 * 1024)) {
      throw new TypeError('sessionguard: identityRouter(): maxBodyBytes must be a whole number from 1024 to 1048576.');
    }
    this.maxBodyBytes = maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.sessions = prepared?.endpoints(this.verifier, guardOptions, this.templates, (request) => this.body(request));
    this.sessionKeys = prepared?.jwts.jwks();
  }

  /**
   * Answers a request for one of the service's routes; undefined when the
   * method and path are not the service's (the adapter passes it on).
   * `path` is relative to where the service is mounted.
   */
  async handle(request: BodyRequest, path: string): Promise<IdentityResponse | undefined> {
    let route;
    try {
      route = matchIdentityRoute(request.method, path);
    } catch (error) {
      if (!(error instanceof BadPathError)) throw error;
      return this.failure(this.verifier.errors.invalidRequest('path_invalid', 'The request path is not valid percent-encoding.'));
    }
    if (route === undefined) return undefined;
    switch (route.name) {
      case 'jwks':
        return this.jwks();
      case 'verify':
        return this.verifySession(request, route.sessionId);
      case 'token':
        return this.createToken(request, route.sessionId, route.templateName);
      default:
        return this.sessions === undefined ? undefined : this.sessionRoute(request, route);
    }
  }

  private sessionRoute(request: BodyRequest, route: Exclude<IdentityRoute, { name: 'jwks' | 'verify' | 'token' }>): Promise<IdentityResponse> | IdentityResponse {
    const sessions = this.sessions!;
    switch (route.name) {
      case 'sessions.create':
        return sessions.create(request);
      case 'sessions.authenticate':
        return sessions.authenticate(request);
      case 'sessions.revoke':
        return sessions.revoke(request);
      case 'sessions.list':
        return sessions.list(request);
      case 'sessions.policy':
        return sessions.policy(request);
      default:
        return sessions.projectJwks(route.projectId);
    }
  }

  /** The sessions' authenticate and revoke answers for a guard in this process (`refresh: { service }`). */
  sessionsInProcess(operation: 'authenticate' | 'revoke', body: Record<string, unknown>): Promise<IdentityResponse> {
    if (this.sessions === undefined) throw new TypeError('sessionguard: refresh: { service } needs an identity service with sessions configured.');
    return this.sessions.inProcess(operation, body);
  }

  /** POST /v1/sessions/verify and, with a session id, POST /v1/sessions/{session_id}/verify. */
  async verifySession(request: BodyRequest, sessionId?: string): Promise<IdentityResponse> {
    try {
      await this.callers.authenticate(this.bearer(request), this.callers.verifyScope);
      const principal = await this.verifier.verify(this.sessionToken(await this.body(request)));
      this.requireSession(principal, sessionId);
      return json(200, toVerifyResponse(principal));
    } catch (error) {
      return this.failure(error);
    }
  }

  /**
   * POST /v1/sessions/{session_id}/tokens/{template_name}. The caller is the
   * session itself (its token in Authorization), or a service holding the
   * tokens scope that sends the session's token in the body.
   */
  async createToken(request: BodyRequest, sessionId: string, templateName: string): Promise<IdentityResponse> {
    try {
      const templates = this.templates;
      if (templates === undefined) throw this.verifier.errors.notFound('templates_disabled', 'This identity service has no JWT templates.');
      const credential = this.bearer(request);
      if (credential === undefined) throw this.verifier.errors.missingToken();
      const asService = this.callers.isServiceCredential(credential);
      let principal: SessionPrincipal | undefined;
      if (asService) await this.callers.authenticate(credential, this.callers.tokensScope);
      else principal = await this.sessionOf(credential, sessionId);
      if (!templates.has(templateName)) throw this.verifier.errors.notFound('template_unknown', 'No JWT template has that name.');
      const body = (await this.body(request)) ?? {};
      if (!isObject(body)) throw this.verifier.errors.invalidRequest('body_invalid', 'The request body must be a JSON object.');
      const expiresInSeconds = body.expires_in_seconds;
      if (expiresInSeconds !== undefined && !isTemplateLifetime(expiresInSeconds)) {
        throw this.verifier.errors.invalidRequest(
          'expires_in_seconds_invalid',
          `expires_in_seconds must be a whole number from ${MIN_TEMPLATE_LIFETIME_SECONDS} to ${MAX_TEMPLATE_LIFETIME_SECONDS}.`,
        );
      }
      principal ??= await this.sessionOf(this.sessionToken(body), sessionId);
      const jwt = await templates.mint(principal, templateName, { expiresInSeconds });
      return json(200, { object: 'token', jwt });
    } catch (error) {
      return this.failure(error);
    }
  }

  /** GET /.well-known/jwks.json: the public keys of template tokens and session JWTs together. */
  jwks(): IdentityResponse {
    if (this.templates === undefined && this.sessionKeys === undefined) {
      return this.failure(this.verifier.errors.notFound('templates_disabled', 'This identity service has no JWT templates.'));
    }
    return json(200, { keys: [...(this.templates?.jwks().keys ?? []), ...(this.sessionKeys?.keys ?? [])] }, 'public, max-age=300');
  }

  close(): void {
    this.callers.close();
    this.verifier.close();
  }

  private bearer(request: RequestLike): string | undefined {
    return this.verifier.extract(authorizationOnly(request))?.token;
  }

  private body(request: BodyRequest): Promise<unknown> {
    return readJsonBody(request, this.maxBodyBytes, this.verifier.errors);
  }

  private sessionToken(body: unknown): string {
    if (body === undefined) throw this.verifier.errors.invalidRequest('token_missing', 'The request has no body: send { "token": "..." }.');
    if (!isObject(body)) throw this.verifier.errors.invalidRequest('body_invalid', 'The request body must be a JSON object: { "token": "..." }.');
    const token = body.token;
    if (token === undefined || token === '') throw this.verifier.errors.invalidRequest('token_missing', 'The request body has no "token".');
    if (typeof token !== 'string') throw this.verifier.errors.invalidRequest('body_invalid', '"token" must be a string.');
    return token;
  }

  private async sessionOf(token: string, sessionId: string): Promise<SessionPrincipal> {
    const principal = await this.verifier.verify(token);
    this.requireSession(principal, sessionId);
    return principal;
  }

  private requireSession(principal: SessionPrincipal, sessionId: string | undefined): void {
    if (sessionId !== undefined && principal.sessionId !== sessionId) {
      throw this.verifier.errors.forbidden('session_mismatch', 'The token does not belong to this session.');
    }
  }

  private failure(error: unknown): IdentityResponse {
    return toHttpResponse(this.verifier.reject(error));
  }
}

/** The identity service, with first-party sessions when `sessions` is given: mount it with identityRouter(service) or identityKoa(service). */
export function createIdentityService(options: IdentityServiceOptions): IdentityService {
  return new IdentityService(options);
}
