import { assertKnownKeys } from '../options-keys.js';
import type { SessionPrincipal } from '../principal/principal.js';
import type { TokenTemplate } from './token-templates.js';

export interface HasuraTemplateOptions {
  /** Template name (default `custom_hasura`). */
  name?: string;
  /** `x-hasura-default-role` (default `user`). */
  defaultRole?: string;
  /** `x-hasura-allowed-roles` (default: the default role plus the principal's roles). */
  allowedRoles?: (principal: SessionPrincipal) => readonly string[];
  lifetimeSeconds?: number;
}

/** Hasura's JWT claims namespace, as its docs specify. */
export const HASURA_CLAIMS_NAMESPACE = 'https://hasura.io/jwt/claims';

/** A template producing Hasura's claims for the session's user. */
export function hasuraTemplate(options: HasuraTemplateOptions = {}): TokenTemplate {
  assertKnownKeys('hasuraTemplate()', options, ['name', 'defaultRole', 'allowedRoles', 'lifetimeSeconds']);
  const defaultRole = options.defaultRole ?? 'user';
  const allowedRoles = options.allowedRoles ?? ((principal: SessionPrincipal) => principal.roles);
  return {
    name: options.name ?? 'custom_hasura',
    lifetimeSeconds: options.lifetimeSeconds,
    claims: (principal) => ({
      [HASURA_CLAIMS_NAMESPACE]: {
        'x-hasura-user-id': principal.subject,
        'x-hasura-default-role': defaultRole,
        'x-hasura-allowed-roles': [...new Set([defaultRole, ...allowedRoles(principal)])],
      },
    }),
  };
}
