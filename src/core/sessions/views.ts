import { rfc3339, type SessionRecord } from './model.js';

/** A session as Stytch's API answers it (RFC 3339 times). */
export function sessionView(record: SessionRecord): Record<string, unknown> {
  return {
    session_id: record.sessionId,
    user_id: record.userId,
    started_at: rfc3339(record.startedAt),
    last_accessed_at: rfc3339(record.lastAccessedAt),
    expires_at: rfc3339(record.expiresAt),
    attributes: { user_agent: '', ip_address: '' },
    authentication_factors: record.factors,
    custom_claims: record.customClaims,
    roles: record.upstream.roles,
  };
}

/** The session's user as Stytch's API answers it: this service holds no profile, so the list fields are present and empty. */
export function userView(record: SessionRecord): Record<string, unknown> {
  return {
    user_id: record.userId,
    emails: [],
    phone_numbers: [],
    webauthn_registrations: [],
    providers: [],
    totps: [],
    crypto_wallets: [],
    biometric_registrations: [],
    roles: record.upstream.roles,
    status: 'active',
    is_locked: false,
    trusted_metadata: {},
    untrusted_metadata: {},
  };
}
