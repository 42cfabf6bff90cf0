//! Benchmark worker for the ScyllaDB Rust driver (`scylla` crate 1.x on tokio), the `scylla-rust`
//! contender of bench/run.ts. Job JSON in (argv[1] or stdin), one JSON result line out: the
//! contract is documented at the top of bench/run.ts. Tables, statements and row values mirror
//! bench/workloads.mjs; change them together.
//!
//! Configured with the driver's documented defaults (default load balancing with the job's data
//! center preferred, default pool `PerShard(1)`, which is one connection on Cassandra, which has
//! no shards), except the pool size, which the job may set (`rustPoolSize`: connections per host)
//! because the issue asks for the size that measures best; bench/run.ts passes that one.

use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use scylla::client::execution_profile::ExecutionProfile;
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::client::PoolSize;
use scylla::frame::Compression;
use scylla::policies::load_balancing::DefaultPolicy;
use scylla::response::PagingState;
use scylla::statement::prepared::PreparedStatement;
use scylla::statement::Consistency;
use scylla::value::CqlTimestamp;
use serde_json::{json, Value};
use uuid::Uuid;

const READ_ROWS: u64 = 10_000;
const WRITE_KEYS: u64 = 100_000;
const SCAN_PAGE_SIZE: i32 = 5_000;
const BLOB_SIZE: usize = 64 * 1024;
const BLOB_ROWS: u64 = 64;
const C1: &str = "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor i";
const C2: &str = "ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliqu";

fn kv_key(i: u64) -> String {
    format!("key-{:08}", i)
}

fn blob_key(i: u64) -> String {
    format!("blob-{:04}", i)
}

/// The same 64 KiB value as `blobValue()` in bench/workloads.mjs (same generator, same bytes).
fn blob_value() -> Vec<u8> {
    let words = ["cassandra", "driver", "bench", "token", "replica", "partition", "stream", "frame"];
    let mut out = vec![0u8; BLOB_SIZE];
    let mut seed: i32 = 12345;
    let mut p = 0usize;
    while p < BLOB_SIZE {
        seed = seed.wrapping_mul(1103515245).wrapping_add(12345) & 0x7fffffff;
        let w = words[((seed as u32 >> 16) as usize) % words.len()];
        for b in w.bytes().chain(std::iter::once(b' ')) {
            if p >= BLOB_SIZE {
                break;
            }
            out[p] = b;
            p += 1;
        }
        if ((seed as u32 >> 8) & 0xff) == 7 {
            out[p % BLOB_SIZE] = (seed & 0xff) as u8;
            p += 1;
        }
    }
    out
}

/// CPU time (user + sys, all threads) of this process in ms, from /proc/self/stat (clock ticks).
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = &stat[stat.rfind(')').map(|i| i + 2).unwrap_or(0)..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f.get(11).and_then(|s| s.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|s| s.parse().ok()).unwrap_or(0.0);
    ticks * 10.0
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in status.lines() {
        if let Some(v) = line.strip_prefix("VmHWM:") {
            let kb: f64 = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0.0);
            return kb / 1024.0;
        }
    }
    0.0
}

fn emit(v: Value) {
    println!("{}", v);
    std::process::exit(0);
}

struct Shared {
    session: Session,
    stmt: PreparedStatement,
    blob: Vec<u8>,
    measuring: AtomicBool,
    stopped: AtomicBool,
    ops: AtomicU64,
}

/// One request; returns the operations it did (rows for a scan page).
async fn op(
    s: &Shared,
    workload: &str,
    conc: u64,
    lp: u64,
    n: u64,
    state: &mut PagingState,
) -> Result<u64, String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    match workload {
        "insert" => {
            let i = (n * conc + lp) % WRITE_KEYS;
            let v = (kv_key(i), C1, C2, i as i32, (i as i64) * 1_000_003, i as f64 / 7.0);
            s.session.execute_unpaged(&s.stmt, v).await.map_err(|x| e(&x))?;
            Ok(1)
        }
        "select" => {
            let key = kv_key((lp * 7919 + n) % READ_ROWS);
            let r = s.session.execute_unpaged(&s.stmt, (key,)).await.map_err(|x| e(&x))?;
            let rows = r.into_rows_result().map_err(|x| e(&x))?;
            let mut found = 0;
            for row in rows.rows::<(&str, &str, &str, i32, i64, f64)>().map_err(|x| e(&x))? {
                row.map_err(|x| e(&x))?;
                found += 1;
            }
            if found != 1 {
                return Err("select found no row".into());
            }
            Ok(1)
        }
        "scan" => {
            let (r, next) = s
                .session
                .execute_single_page(&s.stmt, (), state.clone())
                .await
                .map_err(|x| e(&x))?;
            let rows = r.into_rows_result().map_err(|x| e(&x))?;
            let mut count = 0;
            type ScanRow<'a> =
                (i32, i32, &'a str, i32, i64, f64, bool, Uuid, CqlTimestamp, &'a [u8]);
            for row in rows.rows::<ScanRow>().map_err(|x| e(&x))? {
                row.map_err(|x| e(&x))?;
                count += 1;
            }
            *state = match next.into_paging_control_flow() {
                ControlFlow::Continue(p) => p,
                ControlFlow::Break(()) => PagingState::start(),
            };
            Ok(count)
        }
        "blob-insert" => {
            let v = (blob_key((lp + n) % BLOB_ROWS), s.blob.as_slice());
            s.session.execute_unpaged(&s.stmt, v).await.map_err(|x| e(&x))?;
            Ok(1)
        }
        "blob-select" => {
            let r = s
                .session
                .execute_unpaged(&s.stmt, (blob_key((lp + n) % BLOB_ROWS),))
                .await
                .map_err(|x| e(&x))?;
            let rows = r.into_rows_result().map_err(|x| e(&x))?;
            let (_, data) = rows.single_row::<(&str, &[u8])>().map_err(|x| e(&x))?;
            if data.len() != BLOB_SIZE {
                return Err("short blob".into());
            }
            Ok(1)
        }
        w => Err(format!("unknown workload {w}")),
    }
}

fn quantile(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

async fn run(job: Value) -> Result<Value, String> {
    let s = |k: &str| job.get(k).and_then(Value::as_str).map(str::to_string);
    let num = |k: &str| job.get(k).and_then(Value::as_f64);
    let workload = s("workload").ok_or("no workload")?;
    let conc = num("concurrency").unwrap_or(1.0) as u64;
    let duration = num("durationSec").unwrap_or(8.0);
    let warmup = num("warmupSec").unwrap_or(2.0);
    let max_ops = num("maxOps").map(|v| v as u64).unwrap_or(u64::MAX);
    let host = s("host").unwrap_or_else(|| "127.0.0.1".into());
    let port = num("port").unwrap_or(9042.0) as u16;
    let keyspace = s("keyspace").unwrap_or_else(|| "bench".into());
    let dc = s("localDataCenter").unwrap_or_else(|| "datacenter1".into());
    let hosts: Vec<String> = match job.get("hosts").and_then(Value::as_array) {
        Some(a) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        None => vec![format!("{host}:{port}")],
    };
    let consistency = match s("consistency").as_deref().unwrap_or("ONE") {
        "ONE" => Consistency::One,
        "LOCAL_ONE" => Consistency::LocalOne,
        "QUORUM" => Consistency::Quorum,
        "LOCAL_QUORUM" => Consistency::LocalQuorum,
        "ALL" => Consistency::All,
        c => return Err(format!("unknown consistency {c}")),
    };
    let compression = match s("compression").as_deref() {
        Some("lz4") => Some(Compression::Lz4),
        _ => None,
    };
    let policy = DefaultPolicy::builder().prefer_datacenter(dc).build();
    let profile = ExecutionProfile::builder()
        .consistency(consistency)
        .load_balancing_policy(policy)
        .build();
    let mut builder = SessionBuilder::new()
        .known_nodes(&hosts)
        .use_keyspace(&keyspace, false)
        .compression(compression)
        .default_execution_profile_handle(profile.into_handle());
    if let Some(size) = num("rustPoolSize").and_then(|v| NonZeroUsize::new(v as usize)) {
        builder = builder.pool_size(PoolSize::PerHost(size));
    }
    let session = builder.build().await.map_err(|e| e.to_string())?;
    let cql = match workload.as_str() {
        "insert" => "INSERT INTO kv_write (id, c1, c2, c3, c4, c5) VALUES (?, ?, ?, ?, ?, ?)",
        "select" => "SELECT id, c1, c2, c3, c4, c5 FROM kv_read WHERE id = ?",
        "scan" => {
            "SELECT pk, ck, name, qty, total, price, active, ref, created, payload FROM scan"
        }
        "blob-insert" => "INSERT INTO blob_write (id, data) VALUES (?, ?)",
        "blob-select" => "SELECT id, data FROM blob_read WHERE id = ?",
        w => return Err(format!("unknown workload {w}")),
    };
    let mut stmt = session.prepare(cql).await.map_err(|e| e.to_string())?;
    stmt.set_page_size(SCAN_PAGE_SIZE);
    let shared = Arc::new(Shared {
        session,
        stmt,
        blob: blob_value(),
        measuring: AtomicBool::new(warmup <= 0.0),
        stopped: AtomicBool::new(false),
        ops: AtomicU64::new(0),
    });
    let mut tasks = Vec::new();
    for lp in 0..conc {
        let sh = shared.clone();
        let wl = workload.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat: Vec<u32> = Vec::new();
            let mut state = PagingState::start();
            let mut n = 0u64;
            while !sh.stopped.load(Ordering::Relaxed) {
                let counted = sh.measuring.load(Ordering::Relaxed);
                let t0 = Instant::now();
                let done = op(&sh, &wl, conc, lp, n, &mut state).await?;
                n += 1;
                if counted && !sh.stopped.load(Ordering::Relaxed) {
                    lat.push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    if sh.ops.fetch_add(done, Ordering::Relaxed) + done >= max_ops {
                        sh.stopped.store(true, Ordering::Relaxed);
                    }
                }
            }
            Ok::<Vec<u32>, String>(lat)
        }));
    }
    if warmup > 0.0 {
        tokio::time::sleep(Duration::from_secs_f64(warmup)).await;
        shared.measuring.store(true, Ordering::Relaxed);
    }
    let cpu_start = cpu_ms();
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(duration);
    while Instant::now() < deadline && !shared.stopped.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(5).min(deadline - Instant::now())).await;
    }
    shared.stopped.store(true, Ordering::Relaxed);
    let seconds = start.elapsed().as_secs_f64();
    let cpu_end = cpu_ms();
    let ops = shared.ops.load(Ordering::Relaxed);
    let mut all: Vec<u32> = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    all.sort_unstable();
    Ok(json!({
        "ok": true,
        "ops": ops,
        "seconds": seconds,
        "ops_per_sec": ops as f64 / seconds,
        "p50_ms": quantile(&all, 0.5),
        "p99_ms": quantile(&all, 0.99),
        "cpu_ms_per_1k_ops": if ops > 0 { (cpu_end - cpu_start) / ops as f64 * 1000.0 } else { 0.0 },
        "peak_rss_mb": peak_rss_mb(),
    }))
}

#[tokio::main]
async fn main() {
    let arg = std::env::args().skip(1).find(|a| a.trim_start().starts_with('{'));
    let text = match arg {
        Some(a) => a,
        None => std::io::read_to_string(std::io::stdin()).unwrap_or_default(),
    };
    let job: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return emit(json!({"ok": false, "reason": format!("bad job: {e}")})),
    };
    if job.get("protocolVersion").and_then(Value::as_u64) == Some(5) {
        return emit(json!({"ok": false, "skipped": true,
            "reason": "the scylla crate speaks protocol v4 only"}));
    }
    match run(job).await {
        Ok(v) => emit(v),
        Err(e) => emit(json!({"ok": false, "reason": e})),
    }
}
