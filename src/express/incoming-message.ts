import { IncomingMessage } from 'node:http';
import type { SessionPrincipal } from '../core/principal/principal.js';

/**
 * A Node request with `auth` declared when Node creates it, for
 * `http.createServer({ IncomingMessage: SessionIncomingMessage }, app)`. Opt-in.
 *
 * Why: Express gives every request a new prototype (`Object.setPrototypeOf(req, app.request)`),
 * after which V8 builds a new hidden class for every property added to `req`. Setting
 * `req.auth` then costs a fresh hidden class per request (about 2.7 µs on the reference
 * machine, and garbage for the collector); with `auth` already there it is a plain store.
 * Fastify asks for the same thing with `decorateRequest`. `req.auth` stays undefined
 * until sessionguard sets it. Node 20 and 22 only: Node 24's V8 keeps those hidden classes
 * shared (`--move-prototype-transitions-first`), and there this class changes nothing.
 */
export class SessionIncomingMessage extends IncomingMessage {
  auth: SessionPrincipal | undefined = undefined;
}
