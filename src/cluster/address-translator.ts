/**
 * Address translation: the address a node reports for itself (in `system.peers_v2`) may not be
 * the one this client can reach (NAT, cloud private addresses, a proxy in tests).
 *
 * @module
 */

/** A node's CQL endpoint. */
export interface Endpoint {
  /** IP address or host name. */
  readonly host: string;
  /** CQL native port. */
  readonly port: number;
}

/**
 * Maps the endpoint a node reports to the one to connect to. Contact points are not translated:
 * the node reached through a contact point keeps that contact point's address.
 *
 * @example
 * ```ts
 * import type { AddressTranslator } from "@cql/driver";
 * const nat: AddressTranslator = {
 *   translate: ({ host, port }) => host.startsWith("10.") ? { host: "203.0.113.7", port } : { host, port },
 * };
 * ```
 */
export interface AddressTranslator {
  /** The endpoint to connect to for a node that reports `reported`. */
  translate(reported: Endpoint): Endpoint;
}
