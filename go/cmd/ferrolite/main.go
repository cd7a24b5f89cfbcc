// Command ferrolite is a small pure-Go shell in the spirit of the sqlite3
// shell, running on the ferrolite driver (CGO_ENABLED=0).
//
// Usage:
//
//	ferrolite [-header] DATABASE [SQL]
//
// With SQL, it runs those statements; without, it reads statements from
// standard input. Rows print in the sqlite3 shell's default "list" mode:
// values separated by "|", NULL as an empty string, reals as SQLite renders
// them. Errors print as "Error: <message>" and the exit status is 1, like
// the sqlite3 shell in batch mode.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	_ "github.com/ferrolite/ferrolite/go/driver"
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
			fmt.Fprintln(os.Stderr, "Error:", err)
			os.Exit(1)
		}
		src = string(b)
	}
	db, err := sql.Open("ferrolite", flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: BEGIN/COMMIT span statements
	out := newPrinter(os.Stdout, *header)
	for _, stmt := range splitStatements(src) {
		if err := runOne(db, stmt, out); err != nil {
			out.flush()
			fmt.Fprintf(os.Stderr, "Error: %v\n", err)
			os.Exit(1)
		}
	}
	out.flush()
}

// runOne runs one statement and prints any rows it returns.
func runOne(db *sql.DB, stmt string, out *printer) error {
	if strings.HasPrefix(stmt, ".") {
		return dotCommand(stmt, out)
	}
	rows, err := db.Query(stmt)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	first := true
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if first && out.header {
			out.row(cols)
		}
		first = false
		cells := make([]string, len(vals))
		for i, v := range vals {
			cells[i] = render(v)
		}
		out.row(cells)
	}
	return rows.Err()
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
