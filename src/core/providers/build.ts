import type { CommonProviderOptions, KeySourceConfig, Provider, ProviderKind } from './types.js';
import type { JsonObject } from '../token/decode.js';
import {
  configError,
  validateAlgorithms,
  validateClockTolerance,
  validateKeySetUrl,
  validateNonEmptyString,
  validateStringList,
} from './validate.js';

interface ProviderDefaults {
  kind: ProviderKind;
  issuers: readonly string[];
  defaultJwksUrl: string | undefined;
  defaultAlgorithms: readonly string[];
  pem?: string | undefined;
  authorizedParties?: readonly string[] | undefined;
  requireSessionId: boolean;
  legacyUsers: boolean;
  rejectTokenKind?: (header: JsonObject, payload: JsonObject) => string | undefined;
}

const acceptAnyKind = (): undefined => undefined;

/** Validates the options every provider shares and freezes the result. */
export function buildProvider(options: CommonProviderOptions, defaults: ProviderDefaults): Provider {
  const where = `${defaults.kind}()`;
  const sources = [options.jwksUrl, options.jwks, defaults.pem].filter((s) => s !== undefined);
  if (sources.length > 1) throw configError(where, 'give only one of jwksUrl, jwks and jwtKey.');

  let keySource: KeySourceConfig;
  if (defaults.pem !== undefined) {
    keySource = { type: 'pem', pem: validateNonEmptyString(where, 'jwtKey', defaults.pem) };
  } else if (options.jwks !== undefined) {
    if (typeof options.jwks !== 'object' || options.jwks === null || !Array.isArray(options.jwks.keys)) {
      throw configError(where, 'jwks must be a JSON Web Key Set: { keys: [...] }.');
    }
    keySource = { type: 'jwks-inline', jwks: options.jwks };
  } else {
    const url = options.jwksUrl ?? defaults.defaultJwksUrl;
    if (url === undefined) throw configError(where, 'jwksUrl (or jwks) is required.');
    keySource = { type: 'jwks', url: validateKeySetUrl(where, url) };
  }

  const brandClaim = options.brandClaim ?? 'brand_id';
  validateNonEmptyString(where, 'brandClaim', brandClaim);
  if (options.roleClaim !== undefined) validateNonEmptyString(where, 'roleClaim', options.roleClaim);
  const name = options.name ?? defaults.kind;
  validateNonEmptyString(where, 'name', name);

  return Object.freeze({
    kind: defaults.kind,
    name,
    issuers: Object.freeze([...defaults.issuers]),
    algorithms: validateAlgorithms(where, options.algorithms, defaults.defaultAlgorithms),
    keySource,
    audience: validateStringList(where, 'audience', options.audience),
    authorizedParties: defaults.authorizedParties,
    clockToleranceSeconds: validateClockTolerance(where, options.clockToleranceSeconds),
    requireSessionId: defaults.requireSessionId,
    brandClaim,
    roleClaim: options.roleClaim,
    legacyUsers: defaults.legacyUsers,
    rejectTokenKind: defaults.rejectTokenKind ?? acceptAnyKind,
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
