import { Router, type Request, type Response } from 'express';
import { IdentityService, type IdentityResponse, type IdentityServiceOptions } from '../core/identity/identity-service.js';

export interface IdentityRouter extends Router {
  /** The framework-free service behind the routes (its verifier, templates). */
  readonly service: IdentityService;
}

async function answer(req: Request, res: Response, pending: Promise<IdentityResponse> | IdentityResponse): Promise<void> {
  const response = await pending;
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body);
  // A body refused for its size is not read to the end: drop the connection once answered.
  if (!req.complete) res.once('finish', () => req.destroy());
}

/**
 * The identity service's endpoints as an Express router: mount it with
 * `app.use(identityRouter({ providers, serviceAuth, templates }))`.
 * It reads its own bodies (size-capped); mount it before a global express.json().
 */
export function identityRouter(options: IdentityServiceOptions | IdentityService): IdentityRouter {
  const service = options instanceof IdentityService ? options : new IdentityService(options);
  const router = Router();
  router.post('/v1/sessions/verify', (req, res) => answer(req, res, service.verifySession(req)));
  router.post('/v1/sessions/:session_id/verify', (req, res) => answer(req, res, service.verifySession(req, req.params.session_id)));
  router.post('/v1/sessions/:session_id/tokens/:template_name', (req, res) =>
    answer(req, res, service.createToken(req, req.params.session_id, req.params.template_name)),
  );
  router.get('/.well-known/jwks.json', (req, res) => answer(req, res, service.jwks()));
  return Object.defineProperty(router, 'service', { value: service }) as IdentityRouter;
}

export { IdentityService, type IdentityResponse, type IdentityServiceOptions };
export type { ServiceAuthOptions, ServiceApiKey, ServiceCaller } from '../core/identity/service-auth.js';
export type { VerifyResponseBody } from '../core/identity/verify-response.js';
export { tokenTemplates, TokenTemplates, type TokenTemplate, type TokenTemplatesOptions } from '../core/templates/token-templates.js';
export { hasuraTemplate, HASURA_CLAIMS_NAMESPACE, type HasuraTemplateOptions } from '../core/templates/hasura.js';
export type { SigningAlgorithm, SigningKeyInput } from '../core/templates/signing-key.js';
