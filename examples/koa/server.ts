import { serveDemo } from '../serve-demo.js';
import { startKoaDemo } from './app.js';

serveDemo('sessionguard Koa demo', startKoaDemo(Number(process.env.PORT ?? 3001)), ({ tokens }) => [
  { label: 'ctx.state.auth: 200 with the principal', token: tokens.reader, path: '/me' },
  { label: 'requireScope("orders:read") passes: 200', token: tokens.reader, path: '/orders' },
  { label: 'requireScope("orders:read") fails: 403 insufficient_scope with a WWW-Authenticate challenge', token: tokens.noScope, path: '/orders' },
  { label: 'An expired token: 401 token_expired', token: tokens.expired, path: '/me' },
  { label: 'No token: 401 missing_token', path: '/me' },
  { label: 'Optional route, anonymous: 200', path: '/feed' },
]);
