import type { SessionPrincipal } from '../principal/principal.js';
import type { UpstreamGrant } from './model.js';

function organizationOf(claims: Readonly<Record<string, unknown>>): string | null {
  if (typeof claims.org_id === 'string' && claims.org_id !== '') return claims.org_id;
  const clerkOrg = claims.o;
  if (typeof clerkOrg === 'object' && clerkOrg !== null && typeof (clerkOrg as { id?: unknown }).id === 'string') return (clerkOrg as { id: string }).id;
  return null;
}

/**
 * What a session records from the upstream principal it was created from. The one place that reads
 * the principal's fields for it: roles, brand, permissions (its normalised scopes) and organization
 * (WorkOS `org_id` or Clerk `o.id`).
 */
export function grantFromPrincipal(principal: SessionPrincipal): UpstreamGrant {
  return {
    provider: principal.provider,
    issuer: principal.issuer,
    sessionId: principal.sessionId,
    roles: [...principal.roles],
    brandId: principal.brandId,
    organizationId: organizationOf(principal.claims),
    permissions: [...principal.scopes],
  };
}

/** What a session records when a service vouches for the user: only the roles it gives. */
export function vouchedGrant(roles: readonly string[]): UpstreamGrant {
  return { provider: null, issuer: null, sessionId: null, roles: [...roles], brandId: null, organizationId: null, permissions: [] };
}
