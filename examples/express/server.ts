import { startDemo } from './app.js';

const port = Number(process.env.PORT ?? 3000);

startDemo(port)
  .then((demo) => {
    const curl = (label: string, token?: string, path = '/me') =>
      `# ${label}\ncurl -s ${token ? `-H "Authorization: Bearer ${token}" ` : ''}${demo.url}${path}\n`;
    console.log(`sessionguard demo listening on ${demo.url} (Ctrl-C to stop)\n`);
    console.log(
      [
        curl('A WorkOS user: 200 with the principal', demo.tokens.workos),
        curl('A legacy Clerk user, mapped to a WorkOS user id: 200', demo.tokens.legacyClerk),
        curl('A suspended user: 403 account_suspended with suspended_until and reason', demo.tokens.suspended),
        curl('A banned user: 403 account_banned', demo.tokens.banned),
        curl('An expired token: 401 token_expired', demo.tokens.expired),
        curl('No token: 401 missing_token'),
        curl('Optional route, anonymous: 200', undefined, '/feed'),
        `# The same token in the __session cookie: 200\ncurl -s --cookie "__session=${demo.tokens.workos}" ${demo.url}/me\n`,
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
