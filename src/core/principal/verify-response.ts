import type { SessionPrincipal } from './principal.js';

/** The 200 body of POST /v1/sessions/verify: snake_case, every field present (null where there is no value). */
export interface VerifyResponseBody {
  subject: string;
  type: 'user';
  brand_id: string | null;
  workos_user_id: string;
  clerk_user_id: string | null;
  scope: string;
}

export function toVerifyResponse(principal: SessionPrincipal): VerifyResponseBody {
  return {
    subject: principal.subject,
    type: principal.type,
    brand_id: principal.brandId,
    workos_user_id: principal.workosUserId,
    clerk_user_id: principal.clerkUserId,
    scope: principal.scope,
  };
}

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

/** Reads a verify response from a remote identity service; undefined when it does not fit the schema. */
export function parseVerifyResponse(value: unknown): VerifyResponseBody | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const body = value as Record<string, unknown>;
  if (typeof body.subject !== 'string' || body.subject === '' || body.type !== 'user') return undefined;
  if (typeof body.workos_user_id !== 'string' || typeof body.scope !== 'string') return undefined;
  if (!isNullableString(body.brand_id) || !isNullableString(body.clerk_user_id)) return undefined;
  return {
    subject: body.subject,
    type: 'user',
    brand_id: body.brand_id,
    workos_user_id: body.workos_user_id,
    clerk_user_id: body.clerk_user_id,
    scope: body.scope,
  };
}
