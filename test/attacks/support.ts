import request from 'supertest';
import type { Express } from 'express';

/** GET /me with a bearer token. */
export function bearer(app: Express, token: string, path = '/me'): request.Test {
  return request(app).get(path).set('Authorization', `Bearer ${token}`);
}
