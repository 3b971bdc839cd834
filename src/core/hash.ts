import * as nodeCrypto from 'node:crypto';

/** Node >= 20.12's one-shot digest (no Hash object per call); @types/node 20 does not declare it yet. */
const oneShotHash = (nodeCrypto as unknown as { hash?: (algorithm: string, data: string, encoding: 'latin1' | 'base64url' | 'hex') => string }).hash;

/** SHA-256 of a string (UTF-8), in the given encoding: the one digest every part of sessionguard uses. */
export function sha256(data: string, encoding: 'latin1' | 'base64url' | 'hex'): string {
  // engines asks for Node >= 20.19, which has crypto.hash; older Nodes still get a correct (slower) digest.
  if (oneShotHash !== undefined) return oneShotHash('sha256', data, encoding);
  return nodeCrypto.createHash('sha256').update(data).digest(encoding as nodeCrypto.BinaryToTextEncoding);
}

/** SHA-256 as bytes, for constant-time comparisons. */
export function sha256Bytes(data: string): Buffer {
  return Buffer.from(sha256(data, 'latin1'), 'latin1');
}

/** A printable fingerprint of a token for events and logs: never the token itself. */
export function tokenFingerprint(token: string): string {
  return sha256(token, 'base64url').slice(0, 12);
}
