import { startKoaDemo } from './app.js';

const port = Number(process.env.PORT ?? 3001);

startKoaDemo(port)
  .then((demo) => {
    const curl = (label: string, token: string | undefined, path: string) =>
      `# ${label}\ncurl -si ${token ? `-H "Authorization: Bearer ${token}" ` : ''}${demo.url}${path}\n`;
    console.log(`sessionguard Koa demo listening on ${demo.url} (Ctrl-C to stop)\n`);
    console.log(
      [
        curl('ctx.state.auth: 200 with the principal', demo.tokens.reader, '/me'),
        curl('requireScope("orders:read") passes: 200', demo.tokens.reader, '/orders'),
        curl('requireScope("orders:read") fails: 403 insufficient_scope with a WWW-Authenticate challenge', demo.tokens.noScope, '/orders'),
        curl('An expired token: 401 token_expired', demo.tokens.expired, '/me'),
        curl('No token: 401 missing_token', undefined, '/me'),
        curl('Optional route, anonymous: 200', undefined, '/feed'),
      ].join('\n'),
    );
    const stop = () => void demo.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  })
  .catch((error: unknown) => {
    console.error('The demo could not start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
