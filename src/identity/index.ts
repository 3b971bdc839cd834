import type { IncomingMessage, ServerResponse } from 'node:http';
import { IdentityService, createIdentityService, type IdentityResponse, type IdentityServiceOptions } from '../core/identity/identity-service.js';

/** Writes an identity answer on a Node response; a body refused for its size is not read on: the connection closes. */
function write(req: IncomingMessage, res: ServerResponse, response: IdentityResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body);
  if (!req.complete) res.once('finish', () => req.destroy());
}

function toService(options: IdentityServiceOptions | IdentityService): IdentityService {
  return options instanceof IdentityService ? options : new IdentityService(options);
}

/** Express middleware (no express import at run time): any request that is not the service's goes on. */
export interface IdentityRouter {
  (req: IncomingMessage & { path?: string; body?: unknown }, res: ServerResponse, next: (error?: unknown) => void): void;
  /** The framework-free service behind the routes (its verifier, templates). */
  readonly service: IdentityService;
}

/**
 * The identity service's endpoints for Express: `app.use(identityRouter({ providers, serviceAuth, templates }))`,
 * or under a prefix with `app.use('/identity', identityRouter(...))`. It reads its own bodies (size-capped):
 * mount it before a global express.json().
 */
export function identityRouter(options: IdentityServiceOptions | IdentityService): IdentityRouter {
  const service = toService(options);
  const handler = (req: IncomingMessage & { path?: string; body?: unknown }, res: ServerResponse, next: (error?: unknown) => void): void => {
    const path = req.path ?? new URL(req.url ?? '/', 'http://localhost').pathname;
    service.handle(req, path).then((response) => (response === undefined ? next() : write(req, res, response)), next);
  };
  return Object.defineProperty(handler, 'service', { value: service }) as IdentityRouter;
}

/** The Koa context the identity middleware reads and writes (any Koa context is one). */
interface KoaLikeContext {
  req: IncomingMessage & { body?: unknown };
  res: ServerResponse;
  request: { body?: unknown };
  path: string;
  status: number;
  body: unknown;
  set(headers: Record<string, string>): void;
}

/**
 * The identity service's endpoints for Koa: `app.use(identityKoa({ providers, serviceAuth, templates }))`.
 * It reads its own bodies (size-capped); after a body parser it takes the parsed `ctx.request.body`.
 */
export function identityKoa(options: IdentityServiceOptions | IdentityService): ((ctx: KoaLikeContext, next: () => Promise<unknown>) => Promise<void>) & { readonly service: IdentityService } {
  const service = toService(options);
  const middleware = async (ctx: KoaLikeContext, next: () => Promise<unknown>): Promise<void> => {
    // A body parser that ran first left the parsed body on ctx.request.
    if (ctx.req.body === undefined && ctx.request.body !== undefined) ctx.req.body = ctx.request.body;
    const response = await service.handle(ctx.req, ctx.path);
    if (response === undefined) {
      await next();
      return;
    }
    ctx.status = response.status;
    ctx.set(response.headers);
    ctx.body = response.body;
    if (!ctx.req.complete) ctx.res.once('finish', () => ctx.req.destroy());
  };
  return Object.defineProperty(middleware, 'service', { value: service }) as typeof middleware & { readonly service: IdentityService };
}

export { IdentityService, createIdentityService, type IdentityResponse, type IdentityServiceOptions };
export { memorySessions } from '../core/sessions/memory-sessions.js';
export type { SessionRecordStore, SessionPatch, RevocationTarget } from '../core/sessions/record-store.js';
export type { SessionRecord } from '../core/sessions/model.js';
export type { SessionsOptions, ProjectSecret, SessionSigningKey } from '../core/sessions/sessions-options.js';
export type { SessionPolicy, AuthorizationCheck } from '../core/sessions/policy.js';
export type { ServiceAuthOptions, ServiceApiKey, ServiceCaller } from '../core/identity/service-auth.js';
export type { VerifyResponseBody } from '../core/principal/verify-response.js';
export { tokenTemplates, TokenTemplates, type TokenTemplate, type TokenTemplatesOptions } from '../core/templates/token-templates.js';
export { hasuraTemplate, HASURA_CLAIMS_NAMESPACE, type HasuraTemplateOptions } from '../core/templates/hasura.js';
export type { SigningAlgorithm, SigningKeyInput, PrivateJwk } from '../core/templates/signing-key.js';
