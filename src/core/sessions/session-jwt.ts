import { SignJWT, type JWK } from 'jose';
import type { JsonWebKeySet } from '../jwk.js';
import { LocalKeySet } from '../keys/local-key-set.js';
import { SignatureRejected, verifySignature } from '../keys/verify-signature.js';
import { ALGORITHMS } from '../keys/algorithms.js';
import { checkTokenShape, decodeToken, type JsonObject } from '../token/decode.js';
import type { SigningKey } from '../templates/signing-key.js';
import { rfc3339, type SessionRecord } from './model.js';

/** Stytch's claim name for the session object inside a session JWT. */
export const STYTCH_SESSION_CLAIM = 'https://stytch.com/session';

/** Longest session JWT a create or update may produce: it must fit a cookie (4 KB with its name and attributes). */
export const MAX_SESSION_JWT_BYTES = 3800;

/** Why a presented session JWT is not one of ours. */
export class SessionJwtRejected extends Error {}

function base64urlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/** Mints and checks the service's own session JWTs with its signing keys: the first signs, all verify. */
export class SessionJwts {
  private readonly signer: SigningKey;
  private readonly keySet: LocalKeySet;
  private readonly header: { alg: string; kid: string; typ: 'JWT' };
  private readonly signatureChars: number;

  constructor(
    private readonly keys: readonly SigningKey[],
    private readonly issuer: string,
    private readonly audience: string,
    private readonly lifetimeSeconds: number,
  ) {
    this.signer = keys[0]!;
    this.keySet = new LocalKeySet(keys.map((key) => ({ ...key.publicJwk }) as JWK));
    this.header = { alg: this.signer.alg, kid: this.signer.kid, typ: 'JWT' };
    const spec = ALGORITHMS.get(this.signer.alg)!;
    const rsaBytes = Buffer.from(this.signer.publicJwk.n ?? '', 'base64url').length;
    this.signatureChars = base64urlLength(spec.signatureBytes ?? rsaBytes);
  }

  /** The public keys: what `/v1/sessions/jwks/{project_id}` serves. */
  jwks(): JsonWebKeySet {
    return { keys: this.keys.map((key) => ({ ...key.publicJwk })) };
  }

  /** The JWT's claims for a session at `now` (epoch ms): custom claims first, so nothing they hold overrides ours. */
  payload(record: SessionRecord, now: number): JsonObject {
    const iat = Math.floor(now / 1000);
    const exp = Math.min(iat + this.lifetimeSeconds, Math.floor(record.expiresAt / 1000));
    return {
      ...record.customClaims,
      iss: this.issuer,
      aud: [this.audience],
      sub: record.userId,
      sid: record.sessionId,
      iat,
      nbf: iat,
      exp,
      [STYTCH_SESSION_CLAIM]: {
        id: record.sessionId,
        started_at: rfc3339(record.startedAt),
        last_accessed_at: rfc3339(record.lastAccessedAt),
        expires_at: rfc3339(record.expiresAt),
        attributes: { user_agent: '', ip_address: '' },
        authentication_factors: record.factors,
        roles: record.upstream.roles,
        brand_id: record.upstream.brandId,
        organization_id: record.upstream.organizationId,
        permissions: record.upstream.permissions,
      },
    };
  }

  /** The length the JWT of this session would have, computed without signing. */
  length(record: SessionRecord, now: number): number {
    const header = Buffer.byteLength(JSON.stringify(this.header));
    const payload = Buffer.byteLength(JSON.stringify(this.payload(record, now)));
    return base64urlLength(header) + 1 + base64urlLength(payload) + 1 + this.signatureChars;
  }

  mint(record: SessionRecord, now: number): Promise<string> {
    return new SignJWT(this.payload(record, now)).setProtectedHeader(this.header).sign(this.signer.privateKey);
  }

  /**
   * The session id and user of a JWT this service signed, checking signature, `iss`, `aud` and
   * `typ` but not `exp`: an expired JWT of a live session is refreshed, the caller checks the
   * session itself. Throws SessionJwtRejected for anything else.
   */
  async identify(jwt: string): Promise<{ sessionId: string; userId: string; exp: number }> {
    if (checkTokenShape(jwt) !== undefined) throw new SessionJwtRejected('not a JWT');
    const decoded = decodeToken(jwt);
    if (decoded === undefined) throw new SessionJwtRejected('not a JWT');
    const { header, payload, signature } = decoded;
    if (typeof header.alg !== 'string' || !this.keys.some((key) => key.alg === header.alg) || header.typ !== 'JWT') throw new SessionJwtRejected('header');
    if (typeof header.kid !== 'string') throw new SessionJwtRejected('kid');
    try {
      await verifySignature(jwt, signature, this.keySet, header.kid, header.alg);
    } catch (error) {
      if (error instanceof SignatureRejected) throw new SessionJwtRejected(error.reason);
      throw error;
    }
    const aud = payload.aud;
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (payload.iss !== this.issuer || !audiences.includes(this.audience)) throw new SessionJwtRejected('issuer or audience');
    if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw new SessionJwtRejected('claims');
    return { sessionId: payload.sid, userId: payload.sub, exp: payload.exp };
  }
}
