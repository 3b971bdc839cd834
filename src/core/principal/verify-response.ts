import type { SessionPrincipal } from './principal.js';
import type { Actor, AuthenticationFactor } from './provider-claims.js';

/** The 200 body of POST /v1/sessions/verify: snake_case, every field present (null where there is no value). */
export interface VerifyResponseBody {
  subject: string;
  type: 'user';
  brand_id: string | null;
  /** The WorkOS user id; null for users that have none (Stytch, OIDC, Clerk users without a mapping). */
  workos_user_id: string | null;
  clerk_user_id: string | null;
  scope: string;
  session_id: string | null;
  roles: readonly string[];
  organization_id: string | null;
  organization_slug: string | null;
  organization_role: string | null;
  permissions: readonly string[];
  features: readonly string[];
  entitlements: readonly string[];
  feature_flags: readonly string[];
  actor: Actor | null;
  authentication_factors: readonly AuthenticationFactor[];
}

export function toVerifyResponse(principal: SessionPrincipal): VerifyResponseBody {
  return {
    subject: principal.subject,
    type: principal.type,
    brand_id: principal.brandId,
    workos_user_id: principal.workosUserId,
    clerk_user_id: principal.clerkUserId,
    scope: principal.scope,
    session_id: principal.sessionId,
    roles: principal.roles,
    organization_id: principal.organizationId,
    organization_slug: principal.organizationSlug,
    organization_role: principal.organizationRole,
    permissions: principal.permissions,
    features: principal.features,
    entitlements: principal.entitlements,
    feature_flags: principal.featureFlags,
    actor: principal.actor,
    authentication_factors: principal.authenticationFactors,
  };
}

/** The members an older identity service may not send: each reads as absent (undefined), never as a failure. */
export type OptionalVerifyMembers = Exclude<keyof VerifyResponseBody, 'subject' | 'type' | 'brand_id' | 'workos_user_id' | 'clerk_user_id' | 'scope'>;

/** A verify response as read by a remote client: the members added later may be missing. */
export type ParsedVerifyResponse = Omit<VerifyResponseBody, OptionalVerifyMembers> & Partial<Pick<VerifyResponseBody, OptionalVerifyMembers>>;

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

const LIST_MEMBERS = ['roles', 'permissions', 'features', 'entitlements', 'feature_flags'] as const;
const NULLABLE_MEMBERS = ['session_id', 'organization_id', 'organization_slug', 'organization_role'] as const;

/** Reads a verify response from a remote identity service; undefined when it does not fit the schema. */
export function parseVerifyResponse(value: unknown): ParsedVerifyResponse | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const body = value as Record<string, unknown>;
  if (typeof body.subject !== 'string' || body.subject === '' || body.type !== 'user') return undefined;
  if (!isNullableString(body.workos_user_id) || body.workos_user_id === '' || typeof body.scope !== 'string') return undefined;
  if (!isNullableString(body.brand_id) || !isNullableString(body.clerk_user_id)) return undefined;
  const parsed: ParsedVerifyResponse = {
    subject: body.subject,
    type: 'user',
    brand_id: body.brand_id,
    workos_user_id: body.workos_user_id,
    clerk_user_id: body.clerk_user_id,
    scope: body.scope,
  };
  for (const member of LIST_MEMBERS) {
    if (body[member] === undefined) continue;
    if (!isStringList(body[member])) return undefined;
    parsed[member] = body[member];
  }
  for (const member of NULLABLE_MEMBERS) {
    if (body[member] === undefined) continue;
    if (!isNullableString(body[member])) return undefined;
    parsed[member] = body[member];
  }
  if (body.actor !== undefined) {
    const actor = body.actor as { sub?: unknown } | null;
    if (actor !== null && (typeof actor !== 'object' || typeof actor.sub !== 'string')) return undefined;
    parsed.actor = actor === null ? null : { sub: actor.sub as string };
  }
  if (body.authentication_factors !== undefined) {
    const factors = body.authentication_factors;
    if (!Array.isArray(factors) || factors.some((factor) => typeof factor !== 'object' || factor === null || Array.isArray(factor))) return undefined;
    parsed.authentication_factors = factors as AuthenticationFactor[];
  }
  return parsed;
}
