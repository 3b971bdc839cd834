import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import ts from 'typescript';
import { createTestIssuer, type TestIssuer } from 'sessionguard/testing';

// The README's first ```ts block that imports 'sessionguard/express' is the Express quick start users copy.
// It is typechecked as the project's own code, then run as written: the only substitutions are made
// from outside the code, through the modules it imports. workos() gets the local issuer's jwksUrl (the
// block's clientId still comes from WORKOS_CLIENT_ID), and app.listen() listens on a free port of
// 127.0.0.1 instead of the port in the block.

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function readmeExample(): string {
  for (const match of readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const code = match[1] as string;
    if (/from ['"]sessionguard\/express['"]/.test(code)) return code;
  }
  throw new Error("README.md has no ```ts block importing 'sessionguard/express'");
}

const code = readmeExample();

test('the block is a complete Express app', () => {
  expect(code).toMatch(/from ['"]express['"]/);
  expect(code).toMatch(/from ['"]sessionguard['"]/);
  expect(code).toMatch(/req\.auth/);
  expect(code).toMatch(/app\.listen\(/);
});

test('the block typechecks', () => {
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  // The block as a module of its own (a file that is not on disk), checked with the project's options.
  const fileName = join(root, 'test', 'examples', '__readme_example__.ts');
  const host = ts.createCompilerHost({ ...parsed.options, noEmit: true });
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = ((exists) => (name: string) => name === fileName || exists(name))(host.fileExists.bind(host));
  host.readFile = (name) => (name === fileName ? code : readFile(name));
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) =>
    name === fileName ? ts.createSourceFile(name, code, languageVersion, true) : getSourceFile(name, languageVersion, onError, shouldCreate);
  const program = ts.createProgram({ rootNames: [fileName], options: { ...parsed.options, noEmit: true }, host });
  const source = program.getSourceFile(fileName);
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
}, 60_000);

describe('the block, run', () => {
  let issuer: TestIssuer;
  let server: Server | undefined;
  let url: string;
  const savedClientId = process.env.WORKOS_CLIENT_ID;

  beforeAll(async () => {
    issuer = await createTestIssuer({ kind: 'workos', clientId: 'client_readme' });
    process.env.WORKOS_CLIENT_ID = issuer.clientId;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const sessionguard = require('sessionguard') as any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const realExpress = require('express') as any;
    let listening: Promise<Server> | undefined;
    const modules: Record<string, unknown> = {
      // The real package, but the key set comes from the local issuer (the block names no jwksUrl).
      sessionguard: { ...sessionguard, workos: (options: object) => sessionguard.workos({ ...options, jwksUrl: issuer.jwksUrl }) },
      'sessionguard/express': require('sessionguard/express'),
      // The real express(), whose apps listen on a free loopback port.
      express: Object.assign((...args: unknown[]) => {
        const app = realExpress(...args);
        const listen = app.listen.bind(app);
        app.listen = (...ignored: unknown[]) => {
          const callback = ignored.find((arg) => typeof arg === 'function') as (() => void) | undefined;
          listening = new Promise((resolve) => {
            const started: Server = listen(0, '127.0.0.1', () => {
              resolve(started);
            });
          });
          void listening.then(() => callback?.());
          return listening;
        };
        return app;
      }, realExpress),
    };
    const shimRequire = (name: string): unknown => {
      if (!(name in modules)) throw new Error(`the README example imports ${name}, which this test does not provide`);
      return modules[name];
    };
    const js = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const exports = {};
      new Function('require', 'module', 'exports', js)(shimRequire, { exports }, exports);
      if (listening === undefined) throw new Error('the README example never called app.listen()');
      server = await listening;
    } finally {
      log.mockRestore();
    }
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    if (savedClientId === undefined) delete process.env.WORKOS_CLIENT_ID;
    else process.env.WORKOS_CLIENT_ID = savedClientId;
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
    await issuer?.close();
  });

  test('a valid session token gets 200 with the user', async () => {
    const token = await issuer.sessionToken({ sub: 'user_01README', claims: { permissions: ['orders:read'] } });
    const response = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    expect({ status: response.status, body: text }).toEqual({ status: 200, body: expect.stringContaining('user_01README') });
  });

  test('no token gets 401 missing_token', async () => {
    const response = await fetch(`${url}/me`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(401);
    expect(body.error).toBe('missing_token');
    expect(body.reason).toBeUndefined(); // missing_token has no reason
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  test('a bad token gets 401 invalid_token with its reason', async () => {
    const forged = await issuer.sessionToken({ sub: 'user_01README' }, { key: await issuer.createDetachedKey() });
    const response = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${forged}` } });
    const body = (await response.json()) as Record<string, unknown>;
    expect({ status: response.status, error: body.error, reason: body.reason }).toEqual({ status: 401, error: 'invalid_token', reason: 'kid_unknown' });
  });
});
