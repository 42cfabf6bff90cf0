/**
 * SASL authentication, as the CQL protocol carries it: the server names its authenticator in
 * AUTHENTICATE, the client answers with tokens until AUTH_SUCCESS.
 *
 * @module
 */

/** One authentication exchange on one connection. */
export interface Authenticator {
  /** The first token sent (AUTH_RESPONSE after AUTHENTICATE). */
  initialResponse(): Uint8Array | null | Promise<Uint8Array | null>;
  /** The answer to a server challenge (AUTH_CHALLENGE). */
  evaluateChallenge(challenge: Uint8Array | null): Uint8Array | null | Promise<Uint8Array | null>;
  /** Called with the server's final token (AUTH_SUCCESS). */
  onSuccess?(token: Uint8Array | null): void;
}

/**
 * Makes an {@link Authenticator} per connection. Implement it for SASL mechanisms other than
 * PLAIN (e.g. Kerberos, LDAP proxies).
 *
 * @example
 * ```ts
 * import type { AuthProvider } from "@cql/driver";
 * const provider: AuthProvider = {
 *   newAuthenticator: () => ({
 *     initialResponse: () => new TextEncoder().encode("\0user\0secret"),
 *     evaluateChallenge: () => null,
 *   }),
 * };
 * ```
 */
export interface AuthProvider {
  /** `address` is "host:port"; `authenticator` is the server's class name. */
  newAuthenticator(address: string, authenticator: string): Authenticator;
}

/**
 * SASL PLAIN with a user name and password, for Cassandra's PasswordAuthenticator (and DSE/Astra
 * authenticators that accept PLAIN).
 *
 * @example
 * ```ts
 * import { Client, PlainTextAuthProvider } from "@cql/driver";
 * const client = new Client({
 *   contactPoints: ["127.0.0.1"],
 *   authProvider: new PlainTextAuthProvider("cassandra", "cassandra"),
 * });
 * ```
 */
export class PlainTextAuthProvider implements AuthProvider {
  readonly #token: Uint8Array;
  /** Creates a provider for `username` / `password`. */
  constructor(username: string, password: string) {
    if (typeof username !== "string" || typeof password !== "string") {
      throw new TypeError("username and password must be strings");
    }
    const enc = new TextEncoder();
    const u = enc.encode(username), p = enc.encode(password);
    // PLAIN: authzid (empty) NUL authcid NUL password.
    const t = new Uint8Array(u.length + p.length + 2);
    t.set(u, 1);
    t.set(p, u.length + 2);
    this.#token = t;
  }

  /** Returns an authenticator that sends the PLAIN token. */
  newAuthenticator(): Authenticator {
    const token = this.#token;
    return {
      initialResponse: () => token,
      evaluateChallenge: () => token,
    };
  }
}
