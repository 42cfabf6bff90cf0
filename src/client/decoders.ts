/**
 * Row decoders: one per column set, reused across pages and executions, and the choice of the
 * decoder for a page of rows (a prepared statement's own, or the page's columns').
 *
 * @module
 */
import { ProtocolError } from "../protocol/errors.ts";
import type { RowsResult } from "../protocol/responses.ts";
import { type ColumnSpec, typeToString } from "../protocol/types/datatype.ts";
import { createRowDecoder, type RowDecoder } from "../protocol/types/row-decoder.ts";
import type { Prepared } from "./prepared.ts";

/** The decoders of one client. */
export class DecoderCache {
  readonly #decoders: RowDecoder[] = [];

  /** The columns and decoder of a page of rows of `prepared` (null: unprepared). */
  forRows(
    m: RowsResult,
    prepared: Prepared | null,
  ): { columns: readonly ColumnSpec[]; decoder: RowDecoder } {
    const columns = m.metadata.columns;
    if (prepared !== null) {
      if (m.metadata.newMetadataId !== null && columns !== null) {
        // v5 METADATA_CHANGED: the table changed since we prepared; adopt the new columns.
        prepared.resultMetadataId = m.metadata.newMetadataId;
        prepared.columns = columns;
        prepared.decoder = null;
      }
      const known = prepared.columns;
      if (known !== null && (columns === null || sameColumns(columns, known))) {
        prepared.decoder ??= this.#decoderFor(known);
        return { columns: known, decoder: prepared.decoder };
      }
    }
    if (columns === null) {
      throw new ProtocolError("rows without metadata for a statement whose columns are unknown");
    }
    return { columns, decoder: this.#decoderFor(columns) };
  }

  /** One decoder per column set, reused across pages and executions. */
  #decoderFor(columns: readonly ColumnSpec[]): RowDecoder {
    const cache = this.#decoders;
    for (let i = 0; i < cache.length; i++) {
      const d = cache[i];
      if (sameColumns(d.columns, columns)) {
        // Move to the front: the same few column sets tend to repeat.
        if (i > 0) {
          cache.splice(i, 1);
          cache.unshift(d);
        }
        return d;
      }
    }
    const d = createRowDecoder(columns);
    cache.unshift(d);
    if (cache.length > 32) cache.pop();
    return d;
  }
}

/**
 * True when two column lists describe the same rows. Primitive type descriptors are shared
 * objects, so most comparisons are identity checks; only parameterised types are rendered.
 */
function sameColumns(a: readonly ColumnSpec[], b: readonly ColumnSpec[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x.name !== y.name || x.table !== y.table || x.keyspace !== y.keyspace) return false;
    if (x.type !== y.type && typeToString(x.type) !== typeToString(y.type)) return false;
  }
  return true;
}
