package driver

import (
	"context"
	"database/sql/driver"
	"io"
	"reflect"
)

// rows iterates a statement. Values arrive as int64, float64, string,
// []byte or nil; text in DATE/DATETIME/TIMESTAMP columns becomes time.Time
// when it parses.
type rows struct {
	st       *stmt // nil: the SQL held no statement
	ctx      context.Context
	timeCols []bool
	buf      []any // decoded row, copied into dest
	done     bool
}

var (
	_ driver.Rows                           = (*rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
)

func (r *rows) Columns() []string {
	if r.st == nil {
		return nil
	}
	return r.st.s.ColumnNames()
}

func (r *rows) Close() error {
	st := r.st
	if st == nil || !st.rowsOpen {
		return nil
	}
	st.rowsOpen = false
	st.c.ran(st.query)
	if st.transient || st.closed {
		st.closed = true
		st.c.release(st.query, st.s, st.cacheable, st.gen)
		return nil
	}
	// Keep the prepared statement ready for its next run; a failed reset
	// only repeats the error Next already returned.
	st.s.Reset(context.Background())
	return nil
}

func (r *rows) Next(dest []driver.Value) error {
	if r.st == nil || r.done {
		return io.EOF
	}
	ok, err := r.st.s.StepInto(r.ctx, r.buf)
	if err != nil {
		r.done = true
		return err
	}
	if !ok {
		r.done = true
		return io.EOF
	}
	for i, v := range r.buf {
		dest[i] = v
	}
	for i, isTime := range r.timeCols {
		if !isTime {
			continue
		}
		if s, ok := dest[i].(string); ok {
			if t, ok := parseTime(s, r.st.c.cfg.TimeFormat); ok {
				dest[i] = t
			}
		}
	}
	return nil
}

// ColumnTypeDatabaseTypeName is the declared type without its size,
// upper-cased ("" for an expression).
func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	return baseType(r.st.s.ColumnDeclType(i))
}

// ColumnTypeScanType is the Go type matching the declared type's affinity.
func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	return scanType(r.st.s.ColumnDeclType(i))
}
