// The 1M-row benchmark of the Go driver against the sqlite3 shell
// (`measure bulk [ROWS]`, run by scripts/bench.sh; docs/benchmarks.md).
//
// Workload (the same rows as rust/bench): CREATE TABLE t(id INTEGER PRIMARY
// KEY, name TEXT NOT NULL, score REAL, n INTEGER); row i of 1..ROWS is
// (i, 'name-'||i, i*0.25, i%1000), all inserted in one transaction; then a
// full scan of every column.
//
//   - ferrolite: a child process ("bulkchild") inserts through database/sql
//     with one prepared statement in one sql.Tx, then scans with db.Query
//     and Scan into Go values (best of 3 scans); it prints its own peak RSS
//     (VmHWM).
//   - sqlite3 shell: a generated SQL script (BEGIN; ROWS INSERT statements;
//     COMMIT) piped to `sqlite3 FILE`; the scan is `sqlite3 FILE "SELECT
//     ..."` with output to /dev/null, minus the start-up of the same
//     command with a query returning no rows (best of 3).
//
// With MEASURE_FERROLITE_SHELL=path-to-go/cmd/ferrolite, the same script and
// scan also run through ferrolite's pure-Go shell (like for like with the
// sqlite3 shell). Off by default: that shell hands the engine the whole
// rest of its input for every statement, so a script of many statements
// takes quadratic time (docs/benchmarks.md).
//
// Every file is checked with sqlite3: integrity_check ok and the expected
// count and sums, so a wrong result cannot produce a figure. Output is one
// key=value line per figure.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
		"time"
)

const (
	bulkSchema = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, n INTEGER)"
	bulkInsert = "INSERT INTO t(id, name, score, n) VALUES (?1, ?2, ?3, ?4)"
	bulkScan   = "SELECT id, name, score, n FROM t"
	// What sqlite3 must say about either file once it is written.
	bulkCheck = "PRAGMA integrity_check; SELECT count(*), sum(id), sum(length(name)), sum(score), sum(n) FROM t;"
)

func bulkRows(args []string) (int, error) {
	if len(args) == 0 {
		return 1000000, nil
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad row count %q", args[0])
	}
	return n, nil
}

// bulkExpected is what bulkCheck prints for n rows (sqlite3's formatting).
func bulkExpected(n int) string {
	var id, nameLen, nsum int64
	var score float64
	for i := 1; i <= n; i++ {
		id += int64(i)
		nameLen += int64(len("name-" + strconv.Itoa(i)))
		score += float64(i) * 0.25
		nsum += int64(i % 1000)
	}
	return fmt.Sprintf("ok\n%d|%d|%d|%s|%d", n, id, nameLen, strconv.FormatFloat(score, 'f', 1, 64), nsum)
}

func checkWithShell(path, want string) error {
	out, err := exec.Command("sqlite3", path, bulkCheck).CombinedOutput()
	if err != nil {
		return fmt.Errorf("sqlite3 check of %s: %v %s", path, err, out)
	}
	if got := strings.TrimSpace(string(out)); got != want {
		return fmt.Errorf("sqlite3 check of %s: got %q, want %q", path, got, want)
	}
	return nil
}

// runPeak runs cmd and returns its wall time and peak RSS in KiB: the last
// VmHWM read from /proc/PID/status while it ran (polled every 2 ms; VmHWM
// only grows). The child's rusage is no use here: on Linux its ru_maxrss
// keeps the high-water mark of the memory it had before exec, which for a
// Go child is the parent's.
func runPeak(cmd *exec.Cmd) (time.Duration, int64, error) {
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	peak := int64(-1)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		if v := vmHWM(status); v > peak {
			peak = v
		}
		select {
		case err := <-done:
			return time.Since(start), peak, err
		case <-tick.C:
		}
	}
}

// vmHWM reads the VmHWM line (KiB) of a /proc status file, -1 if absent.
func vmHWM(status string) int64 {
	b, err := os.ReadFile(status)
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			if f := strings.Fields(line); len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return -1
}

func bulk(args []string) error {
	n, err := bulkRows(args)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "ferrolite-bulk-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	want := bulkExpected(n)

	// ferrolite, in a child process of its own.
	self, err := os.Executable()
	if err != nil {
		return err
	}
	flPath := filepath.Join(dir, "ferrolite.db")
	cmd := exec.Command(self, "bulkchild", flPath, strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("bulkchild: %v", err)
	}
	if err := checkWithShell(flPath, want); err != nil {
		return err
	}
	fmt.Print(string(out))

	// The sqlite3 shell on a generated script.
	script := filepath.Join(dir, "insert.sql")
	if err := writeScript(script, n); err != nil {
		return err
	}
	shPath := filepath.Join(dir, "shell.db")
	in, err := os.Open(script)
	if err != nil {
		return err
	}
	defer in.Close()
	sh := exec.Command("sqlite3", shPath)
	sh.Stdin = in
	var stderr strings.Builder
	sh.Stderr = &stderr
	shInsert, shRSS, err := runPeak(sh)
	if err != nil {
		return fmt.Errorf("sqlite3 insert: %v %s", err, stderr.String())
	}
	if err := checkWithShell(shPath, want); err != nil {
		return err
	}
	full, fullRSS, err := shellBest("sqlite3", shPath, bulkScan)
	if err != nil {
		return err
	}
	empty, _, err := shellBest("sqlite3", shPath, bulkScan+" WHERE 0")
	if err != nil {
		return err
	}
	if fl := os.Getenv("MEASURE_FERROLITE_SHELL"); fl != "" {
		if err := ferroliteShell(fl, dir, script, want); err != nil {
			return err
		}
	}
	fmt.Printf("shell_insert_ms=%.1f\n", ms(shInsert))
	fmt.Printf("shell_scan_ms=%.1f\n", ms(full-empty))
	fmt.Printf("shell_startup_ms=%.1f\n", ms(empty))
	fmt.Printf("shell_insert_peak_rss_kib=%d\n", shRSS)
	fmt.Printf("shell_scan_peak_rss_kib=%d\n", fullRSS)
	return nil
}

// ferroliteShell runs the same script and scan through ferrolite's pure-Go
// shell (go/cmd/ferrolite at path fl), the like-for-like peer of the sqlite3
// shell: SQL text parsed per statement, rows printed to /dev/null.
func ferroliteShell(fl, dir, script, want string) error {
	db := filepath.Join(dir, "flshell.db")
	in, err := os.Open(script)
	if err != nil {
		return err
	}
	defer in.Close()
	cmd := exec.Command(fl, db)
	cmd.Stdin = in
	var stderr strings.Builder
	cmd.Stderr = &stderr
	insert, rss, err := runPeak(cmd)
	if err != nil {
		return fmt.Errorf("ferrolite shell insert: %v %s", err, stderr.String())
	}
	if err := checkWithShell(db, want); err != nil {
		return err
	}
	full, _, err := shellBest(fl, db, bulkScan)
	if err != nil {
		return err
	}
	empty, _, err := shellBest(fl, db, bulkScan+" WHERE 0")
	if err != nil {
		return err
	}
	fmt.Printf("flshell_insert_ms=%.1f\n", ms(insert))
	fmt.Printf("flshell_scan_ms=%.1f\n", ms(full-empty))
	fmt.Printf("flshell_startup_ms=%.1f\n", ms(empty))
	fmt.Printf("flshell_insert_peak_rss_kib=%d\n", rss)
	return nil
}

// writeScript writes the sqlite3 shell's insert script for n rows.
func writeScript(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, "%s;\nBEGIN;\n", bulkSchema)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(w, "INSERT INTO t(id, name, score, n) VALUES (%d, 'name-%d', %s, %d);\n",
			i, i, strconv.FormatFloat(float64(i)*0.25, 'f', -1, 64), i%1000)
	}
	fmt.Fprintln(w, "COMMIT;")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// shellBest runs `SHELL path sql` three times with stdout to /dev/null and
// returns the best wall time and that run's peak RSS.
func shellBest(shell, path, q string) (time.Duration, int64, error) {
	best, rss := time.Duration(1<<62), int64(-1)
	for i := 0; i < 3; i++ {
		cmd := exec.Command(shell, path, q) // Stdout nil: the null device
		var stderr strings.Builder
		cmd.Stderr = &stderr
		d, peak, err := runPeak(cmd)
		if err != nil {
			return 0, 0, fmt.Errorf("sqlite3: %v %s", err, stderr.String())
		}
		if d < best {
			best, rss = d, peak
		}
	}
	return best, rss, nil
}

// bulkChild is the ferrolite side, run in its own process:
// bulkchild PATH ROWS.
func bulkChild(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: bulkchild PATH ROWS")
	}
	n, err := bulkRows(args[1:])
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := sql.Open("ferrolite", args[0])
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, bulkSchema); err != nil {
		return err
	}
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, bulkInsert)
	if err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		if _, err := st.ExecContext(ctx, i, "name-"+strconv.Itoa(i), float64(i)*0.25, i%1000); err != nil {
			tx.Rollback()
			return err
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		return err
	}
	insert := time.Since(start)
	best := time.Duration(1 << 62)
	for round := 0; round < 3; round++ {
		start := time.Now()
		rows, err := db.QueryContext(ctx, bulkScan)
		if err != nil {
			return err
		}
		var (
			id, nn  int64
			name    string
			score   float64
			count   int
			idSum   int64
			nameLen int64
		)
		for rows.Next() {
			if err := rows.Scan(&id, &name, &score, &nn); err != nil {
				rows.Close()
				return err
			}
			count++
			idSum += id
			nameLen += int64(len(name))
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if count != n || idSum != int64(n)*int64(n+1)/2 {
			return fmt.Errorf("scan read %d rows (id sum %d), want %d", count, idSum, n)
		}
		if d := time.Since(start); d < best {
			best = d
		}
	}
	fmt.Printf("go_rows=%d\n", n)
	fmt.Printf("go_insert_ms=%.1f\n", ms(insert))
	fmt.Printf("go_scan_ms=%.1f\n", ms(best))
	fmt.Printf("go_peak_rss_kib=%d\n", vmHWM("/proc/self/status"))
	return nil
}
