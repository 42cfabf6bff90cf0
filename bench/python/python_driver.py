"""Worker for the DataStax Python driver (`cassandra-driver` on PyPI). Job in, one JSON line out
(contract: top of bench/run.ts).

Set up as its documentation recommends for throughput: prepared statements, execute_async (here
bridged to asyncio with one callback per request, the pattern the driver's docs show for
asyncio), the libev event loop (its C extension; the asyncore default is gone from Python 3.12),
token-aware DC-aware load balancing and default pooling. LZ4 via the `lz4` package."""

import asyncio

from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy

import common


def connection_class():
    try:
        from cassandra.io.libevreactor import LibevConnection

        return LibevConnection
    except ImportError:  # no libev build: the asyncio reactor is the remaining choice
        from cassandra.io.asyncioreactor import AsyncioConnection

        return AsyncioConnection


async def build(job):
    profile = ExecutionProfile(
        load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc=job["localDataCenter"])),
        consistency_level=ConsistencyLevel.ONE,
    )
    cluster = Cluster(
        [job["host"]],
        port=job["port"],
        compression="lz4" if job["compression"] == "lz4" else False,
        connection_class=connection_class(),
        execution_profiles={EXEC_PROFILE_DEFAULT: profile},
    )
    session = cluster.connect(job["keyspace"])
    workload = job["workload"]
    prepared = session.prepare(common.CQL[workload])
    loop = asyncio.get_running_loop()

    def execute(bound):
        fut = loop.create_future()
        rf = session.execute_async(bound)

        def ok(_rows):
            loop.call_soon_threadsafe(fut.set_result, rf)

        def fail(exc):
            loop.call_soon_threadsafe(fut.set_exception, exc)

        rf.add_callbacks(ok, fail)
        return fut

    c = job["concurrency"]
    if workload == "insert":

        async def op(loop_i, n):
            await execute(prepared.bind(common.kv_row((n * c + loop_i) % common.WRITE_KEYS)))
            return 1

    elif workload == "select":

        async def op(loop_i, n):
            rf = await execute(prepared.bind([common.kv_key((loop_i * 7919 + n) % common.READ_ROWS)]))
            if len(rf.result().current_rows) != 1:
                raise RuntimeError("select found no row")
            return 1

    elif workload == "scan":
        state = {}

        async def op(loop_i, n):
            bound = prepared.bind([])
            bound.fetch_size = common.SCAN_PAGE_SIZE
            bound.paging_state = state.get(loop_i)
            rs = (await execute(bound)).result()
            rows = rs.current_rows
            state[loop_i] = rs.paging_state
            return len(rows)

    elif workload == "blob-insert":
        blob = common.blob_value()

        async def op(loop_i, n):
            await execute(prepared.bind([common.blob_key((loop_i + n) % common.BLOB_ROWS), blob]))
            return 1

    elif workload == "blob-select":

        async def op(loop_i, n):
            rf = await execute(prepared.bind([common.blob_key((loop_i + n) % common.BLOB_ROWS)]))
            if len(rf.result().current_rows[0].data) != common.BLOB_SIZE:
                raise RuntimeError("short blob")
            return 1

    else:
        raise ValueError(f"unknown workload {workload}")
    return op


if __name__ == "__main__":
    common.main(build)
