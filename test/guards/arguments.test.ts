import * as forExpress from '../../src/express';
import * as forKoa from '../../src/koa';
import type { RouteGuards } from '../../src/core/guards/route-guards';
import { createTestIssuer, type TestIssuer } from '../support/issuers';

// Guards check their arguments when mounted: a typo fails at start-up, not on the first request.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'workos' });
});
afterAll(() => issuer.close());

type AnyGuards = RouteGuards<never, unknown>;
type Mount = (guards: AnyGuards) => unknown;

const BAD: ReadonlyArray<readonly [string, Mount, RegExp]> = [
  ['requireScope with no argument', (g) => (g.requireScope as (s?: unknown) => unknown)(), /requireScope\(\) needs/],
  ['requireScope with an empty string', (g) => g.requireScope(''), /requireScope\(\) needs/],
  ['requireScope with only spaces', (g) => g.requireScope('   '), /requireScope\(\) needs/],
  ['requireScope with an empty list', (g) => g.requireScope([]), /requireScope\(\) needs/],
  ['requireScope with a number', (g) => g.requireScope(42 as unknown as string), /requireScope\(\) needs/],
  ['requireScope with a quote in a scope', (g) => g.requireScope('read "write'), /requireScope\(\) was given an invalid scope/],
  ['requireScope with a backslash in a scope', (g) => g.requireScope('read\\write'), /invalid scope/],
  ['requireScope with a list holding a space', (g) => g.requireScope(['read write']), /invalid scope/],
  ['requireAnyScope with a string', (g) => g.requireAnyScope('read write' as unknown as string[]), /requireAnyScope\(\) needs a list of scopes/],
  ['requireAnyScope with an empty list', (g) => g.requireAnyScope([]), /requireAnyScope\(\) needs/],
  ['requireAnyScope with an empty scope', (g) => g.requireAnyScope(['read', '']), /requireAnyScope\(\) was given an invalid scope/],
  ['requireAnyScope with a non-string', (g) => g.requireAnyScope([null as unknown as string]), /invalid scope/],
  ['requireRole with an empty string', (g) => g.requireRole(''), /requireRole\(\) needs role names/],
  ['requireRole with an empty list', (g) => g.requireRole([]), /requireRole\(\) needs a role/],
  ['requireRole with a space in a role', (g) => g.requireRole('org admin'), /requireRole\(\) needs role names/],
  ['requireRole with an object', (g) => g.requireRole({} as unknown as string), /requireRole\(\) needs a role/],
  ['requirePermission with nothing', (g) => g.requirePermission(undefined as never), /requirePermission\(\) needs a permission name \('org:reports:read'\) or \{ resource, action \}/],
  ['requirePermission with an empty name', (g) => g.requirePermission(''), /requirePermission\(\) needs permission as a non-empty string/],
  ['requirePermission with a space in the name', (g) => g.requirePermission('org:reports read'), /requirePermission\(\) needs a permission name without spaces/],
  ['requirePermission without action', (g) => g.requirePermission({ resource: 'documents' } as never), /needs action as a non-empty string/],
  ['requirePermission with an empty resource', (g) => g.requirePermission({ resource: '', action: 'write' }), /needs resource as a non-empty string/],
  ['requirePermission with a wildcard action', (g) => g.requirePermission({ resource: 'documents', action: '*' }), /needs a concrete action/],
  ['requirePermission with a wildcard resource', (g) => g.requirePermission({ resource: '*', action: 'read' }), /needs a concrete resource/],
  ['requireBrand with an empty string', (g) => g.requireBrand(''), /requireBrand\(\) needs the brand id/],
  ['requireBrand with nothing', (g) => g.requireBrand(undefined as never), /requireBrand\(\) needs the brand id/],
  ['requireBrand with a number', (g) => g.requireBrand(7 as never), /requireBrand\(\) needs the brand id/],
  ['requireSession with an empty string', (g) => g.requireSession(''), /requireSession\(\) needs the session id/],
  ['requireSession with null', (g) => g.requireSession(null as never), /requireSession\(\) needs the session id/],
];

const GOOD: ReadonlyArray<readonly [string, Mount]> = [
  ['requireScope with a space-separated string', (g) => g.requireScope(' read  write ')],
  ['requireScope with a list', (g) => g.requireScope(['read', 'orders:write'])],
  ['requireAnyScope with a list', (g) => g.requireAnyScope(['read'])],
  ['requireRole with a name', (g) => g.requireRole('org:admin')],
  ['requireRole with a list', (g) => g.requireRole(['admin', 'owner'])],
  ['requirePermission with a resource and action', (g) => g.requirePermission({ resource: 'documents', action: 'write' })],
  ['requireBrand with an id', (g) => g.requireBrand('brand_a')],
  ['requireBrand with a resolver', (g) => g.requireBrand(() => 'brand_a')],
  ['requireSession with an id', (g) => g.requireSession('sess_1')],
  ['requireSession with a resolver', (g) => g.requireSession(() => 'sess_1')],
];

function guardSets(): Array<readonly [string, AnyGuards]> {
  const options = { providers: [issuer.provider()], rbac: { roles: {} } };
  return [
    ['express', forExpress as unknown as AnyGuards],
    ['koa', forKoa as unknown as AnyGuards],
    ['express middleware', forExpress.sessionGuard(options) as unknown as AnyGuards],
    ['koa middleware', forKoa.sessionGuard(options) as unknown as AnyGuards],
  ];
}

describe.each(BAD)('%s', (_name, mount, message) => {
  test('throws a TypeError when mounted, from every export', () => {
    for (const [, guards] of guardSets()) {
      expect(() => mount(guards)).toThrow(TypeError);
      expect(() => mount(guards)).toThrow(message);
    }
  });
});

test.each(GOOD)('%s is accepted and gives a middleware function', (_name, mount) => {
  for (const [, guards] of guardSets()) expect(typeof mount(guards)).toBe('function');
});

describe('requirePermission bound to a middleware', () => {
  test('without an rbac policy it fails at mount time', () => {
    for (const guard of [forExpress.sessionGuard({ providers: [issuer.provider()] }), forKoa.sessionGuard({ providers: [issuer.provider()] })]) {
      expect(() => guard.requirePermission({ resource: 'documents', action: 'write' })).toThrow(/requirePermission\(\) needs an rbac policy/);
    }
  });

  test('the standalone guard cannot know the policy at mount time and is accepted', () => {
    expect(typeof forExpress.requirePermission({ resource: 'documents', action: 'write' })).toBe('function');
  });
});

describe('the rbac option is checked when the guard is built', () => {
  const BAD_POLICIES: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['not an object', 'editor', /rbac must be \{ roles/],
    ['no roles', {}, /rbac must be \{ roles/],
    ['roles as a list of names (neither shape)', { roles: ['editor'] }, /rbac.roles\[0\] must be a Stytch role \{ role_id, permissions/],
    ['a Stytch role without permissions', { roles: [{ role_id: 'editor' }] }, /rbac.roles\[0\] must be a Stytch role/],
    ['a Stytch permission without actions', { roles: [{ role_id: 'editor', permissions: [{ resource_id: 'documents' }] }] }, /rbac.roles.editor\[0\].actions/],
    ['a role with a space', { roles: { 'chief editor': [] } }, /rbac role "chief editor"/],
    ['permissions not a list', { roles: { editor: { resource: 'documents' } } }, /rbac.roles.editor must be a list/],
    ['a permission not an object', { roles: { editor: ['documents:write'] } }, /rbac.roles.editor\[0\] must be/],
    ['no resource', { roles: { editor: [{ actions: ['read'] }] } }, /rbac.roles.editor\[0\].resource/],
    ['empty actions', { roles: { editor: [{ resource: 'documents', actions: [] }] } }, /rbac.roles.editor\[0\].actions/],
    ['an empty action', { roles: { editor: [{ resource: 'documents', actions: ['read', ''] }] } }, /rbac.roles.editor\[0\].actions/],
  ];
  test.each(BAD_POLICIES)('%s', (_name, rbac, message) => {
    for (const build of [forExpress.sessionGuard, forKoa.sessionGuard]) {
      expect(() => build({ providers: [issuer.provider()], rbac: rbac as never })).toThrow(TypeError);
      expect(() => build({ providers: [issuer.provider()], rbac: rbac as never })).toThrow(message);
    }
  });
});

test('a provider roleClaim must be a non-empty string', () => {
  expect(() => issuer.provider({ roleClaim: '' })).toThrow(/roleClaim/);
  expect(() => issuer.provider({ roleClaim: 3 })).toThrow(/roleClaim/);
});
