import { DEFAULT_REALM, ErrorFactory } from '../errors.js';
import type { RbacPolicy } from './rbac.js';
import type { ErrorResponder } from '../respond.js';

/** What a guard needs besides the principal: the errors (with the verifier's realm) and the RBAC policy. */
export interface GuardContext {
  readonly errors: ErrorFactory;
  readonly rbac: RbacPolicy | undefined;
  /** How the verifier's rejections are answered (onError, errorBody); none: the standard response. */
  readonly responder?: ErrorResponder;
}

/** For a standalone guard on a request no sessionguard middleware has seen. */
const DEFAULT_CONTEXT: GuardContext = Object.freeze({ errors: new ErrorFactory(DEFAULT_REALM), rbac: undefined });

// Keyed by the framework's request object (Express `req`, Koa `ctx`): nothing is added to it,
// and the entry goes away with the request.
const contexts = new WeakMap<object, GuardContext>();

/** Called by the session middleware, so standalone guards later on the route answer with its realm and policy. */
export function rememberGuardContext(request: object, context: GuardContext): void {
  contexts.set(request, context);
}

/** The context of the session middleware that saw this request, else the defaults. */
export function guardContextOf(request: object): GuardContext {
  return contexts.get(request) ?? DEFAULT_CONTEXT;
}
