// Command ferrolite is a small pure-Go shell in the spirit of the sqlite3
// shell, running the engine through the low-level ferrolite API
// (CGO_ENABLED=0).
//
// Usage:
//
//	ferrolite [-header] DATABASE [SQL]
//
// With SQL, it runs those statements; without, it reads standard input.
// Lines starting with "." between statements are dot-commands (.headers
// on|off). Rows print in the sqlite3 shell's default "list" mode: values
// separated by "|", NULL as an empty string, reals as SQLite renders them.
// An error prints "Error: <message>" and exits with status 1, like the
// sqlite3 shell in batch mode.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

func main() {
	header := flag.Bool("header", false, "print column names before the rows")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: ferrolite [-header] DATABASE [SQL]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 1 || flag.NArg() > 2 {
		flag.Usage()
		os.Exit(2)
	}
	var src string
	if flag.NArg() == 2 {
		src = flag.Arg(1)
	} else {
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			fail(err)
		}
		src = string(b)
	}
	ctx := context.Background()
	conn, err := ferrolite.Open(ctx, flag.Arg(0))
	if err != nil {
		fail(err)
	}
	defer conn.Close()
	if err := conn.SetBusyTimeout(ctx, 5*time.Second); err != nil {
		fail(err)
	}
	out := newPrinter(os.Stdout, *header)
	defer out.flush()
	for _, chunk := range chunks(src) {
		var err error
		if strings.HasPrefix(chunk, ".") {
			err = dotCommand(chunk, out)
		} else {
			err = runSQL(ctx, conn, chunk, out)
		}
		if err != nil {
			out.flush()
			conn.Close()
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "Error: %v\n", err)
	os.Exit(1)
}

// chunks separates dot-command lines from SQL, and cuts the SQL after each
// line that ends a complete statement (isComplete), so the engine is never
// handed more than the statements of a few lines at a time.
func chunks(src string) []string {
	var out []string
	var sql strings.Builder
	for _, line := range strings.SplitAfter(src, "\n") {
		if strings.HasPrefix(line, ".") && strings.TrimSpace(sql.String()) == "" {
			out = append(out, strings.TrimSpace(line))
			sql.Reset()
			continue
		}
		sql.WriteString(line)
		if strings.IndexByte(line, ';') >= 0 && isComplete(sql.String()) {
			out = append(out, sql.String())
			sql.Reset()
		}
	}
	if strings.TrimSpace(sql.String()) != "" {
		out = append(out, sql.String())
	}
	return out
}

// runSQL runs every statement of sql in turn (the engine reports where the
// next statement begins) and prints the rows of each.
func runSQL(ctx context.Context, conn *ferrolite.Conn, sql string, out *printer) error {
	for strings.TrimSpace(sql) != "" {
		stmt, tail, err := conn.Prepare(ctx, sql)
		if err != nil {
			return err
		}
		sql = tail
		if stmt == nil {
			continue
		}
		err = printRows(ctx, stmt, out)
		stmt.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func printRows(ctx context.Context, stmt *ferrolite.Stmt, out *printer) error {
	first := true
	for {
		ok, err := stmt.Step(ctx)
		if err != nil || !ok {
			return err
		}
		if first && out.header {
			out.row(stmt.ColumnNames())
		}
		first = false
		row := stmt.Row()
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = render(v)
		}
		out.row(cells)
	}
}

func dotCommand(cmd string, out *printer) error {
	f := strings.Fields(cmd)
	switch f[0] {
	case ".headers", ".header":
		if len(f) != 2 {
			return fmt.Errorf("usage: .headers on|off")
		}
		out.header = f[1] == "on"
		return nil
	default:
		return fmt.Errorf("unknown command or invalid arguments: %q", strings.TrimPrefix(f[0], "."))
	}
}
