import { startGuardsDemo } from './app.js';

const port = Number(process.env.PORT ?? 3002);

startGuardsDemo(port)
  .then((demo) => {
    const curl = (label: string, token: string, path: string, method = 'GET') =>
      `# ${label}\ncurl -si -X ${method} -H "Authorization: Bearer ${token}" ${demo.url}${path}\n`;
    const { editor, viewer, admin } = demo.tokens;
    console.log(`sessionguard per-route guards demo listening on ${demo.url} (Ctrl-C to stop)\n`);
    console.log(
      [
        curl('requirePermission documents:write, editor: 201 with grantedBy ["editor"]', editor, '/documents', 'POST'),
        curl('requirePermission documents:write, viewer: 403 forbidden permission_denied', viewer, '/documents', 'POST'),
        curl('requirePermission documents:read, viewer: 200', viewer, '/documents'),
        curl('requireRole admin, admin (wildcard policy): 200', admin, '/admin'),
        curl('requireRole admin, editor: 403 forbidden permission_denied', editor, '/admin'),
        curl('requireScope + requireBrand, own brand: 200', editor, '/brands/brand_acme/orders'),
        curl('requireScope + requireBrand, another brand: 403 forbidden brand_mismatch', editor, '/brands/brand_other/orders'),
        curl('requireScope first: 403 insufficient_scope (WWW-Authenticate names the scope)', viewer, '/brands/brand_other/orders'),
        curl('requireSession, own session: 200', editor, `/sessions/${demo.editorSession}`, 'DELETE'),
        curl('requireSession, another session: 403 forbidden session_mismatch', editor, '/sessions/session_someone_else', 'DELETE'),
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
