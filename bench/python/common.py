"""Shared half of the Python workers: the job, the data (mirroring bench/workloads.mjs: change
both together), the measured request loops, and the one JSON result line. The contract is
documented at the top of bench/run.ts."""

import asyncio
import json
import math
import os
import resource
import sys
import time

KEYSPACE = "bench"
READ_ROWS = 10_000
SCAN_PAGE_SIZE = 5_000
BLOB_SIZE = 64 * 1024
BLOB_ROWS = 64
WRITE_KEYS = 100_000

CQL = {
    "insert": f"INSERT INTO {KEYSPACE}.kv_write (id, c1, c2, c3, c4, c5) VALUES (?, ?, ?, ?, ?, ?)",
    "select": f"SELECT id, c1, c2, c3, c4, c5 FROM {KEYSPACE}.kv_read WHERE id = ?",
    "scan": f"SELECT pk, ck, name, qty, total, price, active, ref, created, payload FROM {KEYSPACE}.scan",
    "blob-insert": f"INSERT INTO {KEYSPACE}.blob_write (id, data) VALUES (?, ?)",
    "blob-select": f"SELECT id, data FROM {KEYSPACE}.blob_read WHERE id = ?",
}

C1 = "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor i"
C2 = "ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliqu"


def kv_key(i):
    return "key-%08d" % i


def kv_row(i):
    return [kv_key(i), C1, C2, i, i * 1_000_003, i / 7]


def blob_key(i):
    return "blob-%04d" % i


def blob_value():
    """Same bytes as blobValue() in bench/workloads.mjs (32-bit LCG, compressible words)."""
    words = ["cassandra", "driver", "bench", "token", "replica", "partition", "stream", "frame"]
    out = bytearray(BLOB_SIZE)
    seed = 12345
    p = 0
    while p < BLOB_SIZE:
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        w = words[(seed >> 16) % len(words)] + " "
        for ch in w:
            if p >= BLOB_SIZE:
                break
            out[p] = ord(ch)
            p += 1
        if ((seed >> 8) & 0xFF) == 7:
            out[p % BLOB_SIZE] = seed & 0xFF
            p += 1
    return bytes(out)


def read_job():
    arg = next((a for a in sys.argv[1:] if a.strip().startswith("{")), None)
    return json.loads(arg if arg is not None else sys.stdin.read())


def emit(result):
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    # Driver threads (libev loop, executors) would otherwise keep the process alive for seconds.
    os._exit(0)


def skip(reason):
    emit({"ok": False, "skipped": True, "reason": reason})


def cpu_ms():
    """User + sys CPU of the whole process (all threads), in ms."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1000.0


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def quantile(sorted_values, q):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, max(0, math.ceil(q * len(sorted_values)) - 1))]


async def run_loops(job, op):
    """job["concurrency"] independent loops of `await op(loop, n)` (returning how many
    operations the request did: 1, or a scan page's rows); warm-up, then the measured window.
    Only requests started inside the window count."""
    state = {"measuring": False, "stopped": False, "ops": 0}
    latencies = []
    marks = {}
    loop_ = asyncio.get_running_loop()
    done = loop_.create_future()
    max_ops = job.get("maxOps") or math.inf

    def stop():
        if state["stopped"]:
            return
        state["stopped"] = True
        marks["end"] = time.perf_counter()
        marks["cpu_end"] = cpu_ms()
        if not done.done():
            done.set_result(None)

    def begin():
        state["measuring"] = True
        marks["cpu_start"] = cpu_ms()
        marks["start"] = time.perf_counter()
        loop_.call_later(job["durationSec"], stop)

    loop_.call_later(job["warmupSec"], begin)
    failure = []

    async def one(i):
        n = 0
        try:
            while not state["stopped"]:
                counted = state["measuring"]
                t0 = time.perf_counter()
                k = await op(i, n)
                n += 1
                if counted and not state["stopped"]:
                    latencies.append((time.perf_counter() - t0) * 1000.0)
                    state["ops"] += k
                    if state["ops"] >= max_ops:
                        stop()
        except Exception as e:  # noqa: BLE001 - reported in the result line
            failure.append(e)
            stop()

    tasks = [asyncio.ensure_future(one(i)) for i in range(job["concurrency"])]
    await done
    await asyncio.wait(tasks, timeout=5)
    if failure:
        raise failure[0]
    seconds = marks["end"] - marks["start"]
    ops = state["ops"]
    latencies.sort()
    return {
        "ok": True,
        "ops": ops,
        "seconds": seconds,
        "ops_per_sec": ops / seconds,
        "p50_ms": quantile(latencies, 0.5),
        "p99_ms": quantile(latencies, 0.99),
        "cpu_ms_per_1k_ops": (marks["cpu_end"] - marks["cpu_start"]) / ops * 1000.0 if ops else 0.0,
        "peak_rss_mb": peak_rss_mb(),
    }


def main(build):
    """Runs `await build(job)` -> op (or None after skip()) and the loops; prints the result."""
    job = read_job()

    async def go():
        op = await build(job)
        return await run_loops(job, op)

    try:
        emit(asyncio.run(go()))
    except Exception as e:  # noqa: BLE001
        emit({"ok": False, "reason": f"{type(e).__name__}: {e}"})

