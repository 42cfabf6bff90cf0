/**
 * `auth`: cassandra-driver's authentication classes, adapted onto the native driver's
 * `AuthProvider`, so users' own subclasses work too.
 *
 * @module
 */
import type {
  Authenticator as NativeAuthenticator,
  AuthProvider as NativeAuthProvider,
} from "../connection/auth.ts";
import { toBlob } from "./buffer.ts";

/** cassandra-driver's callback of an authenticator step. */
export type AuthCallback = (err: Error | null, token?: Uint8Array | null) => void;

/** One SASL exchange with a node; subclass it for other mechanisms. */
export class Authenticator {
  /** Gives the first response to the server. */
  initialResponse(callback: AuthCallback): void {
    callback(null, null);
  }

  /** Answers a challenge of the server. */
  evaluateChallenge(_challenge: Uint8Array | null, callback: AuthCallback): void {
    callback(null, null);
  }

  /** Called when the server accepts the exchange. */
  onAuthenticationSuccess(_token?: Uint8Array | null): void {}
}

/** Makes an {@link Authenticator} per connection; subclass it for other mechanisms. */
export class AuthProvider {
  /** The authenticator of a connection to `endpoint` whose server names `name`. */
  newAuthenticator(_endpoint: string, _name: string): Authenticator {
    throw new Error("Not implemented");
  }
}

/** SASL PLAIN (Cassandra's PasswordAuthenticator). */
export class PlainTextAuthenticator extends Authenticator {
  readonly #token: Uint8Array;
  /** The authenticator of one user. */
  constructor(username: string, password: string) {
    super();
    const enc = new TextEncoder();
    const u = enc.encode(username), p = enc.encode(password);
    const t = new Uint8Array(u.length + p.length + 2);
    t.set(u, 1);
    t.set(p, u.length + 2);
    this.#token = t;
  }

  /** The PLAIN token. */
  override initialResponse(callback: AuthCallback): void {
    callback(null, toBlob(this.#token.slice()));
  }
}

/** Username and password authentication. */
export class PlainTextAuthProvider extends AuthProvider {
  readonly #username: string;
  readonly #password: string;
  /** A provider for one user. */
  constructor(username: string, password: string) {
    super();
    this.#username = username;
    this.#password = password;
  }

  /** A PLAIN authenticator. */
  override newAuthenticator(): Authenticator {
    return new PlainTextAuthenticator(this.#username, this.#password);
  }
}

function step(run: (cb: AuthCallback) => void): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    try {
      run((err, token) => (err ? reject(err) : resolve(token ?? null)));
    } catch (e) {
      reject(e);
    }
  });
}

/** The native provider that runs a cassandra-driver style one. */
export function toNativeAuthProvider(p: AuthProvider): NativeAuthProvider {
  return {
    newAuthenticator(address: string, name: string): NativeAuthenticator {
      const a = p.newAuthenticator(address, name);
      return {
        initialResponse: () => step((cb) => a.initialResponse(cb)),
        evaluateChallenge: (challenge) =>
          step((cb) => a.evaluateChallenge(challenge === null ? null : toBlob(challenge), cb)),
        onSuccess: (token) => a.onAuthenticationSuccess(token === null ? null : toBlob(token)),
      };
    },
  };
}
