/**
 * One "verify this token" function per library, each configured as its docs
 * advise for a local key set, so every case does the same job: check the
 * signature, issuer, audience and times of a WorkOS-shaped session token.
 */
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import { verifyToken as clerkVerifyToken } from '@clerk/backend';
import { auth as auth0 } from 'express-oauth2-jwt-bearer';
import type { NextFunction, Request, Response } from 'express';
import { core } from './package.js';
import type { TestIssuer } from 'sessionguard/testing';
import { AUDIENCE } from './tokens.js';

export type Verify = (token: string) => Promise<unknown>;

export interface VerifyCase {
  name: string;
  /** Undefined when the library cannot verify this algorithm (with why in `skipped`). */
  verify?: Verify;
  /** Instead of `verify`: prepares for a list of tokens, answers a check of the i-th (i modulo the count). */
  prepare?: (tokens: readonly string[]) => (i: number) => unknown;
  skipped?: string;
  close?: () => void;
}

export const FLOOR = 'node:crypto verify (floor)';

/**
 * The floor: node:crypto's bare signature check of the same tokens, with the key object, the
 * signing inputs and the signatures prepared before timing. No decoding, no claims: what any
 * verifier of these tokens must at least spend per token.
 */
export function floorCase(issuer: TestIssuer): VerifyCase {
  const key = createPublicKey(issuer.key.publicPem);
  const keyInput = issuer.key.alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  const digest = `sha${issuer.key.alg.slice(2)}`;
  return {
    name: FLOOR,
    prepare: (tokens) => {
      const inputs = tokens.map((token) => Buffer.from(token.slice(0, token.lastIndexOf('.'))));
      const signatures = tokens.map((token) => Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url'));
      return (i) => {
        const k = i % tokens.length;
        if (!cryptoVerify(digest, inputs[k]!, keyInput, signatures[k]!)) throw new Error('bad signature');
      };
    },
  };
}

export async function sessionguardCase(issuer: TestIssuer, cache: boolean): Promise<VerifyCase> {
  const verifier = core.createVerifier({
    providers: [issuer.provider({ audience: AUDIENCE })],
    tokenCache: cache ? { max: 20_000 } : false,
  });
  await verifier.warm();
  return {
    name: cache ? 'sessionguard (cache on)' : 'sessionguard (cache off)',
    verify: (token) => verifier.verify(token),
    close: () => verifier.close(),
  };
}

export function joseCase(issuer: TestIssuer): VerifyCase {
  const keys = createLocalJWKSet(issuer.jwks());
  const options = { issuer: issuer.issuer, audience: AUDIENCE, algorithms: [issuer.key.alg] };
  return { name: 'jose jwtVerify', verify: (token) => jwtVerify(token, keys, options) };
}

export function clerkCase(issuer: TestIssuer): VerifyCase {
  const name = '@clerk/backend verifyToken (jwtKey)';
  if (issuer.key.alg !== 'RS256') return { name, skipped: 'RS256 only' };
  const options = { jwtKey: issuer.key.publicPem, audience: AUDIENCE };
  return {
    name,
    verify: async (token) => {
      const result = await clerkVerifyToken(token, options);
      if (result.errors) throw new Error(`Clerk rejected the token: ${String(result.errors)}`);
      return result.data;
    },
  };
}

/** express-oauth2-jwt-bearer exports no lower-level verifier: drive its middleware with an in-process request. */
export async function auth0Case(issuer: TestIssuer): Promise<VerifyCase> {
  const middleware = auth0({ issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUrl, tokenSigningAlg: issuer.key.alg });
  const response = {} as Response;
  const verify: Verify = (token) => {
    const headers = { authorization: `Bearer ${token}`, host: 'localhost' };
    const request = {
      headers,
      query: {},
      body: undefined,
      method: 'GET',
      protocol: 'http',
      url: '/',
      originalUrl: '/',
      socket: {},
      get: (name: string) => headers[name.toLowerCase() as keyof typeof headers],
      is: () => false,
    } as unknown as Request & { auth?: unknown };
    return new Promise((resolve, reject) => {
      const next: NextFunction = (error?: unknown) => (error ? reject(error) : resolve(request.auth));
      void middleware(request, response, next);
    });
  };
  return { name: 'express-oauth2-jwt-bearer', verify };
}

/** What express-jwt does per request with jwks-rsa's expressJwtSecret: look up the key by kid, then jsonwebtoken.verify. */
export function jsonwebtokenCase(issuer: TestIssuer): VerifyCase {
  const client = new JwksClient({ jwksUri: issuer.jwksUrl, cache: true, rateLimit: true });
  const options: jwt.VerifyOptions = { issuer: issuer.issuer, audience: AUDIENCE, algorithms: [issuer.key.alg as jwt.Algorithm] };
  return {
    name: 'jsonwebtoken + jwks-rsa',
    verify: async (token) => {
      const decoded = jwt.decode(token, { complete: true });
      if (decoded === null) throw new Error('malformed');
      const key = await client.getSigningKey(decoded.header.kid);
      return jwt.verify(token, key.getPublicKey(), options);
    },
  };
}
