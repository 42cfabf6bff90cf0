// Benchmark worker for gocql (github.com/apache/cassandra-gocql-driver/v2), the `gocql`
// contender of bench/run.ts. Job JSON in (argv[1] or stdin), one JSON result line out: the
// contract is documented at the top of bench/run.ts. Tables, statements and row values mirror
// bench/workloads.mjs; change them together.
//
// Configured as the driver's README recommends: protocol v5 (the job may ask for another with
// protocolVersion), token-aware routing over DC-aware round robin, every statement prepared (gocql
// prepares every query with bound values itself), its default pool of two connections per host
// unless the job sets goNumConns, consistency ONE or the job's.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	"github.com/apache/cassandra-gocql-driver/v2/lz4"
)

const (
	readRows     = 10_000
	writeKeys    = 100_000
	scanPageSize = 5_000
	blobSize     = 64 * 1024
	blobRows     = 64
	c1           = "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor i"
	c2           = "ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliqu"
)

type job struct {
	Workload        string   `json:"workload"`
	Concurrency     int      `json:"concurrency"`
	DurationSec     float64  `json:"durationSec"`
	WarmupSec       float64  `json:"warmupSec"`
	MaxOps          *int64   `json:"maxOps"`
	Host            string   `json:"host"`
	Port            int      `json:"port"`
	Hosts           []string `json:"hosts"`
	Keyspace        string   `json:"keyspace"`
	LocalDataCenter string   `json:"localDataCenter"`
	Compression     string   `json:"compression"`
	Consistency     string   `json:"consistency"`
	ProtocolVersion int      `json:"protocolVersion"`
	GoNumConns      int      `json:"goNumConns"`
}

func emit(v map[string]any) {
	b, _ := json.Marshal(v)
	os.Stdout.Write(append(b, '\n'))
	os.Exit(0)
}

func kvKey(i int) string   { return fmt.Sprintf("key-%08d", i) }
func blobKey(i int) string { return fmt.Sprintf("blob-%04d", i) }

// blobValue is the same 64 KiB value as blobValue() in bench/workloads.mjs.
func blobValue() []byte {
	words := []string{"cassandra", "driver", "bench", "token", "replica", "partition", "stream", "frame"}
	out := make([]byte, blobSize)
	seed := int32(12345)
	p := 0
	for p < blobSize {
		seed = (seed*1103515245 + 12345) & 0x7fffffff
		w := words[(uint32(seed)>>16)%uint32(len(words))] + " "
		for k := 0; k < len(w) && p < blobSize; k++ {
			out[p] = w[k]
			p++
		}
		if (uint32(seed)>>8)&0xff == 7 {
			out[p%blobSize] = byte(seed & 0xff)
			p++
		}
	}
	return out
}

// cpuMs is this process's user+sys CPU time in ms (clock ticks of /proc/self/stat).
func cpuMs() float64 {
	b, _ := os.ReadFile("/proc/self/stat")
	s := string(b)
	f := strings.Split(s[strings.LastIndex(s, ")")+2:], " ")
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) * 10
}

func peakRssMb() float64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line[6:]), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

func quantile(sorted []uint32, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	return float64(sorted[i]) / 1000
}

func main() {
	var text string
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(strings.TrimSpace(a), "{") {
			text = a
		}
	}
	if text == "" {
		b, _ := io.ReadAll(os.Stdin)
		text = string(b)
	}
	var j job
	if err := json.Unmarshal([]byte(text), &j); err != nil {
		emit(map[string]any{"ok": false, "reason": "bad job: " + err.Error()})
	}
	res, err := run(j)
	if err != nil {
		emit(map[string]any{"ok": false, "reason": err.Error()})
	}
	emit(res)
}

func run(j job) (map[string]any, error) {
	hosts := j.Hosts
	if len(hosts) == 0 {
		hosts = []string{fmt.Sprintf("%s:%d", j.Host, j.Port)}
	}
	cluster := gocql.NewCluster(hosts...)
	cluster.Keyspace = j.Keyspace
	cluster.ProtoVersion = 5
	if j.ProtocolVersion != 0 {
		cluster.ProtoVersion = j.ProtocolVersion
	}
	if j.GoNumConns > 0 {
		cluster.NumConns = j.GoNumConns
	}
	cluster.PoolConfig.HostSelectionPolicy =
		gocql.TokenAwareHostPolicy(gocql.DCAwareRoundRobinPolicy(j.LocalDataCenter))
	cons := "ONE"
	if j.Consistency != "" {
		cons = j.Consistency
	}
	c, err := gocql.ParseConsistencyWrapper(cons)
	if err != nil {
		return nil, err
	}
	cluster.Consistency = c
	if j.Compression == "lz4" {
		cluster.Compressor = lz4.LZ4Compressor{}
	}
	session, err := cluster.CreateSession()
	if err != nil {
		return nil, err
	}
	blob := blobValue()
	conc := j.Concurrency
	var op func(loop, n int, state *[]byte) (int64, error)
	switch j.Workload {
	case "insert":
		stmt := "INSERT INTO kv_write (id, c1, c2, c3, c4, c5) VALUES (?, ?, ?, ?, ?, ?)"
		op = func(loop, n int, _ *[]byte) (int64, error) {
			i := (n*conc + loop) % writeKeys
			err := session.Query(stmt, kvKey(i), c1, c2, int32(i), int64(i)*1_000_003, float64(i)/7).Exec()
			return 1, err
		}
	case "select":
		stmt := "SELECT id, c1, c2, c3, c4, c5 FROM kv_read WHERE id = ?"
		op = func(loop, n int, _ *[]byte) (int64, error) {
			var id, a, b string
			var x int32
			var y int64
			var z float64
			err := session.Query(stmt, kvKey((loop*7919+n)%readRows)).Scan(&id, &a, &b, &x, &y, &z)
			return 1, err
		}
	case "scan":
		stmt := "SELECT pk, ck, name, qty, total, price, active, ref, created, payload FROM scan"
		op = func(loop, n int, state *[]byte) (int64, error) {
			iter := session.Query(stmt).PageSize(scanPageSize).PageState(*state).Iter()
			var pk, ck, qty int32
			var name string
			var total int64
			var price float64
			var active bool
			var ref gocql.UUID
			var created time.Time
			var payload []byte
			var rows int64
			sc := iter.Scanner()
			for sc.Next() {
				if err := sc.Scan(&pk, &ck, &name, &qty, &total, &price, &active, &ref, &created, &payload); err != nil {
					return rows, err
				}
				rows++
			}
			*state = iter.PageState()
			return rows, sc.Err()
		}
	case "blob-insert":
		stmt := "INSERT INTO blob_write (id, data) VALUES (?, ?)"
		op = func(loop, n int, _ *[]byte) (int64, error) {
			return 1, session.Query(stmt, blobKey((loop+n)%blobRows), blob).Exec()
		}
	case "blob-select":
		stmt := "SELECT id, data FROM blob_read WHERE id = ?"
		op = func(loop, n int, _ *[]byte) (int64, error) {
			var id string
			var data []byte
			if err := session.Query(stmt, blobKey((loop+n)%blobRows)).Scan(&id, &data); err != nil {
				return 1, err
			}
			if len(data) != blobSize {
				return 1, fmt.Errorf("short blob")
			}
			return 1, nil
		}
	default:
		return nil, fmt.Errorf("unknown workload %s", j.Workload)
	}
	maxOps := int64(math.MaxInt64)
	if j.MaxOps != nil {
		maxOps = *j.MaxOps
	}
	var measuring, stopped atomic.Bool
	measuring.Store(j.WarmupSec <= 0)
	var ops atomic.Int64
	var failure atomic.Value
	lats := make([][]uint32, conc)
	var wg sync.WaitGroup
	for l := 0; l < conc; l++ {
		wg.Add(1)
		go func(loop int) {
			defer wg.Done()
			var state []byte
			for n := 0; !stopped.Load(); n++ {
				counted := measuring.Load()
				t0 := time.Now()
				done, err := op(loop, n, &state)
				if err != nil {
					failure.CompareAndSwap(nil, err.Error())
					stopped.Store(true)
					return
				}
				if counted && !stopped.Load() {
					lats[loop] = append(lats[loop], uint32(min(time.Since(t0).Microseconds(), math.MaxUint32)))
					if ops.Add(done) >= maxOps {
						stopped.Store(true)
					}
				}
			}
		}(l)
	}
	if j.WarmupSec > 0 {
		time.Sleep(time.Duration(j.WarmupSec * float64(time.Second)))
		measuring.Store(true)
	}
	cpuStart := cpuMs()
	start := time.Now()
	deadline := start.Add(time.Duration(j.DurationSec * float64(time.Second)))
	for time.Now().Before(deadline) && !stopped.Load() {
		time.Sleep(5 * time.Millisecond)
	}
	stopped.Store(true)
	seconds := time.Since(start).Seconds()
	cpuEnd := cpuMs()
	n := ops.Load()
	wg.Wait()
	if f := failure.Load(); f != nil {
		return nil, fmt.Errorf("%s", f)
	}
	var all []uint32
	for _, l := range lats {
		all = append(all, l...)
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	cpu := 0.0
	if n > 0 {
		cpu = (cpuEnd - cpuStart) / float64(n) * 1000
	}
	return map[string]any{
		"ok": true, "ops": n, "seconds": seconds, "ops_per_sec": float64(n) / seconds,
		"p50_ms": quantile(all, 0.5), "p99_ms": quantile(all, 0.99),
		"cpu_ms_per_1k_ops": cpu, "peak_rss_mb": peakRssMb(),
	}, nil
}
