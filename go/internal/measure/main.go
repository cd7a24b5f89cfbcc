// Command measure prints the numbers docs/status.md reports for the Go
// driver. It is a program, not a test, because it times whole processes:
//
//	go run ./internal/measure firstquery  # cold-process first-query latency, with and without the compile cache
//	go run ./internal/measure idle        # memory of idle connections
//	go run ./internal/measure scan        # time per row of a 100k-row SELECT vs the sqlite3 shell
//	go run ./internal/measure bulk [ROWS] # 1M-row insert in one transaction + full scan vs the sqlite3 shell (bulk.go)
//
// "child" is the mode firstquery runs in a fresh process, "bulkchild" the one
// bulk runs its ferrolite side in.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	ferrolite "github.com/ferrolite/ferrolite/go"
	_ "github.com/ferrolite/ferrolite/go/driver"
)

var processStart = time.Now() // package init: as close to process start as Go code gets

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: measure firstquery|idle|scan|bulk [ROWS]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "child":
		err = child()
	case "firstquery":
		err = firstQuery()
	case "idle":
		err = idle()
	case "scan":
		err = scan()
	case "bulk":
		err = bulk(os.Args[2:])
	case "bulkchild":
		err = bulkChild(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
}

// child opens a database, runs one query and prints the time from process
// start (package init) to the first row, in microseconds.
func child() error {
	if dir := os.Getenv("MEASURE_CACHE_DIR"); dir != "" {
		if err := ferrolite.ConfigureRuntime(ferrolite.RuntimeOptions{CacheDir: dir}); err != nil {
			return err
		}
	}
	db, err := sql.Open("ferrolite", ":memory:")
	if err != nil {
		return err
	}
	defer db.Close()
	var one int
	if err := db.QueryRow("SELECT 1").Scan(&one); err != nil {
		return err
	}
	fmt.Println(time.Since(processStart).Microseconds())
	return nil
}

func runChild(self string, env ...string) (inProc, wall time.Duration, err error) {
	cmd := exec.Command(self, "child")
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	out, err := cmd.Output()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("child: %v %s", err, out)
	}
	us, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	return time.Duration(us) * time.Microsecond, wall, err
}

func firstQuery() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cache, err := os.MkdirTemp("", "ferrolite-cache-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(cache)
	report := func(name string, env ...string) error {
		var best, bestWall time.Duration
		for i := 0; i < 3; i++ {
			d, w, err := runChild(self, env...)
			if err != nil {
				return err
			}
			if i == 0 || d < best {
				best, bestWall = d, w
			}
		}
		fmt.Printf("%-38s start->first row %7.1f ms   (whole process %7.1f ms)\n", name, ms(best), ms(bestWall))
		return nil
	}
	// The first run with an empty cache compiles and fills it.
	d, w, err := runChild(self, "MEASURE_CACHE_DIR="+cache)
	if err != nil {
		return err
	}
	fmt.Printf("%-38s start->first row %7.1f ms   (whole process %7.1f ms)\n", "compile cache empty (fills it)", ms(d), ms(w))
	if err := report("compile cache warm", "MEASURE_CACHE_DIR="+cache); err != nil {
		return err
	}
	return report("no compile cache", "FERROLITE_NO_COMPILE_CACHE=1")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func rssKiB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return -1
}

func idle() error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "ferrolite-idle-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "idle.db")
	// Warm up: runtime, compiled module, a schema in the file.
	c0, err := ferrolite.Open(ctx, path)
	if err != nil {
		return err
	}
	if err := c0.Exec(ctx, "CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
		return err
	}
	const n = 50
	runtime.GC()
	rss0 := rssKiB()
	conns := make([]*ferrolite.Conn, 0, n)
	var pages uint32
	for i := 0; i < n; i++ {
		c, err := ferrolite.Open(ctx, path)
		if err != nil {
			return err
		}
		st, _, err := c.Prepare(ctx, "SELECT x FROM t")
		if err != nil {
			return err
		}
		if _, err := st.Step(ctx); err != nil {
			return err
		}
		st.Close()
		pages += c.MemoryPages()
		conns = append(conns, c)
	}
	runtime.GC()
	rss1 := rssKiB()
	fmt.Printf("idle connection (opened, one query run): linear memory %.0f KiB (%.1f pages of 64 KiB); process RSS grows %.0f KiB per connection\n",
		float64(pages)*64/n, float64(pages)/n, float64(rss1-rss0)/n)
	for _, c := range conns {
		c.Close()
	}
	return c0.Close()
}

func scan() error {
	const rows = 100000
	dir, err := os.MkdirTemp("", "ferrolite-scan-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "scan.db")
	gen := exec.Command("sqlite3", path)
	gen.Stdin = strings.NewReader(fmt.Sprintf(`CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, n INTEGER);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < %d)
INSERT INTO t SELECT i, 'name ' || i, i * 0.25, i %% 1000 FROM c;`, rows))
	if out, err := gen.CombinedOutput(); err != nil {
		return fmt.Errorf("sqlite3: %v %s", err, out)
	}
	const q = "SELECT id, name, score, n FROM t"
	db, err := sql.Open("ferrolite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	best := time.Duration(1 << 62)
	for round := 0; round < 5; round++ {
		start := time.Now()
		r, err := db.Query(q)
		if err != nil {
			return err
		}
		var (
			id, n int64
			name  string
			score float64
			count int
		)
		for r.Next() {
			if err := r.Scan(&id, &name, &score, &n); err != nil {
				return err
			}
			count++
		}
		if err := r.Err(); err != nil {
			return err
		}
		r.Close()
		if count != rows {
			return fmt.Errorf("read %d rows, want %d", count, rows)
		}
		if d := time.Since(start); d < best {
			best = d
		}
	}
	fmt.Printf("ferrolite database/sql: %d rows in %7.1f ms = %6.0f ns/row\n", rows, ms(best), float64(best.Nanoseconds())/rows)
	// The shell: the same query, output discarded; subtract its start-up
	// (a query returning no rows).
	shell := func(sql string) (time.Duration, error) {
		bestShell := time.Duration(1 << 62)
		for round := 0; round < 5; round++ {
			cmd := exec.Command("sqlite3", path, sql)
			start := time.Now()
			if err := cmd.Run(); err != nil {
				return 0, err
			}
			if d := time.Since(start); d < bestShell {
				bestShell = d
			}
		}
		return bestShell, nil
	}
	full, err := shell(q)
	if err != nil {
		return err
	}
	empty, err := shell(q + " WHERE 0")
	if err != nil {
		return err
	}
	d := full - empty
	fmt.Printf("sqlite3 shell (printing):  %d rows in %7.1f ms = %6.0f ns/row (start-up %.1f ms subtracted)\n", rows, ms(d), float64(d.Nanoseconds())/rows, ms(empty))
	return nil
}
