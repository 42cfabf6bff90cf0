/**
 * The samples of docs/paging-and-streaming.md, type-checked by `deno check docs/samples/` (not
 * run).
 *
 * @module
 */
import { AbortError, type Client, type ResultSet, type Row } from "../../mod.ts";

export async function onePage(client: Client): Promise<void> {
  const rs = await client.execute("SELECT * FROM app.events WHERE day = ?", ["2026-12-04"], {
    pageSize: 500, // default: the client's pageSize, 5000
  });
  console.log(rs.rowLength, rs.pagingState === null ? "last page" : "more pages");
  const next = await rs.nextPage(); // null after the last page
  console.log(next?.rows.length);
}

export async function resume(client: Client, cursor: string | undefined): Promise<string | null> {
  // A web API's "next page" link: the paging state round-trips through the client as base64.
  const pagingState = cursor === undefined
    ? undefined
    : Uint8Array.from(atob(cursor), (c) => c.charCodeAt(0));
  const rs = await client.execute("SELECT * FROM app.events WHERE day = ?", ["2026-12-04"], {
    pageSize: 100,
    pagingState,
  });
  render(rs.rows);
  return rs.pagingState === null ? null : btoa(String.fromCharCode(...rs.pagingState));
}

function render(rows: readonly Row[]): void {
  for (const row of rows) console.log(row);
}

export async function pageByPage(client: Client): Promise<void> {
  for await (const page of client.pages("SELECT * FROM app.events", [], { pageSize: 1000 })) {
    render(page.rows); // the next page is already on its way
  }
}

export async function streamRows(client: Client): Promise<void> {
  const rows = client.stream("SELECT * FROM app.events WHERE day = ?", ["2026-12-04"], {
    pageSize: 1000,
  });
  for await (const row of rows) {
    if (row.kind === "stop") break; // leaving the loop stops fetching
    console.log(row);
  }
}

export async function everyRowOf(rs: ResultSet): Promise<number> {
  let n = 0;
  for await (const _row of rs) n++; // this page's rows, then the following pages'
  return n;
}

export async function cancelled(client: Client): Promise<void> {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 5_000);
  try {
    for await (const row of client.stream("SELECT * FROM app.big", [], { signal: ac.signal })) {
      console.log(row);
    }
  } catch (e) {
    if (!(e instanceof AbortError)) throw e;
    console.log("stopped after 5 s");
  }
}
