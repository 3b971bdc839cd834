import { serveDemo } from '../serve-demo.js';
import { startHonoDemo } from './app.js';

serveDemo('sessionguard Hono demo', startHonoDemo(Number(process.env.PORT ?? 3003)), ({ tokens }) => [
  { label: "c.get('auth'): 200 with the principal", token: tokens.reader, path: '/me' },
  { label: 'requireScope("orders:read") passes: 200', token: tokens.reader, path: '/orders' },
  { label: 'requireScope("orders:read") fails: 403 insufficient_scope with a WWW-Authenticate challenge', token: tokens.noScope, path: '/orders' },
  { label: 'An expired token: 401 token_expired', token: tokens.expired, path: '/me' },
  { label: 'No token: 401 missing_token', path: '/me' },
  { label: 'Optional route, anonymous: 200', path: '/feed' },
  { label: 'The same token in the __session cookie: 200', cookieToken: tokens.reader, path: '/me' },
]);
