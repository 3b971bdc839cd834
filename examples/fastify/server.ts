import { serveDemo } from '../serve-demo.js';
import { startFastifyDemo } from './app.js';

serveDemo('sessionguard Fastify demo', startFastifyDemo(Number(process.env.PORT ?? 3002)), ({ tokens }) => [
  { label: 'request.auth: 200 with the principal', token: tokens.reader, path: '/me' },
  { label: 'requireScope("orders:read") as a preHandler passes: 200', token: tokens.reader, path: '/orders' },
  { label: 'requireScope("orders:read") fails: 403 insufficient_scope with a WWW-Authenticate challenge', token: tokens.noScope, path: '/orders' },
  { label: 'An expired token: 401 token_expired', token: tokens.expired, path: '/me' },
  { label: 'No token: 401 missing_token', path: '/me' },
  { label: 'The optional scope, anonymous: 200', path: '/feed' },
  { label: 'The same token in the __session cookie: 200', cookieToken: tokens.reader, path: '/me' },
]);
