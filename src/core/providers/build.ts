import type { CommonProviderOptions, KeySourceConfig, Provider, ProviderKind, TokenRefusal } from './types.js';
import type { JsonObject } from '../token/decode.js';
import type { ClaimsReading } from '../principal/provider-claims.js';
import { assertKnownKeys } from '../options-keys.js';
import {
  configError,
  validateAlgorithms,
  validateClockTolerance,
  validateKeySetUrl,
  validateNonEmptyString,
  validateStringList,
} from './validate.js';

/** The option names every provider accepts. */
export const COMMON_PROVIDER_KEYS = ['name', 'jwksUrl', 'jwks', 'algorithms', 'audience', 'clockToleranceSeconds', 'brandClaim', 'roleClaim'] as const;

interface ProviderDefaults {
  kind: ProviderKind;
  issuers: readonly string[];
  defaultJwksUrl: string | undefined;
  defaultAlgorithms: readonly string[];
  /** The provider's own option names, besides the common ones. */
  ownKeys: readonly string[];
  pem?: string | undefined;
  /** Key source when no jwksUrl/jwks/PEM is given (OIDC discovery). */
  defaultKeySource?: KeySourceConfig;
  /** The audience when the options give none (undefined: any audience). */
  defaultAudience?: readonly string[];
  authorizedParties?: readonly string[] | undefined;
  requireSessionId: boolean;
  legacyUsers: boolean;
  subjectIsWorkosUser: boolean;
  refuseToken?: (header: JsonObject, payload: JsonObject) => TokenRefusal | undefined;
  readClaims: (payload: JsonObject) => ClaimsReading;
}

const acceptAnyKind = (): undefined => undefined;

function keySourceOf(where: string, options: CommonProviderOptions, defaults: ProviderDefaults): KeySourceConfig {
  const sources = [options.jwksUrl, options.jwks, defaults.pem].filter((s) => s !== undefined);
  if (sources.length > 1) throw configError(where, 'give only one of jwksUrl, jwks and jwtKey.');
  if (defaults.pem !== undefined) return { type: 'pem', pem: validateNonEmptyString(where, 'jwtKey', defaults.pem) };
  if (options.jwks !== undefined) {
    if (typeof options.jwks !== 'object' || options.jwks === null || !Array.isArray(options.jwks.keys)) {
      throw configError(where, 'jwks must be a JSON Web Key Set: { keys: [...] }.');
    }
    return { type: 'jwks-inline', jwks: options.jwks };
  }
  if (options.jwksUrl === undefined && defaults.defaultKeySource !== undefined) return defaults.defaultKeySource;
  const url = options.jwksUrl ?? defaults.defaultJwksUrl;
  if (url === undefined) throw configError(where, 'jwksUrl (or jwks) is required.');
  return { type: 'jwks', url: validateKeySetUrl(where, url) };
}

/** Validates the options every provider shares and freezes the result. */
export function buildProvider(options: CommonProviderOptions, defaults: ProviderDefaults): Provider {
  const where = `${defaults.kind}()`;
  assertKnownKeys(where, options, [...COMMON_PROVIDER_KEYS, ...defaults.ownKeys]);
  const keySource = keySourceOf(where, options, defaults);
  const brandClaim = options.brandClaim ?? 'brand_id';
  validateNonEmptyString(where, 'brandClaim', brandClaim);
  if (options.roleClaim !== undefined) validateNonEmptyString(where, 'roleClaim', options.roleClaim);
  const name = options.name ?? defaults.kind;
  validateNonEmptyString(where, 'name', name);
  const audience = (options.audience as unknown) === false ? undefined : validateStringList(where, 'audience', options.audience);

  return Object.freeze({
    kind: defaults.kind,
    name,
    issuers: Object.freeze([...defaults.issuers]),
    algorithms: validateAlgorithms(where, options.algorithms, defaults.defaultAlgorithms),
    keySource,
    audience: audience ?? defaults.defaultAudience,
    authorizedParties: defaults.authorizedParties,
    clockToleranceSeconds: validateClockTolerance(where, options.clockToleranceSeconds),
    requireSessionId: defaults.requireSessionId,
    brandClaim,
    roleClaim: options.roleClaim,
    legacyUsers: defaults.legacyUsers,
    subjectIsWorkosUser: defaults.subjectIsWorkosUser,
    refuseToken: defaults.refuseToken ?? acceptAnyKind,
    readClaims: defaults.readClaims,
  });
}

/** Accepts `https://host` and `https://host/` as the same configured issuer input, keeping the exact form. */
export function validateIssuer(where: string, value: unknown): string {
  const issuer = validateNonEmptyString(where, 'issuer', value);
  try {
    new URL(issuer);
  } catch {
    throw configError(where, `issuer "${issuer}" is not a URL.`);
  }
  return issuer;
}

/** An options argument must be an object before any of it is read. */
export function requireOptionsObject(where: string, options: unknown, example: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw configError(where, `options are required: ${example}.`);
}
