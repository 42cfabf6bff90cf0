"""Worker for Acsylla (`acsylla`, asyncio bindings over the DataStax C/C++ driver). Job in, one
JSON line out (contract: top of bench/run.ts).

Prepared statements and the driver's default pool (one connection per host). The C/C++
driver underneath has no frame compression, so the LZ4 jobs are skipped. Rows are converted
to Python values (as_list) because every other contender hands out decoded rows."""

import acsylla

import common


async def build(job):
    if job["compression"] != "none":
        common.skip("acsylla (DataStax C/C++ driver) has no protocol compression")
    cluster = acsylla.create_cluster([job["host"]], port=job["port"])
    session = await cluster.create_session(keyspace=job["keyspace"])
    workload = job["workload"]
    prepared = await session.create_prepared(common.CQL[workload])
    c = job["concurrency"]

    if workload == "insert":

        async def op(loop_i, n):
            await session.execute(prepared.bind(common.kv_row((n * c + loop_i) % common.WRITE_KEYS)))
            return 1

    elif workload == "select":

        async def op(loop_i, n):
            rs = await session.execute(prepared.bind([common.kv_key((loop_i * 7919 + n) % common.READ_ROWS)]))
            if rs.first() is None:
                raise RuntimeError("select found no row")
            rs.first().as_list()
            return 1

    elif workload == "scan":
        state = {}

        async def op(loop_i, n):
            rs = await session.execute(prepared.bind(page_size=common.SCAN_PAGE_SIZE, page_state=state.get(loop_i)))
            rows = 0
            for row in rs:
                row.as_list()
                rows += 1
            state[loop_i] = rs.page_state() if rs.has_more_pages() else None
            return rows

    elif workload == "blob-insert":
        blob = common.blob_value()

        async def op(loop_i, n):
            await session.execute(prepared.bind([common.blob_key((loop_i + n) % common.BLOB_ROWS), blob]))
            return 1

    elif workload == "blob-select":

        async def op(loop_i, n):
            rs = await session.execute(prepared.bind([common.blob_key((loop_i + n) % common.BLOB_ROWS)]))
            if len(rs.first().as_list()[1]) != common.BLOB_SIZE:
                raise RuntimeError("short blob")
            return 1

    else:
        raise ValueError(f"unknown workload {workload}")
    return op


if __name__ == "__main__":
    common.main(build)
