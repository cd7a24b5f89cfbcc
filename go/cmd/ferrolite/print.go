package main

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"strings"
)

// printer writes rows in the sqlite3 shell's "list" mode.
type printer struct {
	w      *bufio.Writer
	header bool
}

func newPrinter(w io.Writer, header bool) *printer {
	return &printer{w: bufio.NewWriter(w), header: header}
}

func (p *printer) row(cells []string) {
	p.w.WriteString(strings.Join(cells, "|"))
	p.w.WriteByte('\n')
}

func (p *printer) flush() { p.w.Flush() }

// render turns a scanned value into the text the sqlite3 shell prints.
func render(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return formatReal(x)
	case string:
		return x
	case []byte:
		return string(x)
	case bool:
		if x {
			return "1"
		}
		return "0"
	default:
		return ""
	}
}

// formatReal renders a REAL as SQLite does: 15 significant digits ("%!.15g"),
// always with a decimal point, "Inf" and "-Inf" for infinities.
func formatReal(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	s := strconv.FormatFloat(f, 'g', 15, 64)
	if strings.ContainsAny(s, ".") {
		return s
	}
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		return s[:i] + ".0" + s[i:]
	}
	return s + ".0"
}
