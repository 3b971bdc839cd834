import type { SessionGuardOptions } from '../options.js';
import { isIdentitySessionsProvider } from '../providers/identity-sessions.js';
import { resolveSessionCookies } from './cookies.js';
import { FirstPartySessions, type FirstPartyDeps } from './first-party-sessions.js';
import { createSessionClient } from './session-client.js';

/** First-party sessions for a verifier: undefined when no identitySessions() provider is configured. */
export function firstPartySessionsFor(options: SessionGuardOptions, deps: Omit<FirstPartyDeps, 'issuers'>): FirstPartySessions | undefined {
  const providers = (options.providers ?? []).filter(isIdentitySessionsProvider);
  if (providers.length === 0) {
    if (options.refresh !== undefined || options.cookies !== undefined) {
      throw new TypeError('sessionguard: refresh and cookies are for first-party sessions: add an identitySessions({ issuer, projectId, jwksUrl }) provider.');
    }
    return undefined;
  }
  const cookies = resolveSessionCookies(options.cookies);
  if (cookies.jwtName === options.cookieName || cookies.tokenName === options.cookieName) {
    throw new TypeError('sessionguard: cookies: the first-party cookies must not be the upstream cookieName.');
  }
  const client = options.refresh === undefined ? undefined : createSessionClient(options.refresh);
  const issuers = new Set(providers.flatMap((provider) => provider.issuers));
  return new FirstPartySessions(cookies, client, { ...deps, issuers });
}
