"""Worker for async-cassandra (PyPI `async-cassandra`, the async-python-cassandra-client
project): an asyncio wrapper over the DataStax Python driver. Job in, one JSON line out
(contract: top of bench/run.ts).

Its own defaults (token-aware DC-aware policy, protocol v5 negotiated) plus prepared
statements, as its README recommends; the scan uses its streaming API page by page
(execute() would collect every page into one list first)."""

from async_cassandra import AsyncCluster, StreamConfig

import common


async def build(job):
    kwargs = {}
    if job["compression"] == "lz4":
        kwargs["compression"] = "lz4"  # passed through to the DataStax Cluster
    cluster = AsyncCluster(contact_points=[job["host"]], port=job["port"], **kwargs)
    session = await cluster.connect(job["keyspace"])
    workload = job["workload"]
    prepared = await session.prepare(common.CQL[workload])
    c = job["concurrency"]

    if workload == "insert":

        async def op(loop_i, n):
            await session.execute(prepared, common.kv_row((n * c + loop_i) % common.WRITE_KEYS))
            return 1

    elif workload == "select":

        async def op(loop_i, n):
            rs = await session.execute(prepared, [common.kv_key((loop_i * 7919 + n) % common.READ_ROWS)])
            if len(rs.rows) != 1:
                raise RuntimeError("select found no row")
            return 1

    elif workload == "scan":
        pages = {}

        async def op(loop_i, n):
            it = pages.get(loop_i)
            if it is None:
                stream = await session.execute_stream(
                    prepared, [], stream_config=StreamConfig(fetch_size=common.SCAN_PAGE_SIZE)
                )
                it = pages[loop_i] = stream.pages().__aiter__()
            try:
                page = await it.__anext__()
            except StopAsyncIteration:
                pages[loop_i] = None
                return 0
            return len(page)

    elif workload == "blob-insert":
        blob = common.blob_value()

        async def op(loop_i, n):
            await session.execute(prepared, [common.blob_key((loop_i + n) % common.BLOB_ROWS), blob])
            return 1

    elif workload == "blob-select":

        async def op(loop_i, n):
            rs = await session.execute(prepared, [common.blob_key((loop_i + n) % common.BLOB_ROWS)])
            if len(rs.rows[0].data) != common.BLOB_SIZE:
                raise RuntimeError("short blob")
            return 1

    else:
        raise ValueError(f"unknown workload {workload}")
    return op


if __name__ == "__main__":
    common.main(build)
