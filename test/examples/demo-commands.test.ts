/**
 * `npm run demo:fastify` and `npm run demo:hono`: the command in package.json starts the demo,
 * which prints curl commands; each printed command is then sent as printed, and the status its
 * label announces (and the error code, where it names one) is what comes back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

interface PrintedRequest {
  label: string;
  url: string;
  headers: Record<string, string>;
}

/** Reads `# label` / `curl -si [-H "Authorization: ..."] [--cookie "..."] URL` pairs. */
function parseCurls(output: string): PrintedRequest[] {
  const requests: PrintedRequest[] = [];
  const lines = output.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const label = lines[i]!.match(/^# (.*)$/)?.[1];
    const curl = lines[i + 1]!.match(/^curl -si (?:-H "Authorization: ([^"]+)" )?(?:--cookie "([^"]+)" )?(\S+)$/);
    if (label === undefined || curl === null) continue;
    const headers: Record<string, string> = {};
    if (curl[1] !== undefined) headers.authorization = curl[1];
    if (curl[2] !== undefined) headers.cookie = curl[2];
    requests.push({ label, url: curl[3]!, headers });
  }
  return requests;
}

/** Runs the script's command (tsx, as npm would) until it has printed every curl command. */
function startScript(name: string): Promise<{ child: ChildProcess; output: string }> {
  const [command, ...args] = scripts[name]!.split(' ');
  const child = spawn(join(root, 'node_modules', '.bin', command!), args, { cwd: root, env: { ...process.env, PORT: '0' } });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${name} printed no curl commands:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // The last curl command of the list is the cookie one.
      if (/--cookie .*\n/.test(output)) {
        clearTimeout(timer);
        resolve({ child, output });
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${output}`)));
  });
}

describe.each(['demo:fastify', 'demo:hono'])('npm run %s', (script) => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  test('starts, prints curl commands, and each answers as its label says', async () => {
    const started = await startScript(script);
    child = started.child;
    expect(started.output).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(Ctrl-C to stop\)/);
    const requests = parseCurls(started.output);
    expect(requests.length).toBeGreaterThanOrEqual(7);
    for (const request of requests) {
      const response = await fetch(request.url, { headers: request.headers });
      const body = (await response.json()) as Record<string, unknown>;
      const announced = request.label.match(/: (\d{3})(?: (\w+))?/);
      expect({ label: request.label, status: response.status }).toEqual({ label: request.label, status: Number(announced![1]) });
      if (response.status !== 200 && announced![2] !== undefined) expect(body.error).toBe(announced![2]);
    }
  }, 60_000);
});
