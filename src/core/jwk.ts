/**
 * Public JSON Web Key types of our own, so the published type declarations do not import
 * jose (ESM-only), which CommonJS consumers type-checking libraries could not resolve.
 */
export interface PublicJwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
  [member: string]: unknown;
}

export interface JsonWebKeySet {
  keys: PublicJwk[];
}
