/**
 * The QUERY and EXECUTE parameters of a request: its own options, the client's defaults for
 * what it leaves unset.
 *
 * @module
 */
import type { QueryParameters } from "../protocol/requests.ts";
import type { ResolvedOptions } from "./options.ts";
import type { ExecuteOptions } from "./request-options.ts";

/** The parameters `options` asks for, with `o`'s consistency and page size where it sets none. */
export function queryParameters(
  o: ResolvedOptions,
  options: ExecuteOptions,
  pagingState: Uint8Array | undefined,
  values: QueryParameters["values"],
  skipMetadata: boolean,
): QueryParameters {
  return {
    consistency: options.consistency ?? o.consistency,
    serialConsistency: options.serialConsistency ?? o.serialConsistency,
    pageSize: options.pageSize ?? o.pageSize,
    pagingState,
    timestamp: options.timestamp,
    keyspace: options.keyspace,
    values,
    skipMetadata,
  };
}
