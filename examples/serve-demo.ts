/** Runs an example server until Ctrl-C and prints the curl commands that try it. */

export interface DemoRequest {
  /** What the request shows and the answer to expect. */
  label: string;
  path: string;
  method?: string;
  /** Sent as `Authorization: Bearer`. */
  token?: string;
  /** Sent as the `__session` cookie instead. */
  cookieToken?: string;
}

export interface RunningDemo {
  url: string;
  close(): Promise<void>;
}

function curl(url: string, request: DemoRequest): string {
  const method = request.method && request.method !== 'GET' ? `-X ${request.method} ` : '';
  const auth = request.token ? `-H "Authorization: Bearer ${request.token}" ` : '';
  const cookie = request.cookieToken ? `--cookie "__session=${request.cookieToken}" ` : '';
  return `# ${request.label}\ncurl -si ${method}${auth}${cookie}${url}${request.path}\n`;
}

export function serveDemo<D extends RunningDemo>(title: string, started: Promise<D>, requests: (demo: D) => DemoRequest[]): void {
  started
    .then((demo) => {
      console.log(`${title} listening on ${demo.url} (Ctrl-C to stop)\n`);
      console.log(requests(demo).map((request) => curl(demo.url, request)).join('\n'));
      const stop = () => void demo.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((error: unknown) => {
      console.error('The demo could not start:', error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
