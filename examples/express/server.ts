import { serveDemo } from '../serve-demo.js';
import { startDemo } from './app.js';

serveDemo('sessionguard demo', startDemo(Number(process.env.PORT ?? 3000)), ({ tokens }) => [
  { label: 'A WorkOS user: 200 with the principal', token: tokens.workos, path: '/me' },
  { label: 'A legacy Clerk user, mapped to a WorkOS user id: 200', token: tokens.legacyClerk, path: '/me' },
  { label: 'A suspended user: 403 account_suspended with suspended_until and reason', token: tokens.suspended, path: '/me' },
  { label: 'A banned user: 403 account_banned', token: tokens.banned, path: '/me' },
  { label: 'An expired token: 401 token_expired', token: tokens.expired, path: '/me' },
  { label: 'No token: 401 missing_token', path: '/me' },
  { label: 'Optional route, anonymous: 200', path: '/feed' },
  { label: 'The same token in the __session cookie: 200', cookieToken: tokens.workos, path: '/me' },
]);
