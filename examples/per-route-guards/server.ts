import { serveDemo } from '../serve-demo.js';
import { startGuardsDemo } from './app.js';

serveDemo('sessionguard per-route guards demo', startGuardsDemo(Number(process.env.PORT ?? 3002)), (demo) => {
  const { editor, viewer, admin } = demo.tokens;
  return [
    { label: 'requirePermission documents:write, editor: 201 with grantedBy ["editor"]', token: editor, path: '/documents', method: 'POST' },
    { label: 'requirePermission documents:write, viewer: 403 forbidden permission_denied', token: viewer, path: '/documents', method: 'POST' },
    { label: 'requirePermission documents:read, viewer: 200', token: viewer, path: '/documents' },
    { label: 'requireRole admin, admin (wildcard policy): 200', token: admin, path: '/admin' },
    { label: 'requireRole admin, editor: 403 forbidden permission_denied', token: editor, path: '/admin' },
    { label: 'requireScope + requireBrand, own brand: 200', token: editor, path: '/brands/brand_acme/orders' },
    { label: 'requireScope + requireBrand, another brand: 403 forbidden brand_mismatch', token: editor, path: '/brands/brand_other/orders' },
    { label: 'requireScope first: 403 insufficient_scope (WWW-Authenticate names the scope)', token: viewer, path: '/brands/brand_other/orders' },
    { label: 'requireSession, own session: 200', token: editor, path: `/sessions/${demo.editorSession}`, method: 'DELETE' },
    { label: 'requireSession, another session: 403 forbidden session_mismatch', token: editor, path: '/sessions/session_someone_else', method: 'DELETE' },
  ];
});
