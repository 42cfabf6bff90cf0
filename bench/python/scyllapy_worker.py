"""Worker for ScyllaPy (`scyllapy`, Python bindings over the Rust scylla driver). Job in, one
JSON line out (contract: top of bench/run.ts).

Prepared statements and the driver's default pool. ScyllaPy exposes no frame compression, so
the LZ4 jobs are skipped, and no page-size setting: a paged query uses the Rust driver's
default page of 5000 rows, the size the scan asks for anyway, consumed here one page of rows
per measured operation."""

from scyllapy import Scylla
from scyllapy.extra_types import BigInt

import common


async def build(job):
    if job["compression"] != "none":
        common.skip("scyllapy exposes no protocol compression setting")
    scylla = Scylla([f"{job['host']}:{job['port']}"], keyspace=job["keyspace"])
    await scylla.startup()
    workload = job["workload"]
    prepared = await scylla.prepare(common.CQL[workload])
    c = job["concurrency"]

    if workload == "insert":

        async def op(loop_i, n):
            row = common.kv_row((n * c + loop_i) % common.WRITE_KEYS)
            # ScyllaPy maps a Python int to CQL int; bigint columns need its BigInt wrapper.
            row[4] = BigInt(row[4])
            await scylla.execute(prepared, row)
            return 1

    elif workload == "select":

        async def op(loop_i, n):
            rs = await scylla.execute(prepared, [common.kv_key((loop_i * 7919 + n) % common.READ_ROWS)])
            if len(rs.all()) != 1:
                raise RuntimeError("select found no row")
            return 1

    elif workload == "scan":
        iters = {}

        async def op(loop_i, n):
            it = iters.get(loop_i)
            if it is None:
                it = iters[loop_i] = (await scylla.execute(prepared, paged=True)).__aiter__()
            rows = 0
            try:
                while rows < common.SCAN_PAGE_SIZE:
                    await it.__anext__()
                    rows += 1
            except StopAsyncIteration:
                iters[loop_i] = None
            return rows

    elif workload == "blob-insert":
        blob = common.blob_value()

        async def op(loop_i, n):
            await scylla.execute(prepared, [common.blob_key((loop_i + n) % common.BLOB_ROWS), blob])
            return 1

    elif workload == "blob-select":

        async def op(loop_i, n):
            rs = await scylla.execute(prepared, [common.blob_key((loop_i + n) % common.BLOB_ROWS)])
            if len(rs.first()["data"]) != common.BLOB_SIZE:
                raise RuntimeError("short blob")
            return 1

    else:
        raise ValueError(f"unknown workload {workload}")
    return op


if __name__ == "__main__":
    common.main(build)
