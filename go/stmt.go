package ferrolite

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ferrolite/ferrolite/go/internal/wasmhost"
)

// TimeFormat is how time.Time parameters are stored: text that SQLite's
// date and time functions read.
const TimeFormat = "2006-01-02 15:04:05.999999999-07:00"

// Stmt is a prepared statement.
type Stmt struct {
	c      *Conn
	info   *wasmhost.StmtInfo
	row    []any
	closed bool
}

// Conn returns the statement's connection.
func (s *Stmt) Conn() *Conn { return s.c }

// ColumnCount is the number of result columns.
func (s *Stmt) ColumnCount() int { return len(s.info.Columns) }

// ColumnName returns the name of result column i (0-based).
func (s *Stmt) ColumnName(i int) string { return s.info.Columns[i] }

// ColumnNames returns all result column names.
func (s *Stmt) ColumnNames() []string { return s.info.Columns }

// ColumnDeclType returns the declared type of result column i when it is
// a table column ("" otherwise).
func (s *Stmt) ColumnDeclType(i int) string { return s.info.DeclTypes[i] }

// ParamCount is the number of parameters (the largest index used).
func (s *Stmt) ParamCount() int { return len(s.info.Params) }

// ParamName returns the name of parameter i (1-based) with its prefix
// (":a", "@a", "$a", "?3"), or "" for a plain "?".
func (s *Stmt) ParamName(i int) string {
	if i < 1 || i > len(s.info.Params) {
		return ""
	}
	return s.info.Params[i-1]
}

// ParamIndex returns the 1-based index of the named parameter (with its
// prefix), or 0.
func (s *Stmt) ParamIndex(name string) int {
	for i, n := range s.info.Params {
		if n == name {
			return i + 1
		}
	}
	return 0
}

// ReadOnly reports whether the statement makes no direct changes.
func (s *Stmt) ReadOnly() bool { return s.info.ReadOnly }

// Bind clears the bindings and binds args to parameters 1..len(args).
// Accepted: nil, integers (uint64 up to MaxInt64), floats, bool (0/1),
// string, []byte, time.Time (as TimeFormat text).
func (s *Stmt) Bind(ctx context.Context, args ...any) error {
	vals, err := normalize(args)
	if err != nil {
		return err
	}
	return convertErr(ctx, s.c.h.Bind(ctx, s.info.ID, vals))
}

// Step runs the statement to its next row and reports whether there is
// one; Row returns it.
func (s *Stmt) Step(ctx context.Context) (bool, error) {
	return s.StepInto(ctx, s.row)
}

// StepInto is Step that decodes the row into dest (one slot per column)
// instead of the statement's own row slice.
func (s *Stmt) StepInto(ctx context.Context, dest []any) (bool, error) {
	if len(dest) != len(s.info.Columns) {
		return false, newError(ExtendedErrorCode(MISUSE), fmt.Sprintf("ferrolite: StepInto needs %d slots, got %d", len(s.info.Columns), len(dest)))
	}
	ok, err := s.c.h.Step(ctx, s.info.ID, dest)
	return ok, convertErr(ctx, err)
}

// Row returns the current row's values (nil, int64, float64, string or
// []byte). The slice is reused by the next Step.
func (s *Stmt) Row() []any { return s.row }

// Exec binds args (if any), runs the statement to completion discarding
// rows, and resets it, in one call into the engine.
func (s *Stmt) Exec(ctx context.Context, args ...any) error {
	vals, err := normalize(args)
	if err != nil {
		return err
	}
	return convertErr(ctx, s.c.h.Run(ctx, s.info.ID, vals))
}

// ExecValues is Exec for values that are already nil, int64, float64,
// string or []byte.
func (s *Stmt) ExecValues(ctx context.Context, vals []any) error {
	return convertErr(ctx, s.c.h.Run(ctx, s.info.ID, vals))
}

// BindValues is Bind for values that are already nil, int64, float64,
// string or []byte.
func (s *Stmt) BindValues(ctx context.Context, vals []any) error {
	return convertErr(ctx, s.c.h.Bind(ctx, s.info.ID, vals))
}

// Reset rewinds the statement so it can run again; bindings are kept.
func (s *Stmt) Reset(ctx context.Context) error {
	return convertErr(ctx, s.c.h.Reset(ctx, s.info.ID))
}

// Close finalizes the statement. Closing twice is harmless.
func (s *Stmt) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	return convertErr(nil, s.c.h.Finalize(context.Background(), s.info.ID))
}

// normalize converts Go values to the engine's five kinds.
func normalize(args []any) ([]any, error) {
	if len(args) == 0 {
		return nil, nil
	}
	out := make([]any, len(args))
	for i, a := range args {
		v, err := Normalize(a)
		if err != nil {
			return nil, newError(ExtendedErrorCode(MISMATCH), fmt.Sprintf("ferrolite: parameter %d: %v", i+1, err))
		}
		out[i] = v
	}
	return out, nil
}

// Normalize converts a Go value to one the engine stores: nil, int64,
// float64, string or []byte.
func Normalize(a any) (any, error) {
	switch v := a.(type) {
	case nil, int64, float64, string:
		return v, nil
	case []byte:
		if v == nil {
			return nil, nil // a nil slice is NULL, an empty one a zero-length blob
		}
		return v, nil
	case int:
		return int64(v), nil
	case int8:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case uint8:
		return int64(v), nil
	case uint16:
		return int64(v), nil
	case uint32:
		return int64(v), nil
	case uint:
		if uint64(v) > math.MaxInt64 {
			return nil, fmt.Errorf("uint value %d overflows int64", v)
		}
		return int64(v), nil
	case uint64:
		if v > math.MaxInt64 {
			return nil, fmt.Errorf("uint64 value %d overflows int64", v)
		}
		return int64(v), nil
	case float32:
		return float64(v), nil
	case bool:
		if v {
			return int64(1), nil
		}
		return int64(0), nil
	case time.Time:
		return v.Format(TimeFormat), nil
	}
	return nil, fmt.Errorf("unsupported type %T", a)
}
