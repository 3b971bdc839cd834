import { randomBytes, randomUUID } from 'node:crypto';
import { sha256 } from '../hash.js';

/** Bytes of randomness in a session token: 32 (256 bits), far beyond guessing. */
const TOKEN_BYTES = 32;

/** A new opaque session token: 32 random bytes, base64url (43 characters). Handed out once, stored only as its hash. */
export function newSessionToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** What a store keeps and looks tokens up by: the SHA-256 of the token, base64url. */
export function hashSessionToken(token: string): string {
  return sha256(token, 'base64url');
}

/** A new session id, in Stytch's form. */
export function newSessionId(): string {
  return `session-${randomUUID()}`;
}
