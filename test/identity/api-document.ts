import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import document from '../../openapi/identity.json';

/** The shipped OpenAPI document, loaded into ajv so test responses can be checked against it. */
export const apiDocument = document as unknown as {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; headers?: Record<string, unknown>; content?: Record<string, unknown> }> }>>;
  components: { responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }> };
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, 'identity');

function pointer(...segments: string[]): string {
  return segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

interface ReceivedResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Asserts that a response the tests received is one the document declares:
 * its status is listed for the operation, its JSON body fits the schema and
 * the headers the document names are present.
 */
export function expectDocumented(response: ReceivedResponse, method: 'get' | 'post', path: string): void {
  const operation = apiDocument.paths[path]?.[method];
  if (operation === undefined) throw new Error(`${method.toUpperCase()} ${path} is not in openapi/identity.json`);
  const status = String(response.status);
  const declared = operation.responses[status];
  if (declared === undefined) throw new Error(`${method.toUpperCase()} ${path} answered ${status}, which openapi/identity.json does not declare`);
  let schemaPointer = pointer('', 'paths', path, method, 'responses', status, 'content', 'application/json', 'schema');
  let resolved = declared;
  if (declared.$ref !== undefined) {
    const name = declared.$ref.replace('#/components/responses/', '');
    resolved = apiDocument.components.responses[name]!;
    schemaPointer = pointer('', 'components', 'responses', name, 'content', 'application/json', 'schema');
  }
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  for (const header of Object.keys(resolved.headers ?? {})) expect(response.headers[header.toLowerCase()]).toEqual(expect.any(String));
  const validate = ajv.getSchema(`identity#${schemaPointer}`);
  if (validate === undefined) throw new Error(`no schema at ${schemaPointer}`);
  if (!validate(response.body)) {
    throw new Error(`${method.toUpperCase()} ${path} ${status} body does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(response.body)}`);
  }
}
