import { mergeClaims } from './custom-claims.js';
import type { SessionRecord } from './model.js';
import type { SessionPatch } from './record-store.js';

/**
 * The record after a patch: the one merge every store applies, so stores differ only in how they
 * make it atomic. Reserved claim names are dropped before a patch reaches a store.
 */
export function applySessionPatch(record: SessionRecord, patch: SessionPatch): SessionRecord {
  return {
    ...record,
    lastAccessedAt: patch.at,
    expiresAt: patch.expiresAt ?? record.expiresAt,
    customClaims: patch.claims === undefined ? record.customClaims : mergeClaims(record.customClaims, patch.claims),
  };
}
