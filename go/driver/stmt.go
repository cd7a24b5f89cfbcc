package driver

import (
	"context"
	"database/sql/driver"
	"fmt"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

// stmt is a prepared statement of a Conn. At most one rows iterates it at
// a time; a query while rows are open runs on a fresh statement.
type stmt struct {
	c         *Conn
	s         *ferrolite.Stmt // nil: the SQL held no statement
	query     string
	cacheable bool // the SQL is exactly one statement: may go to the cache
	transient bool // made for one QueryContext call: released when rows close
	rowsOpen  bool
	closed    bool
}

var (
	_ driver.Stmt             = (*stmt)(nil)
	_ driver.StmtExecContext  = (*stmt)(nil)
	_ driver.StmtQueryContext = (*stmt)(nil)
)

func (st *stmt) Close() error {
	if st.closed {
		return nil
	}
	st.closed = true
	if st.s != nil && !st.rowsOpen {
		st.c.release(st.query, st.s, st.cacheable)
	}
	return nil
}

// NumInput lets database/sql check the argument count.
func (st *stmt) NumInput() int {
	if st.s == nil {
		return 0
	}
	return st.s.ParamCount()
}

func (st *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return st.ExecContext(context.Background(), valuesToNamed(args))
}

func (st *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return st.QueryContext(context.Background(), valuesToNamed(args))
}

func (st *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if st.s == nil {
		return result{lastID: st.c.raw.LastInsertRowID()}, nil
	}
	if st.rowsOpen {
		// The statement is iterating; run this on a fresh one.
		return st.c.ExecContext(ctx, st.query, args)
	}
	vals, _, err := st.c.bindValues(st.s, args, 0)
	if err == nil {
		err = checkNamed(st.s, args)
	}
	if err != nil {
		return nil, err
	}
	if err := st.c.checkWritable(st.s); err != nil {
		return nil, err
	}
	if err := st.s.ExecValues(ctx, vals); err != nil {
		return nil, err
	}
	return result{lastID: st.c.raw.LastInsertRowID(), changes: st.c.raw.Changes()}, nil
}

func (st *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if st.rowsOpen {
		return st.c.QueryContext(ctx, st.query, args)
	}
	return st.run(ctx, args)
}

// run binds the arguments and returns rows iterating the statement.
func (st *stmt) run(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if st.s == nil {
		return &rows{}, nil
	}
	fail := func(err error) (driver.Rows, error) {
		if st.transient {
			st.closed = true
			st.c.release(st.query, st.s, st.cacheable)
		}
		return nil, err
	}
	vals, used, err := st.c.bindValues(st.s, args, 0)
	if err == nil {
		err = checkNamed(st.s, args)
	}
	if err == nil && used < countPositional(args) {
		err = fmt.Errorf("ferrolite: %d arguments given, the SQL uses %d", countPositional(args), used)
	}
	if err == nil {
		err = st.c.checkWritable(st.s)
	}
	if err == nil {
		err = st.s.BindValues(ctx, vals)
	}
	if err != nil {
		return fail(err)
	}
	st.rowsOpen = true
	r := &rows{st: st, ctx: ctx, timeCols: make([]bool, st.s.ColumnCount()), buf: make([]any, st.s.ColumnCount())}
	for i := range r.timeCols {
		r.timeCols[i] = isTimeType(st.s.ColumnDeclType(i))
	}
	return r, nil
}

// bindValues maps arguments to the statement's parameters 1..n: a named
// argument binds to ":name", "@name" or "$name"; positional arguments
// bind by index, starting at args' positional number start. It returns
// the engine values and how many positional arguments were used.
func (c *Conn) bindValues(s *ferrolite.Stmt, args []driver.NamedValue, start int) ([]any, int, error) {
	n := s.ParamCount()
	if len(args) == 0 || n == 0 {
		return nil, 0, nil
	}
	vals := make([]any, n)
	var pos []driver.NamedValue
	named := 0
	for _, a := range args {
		if a.Name == "" {
			pos = append(pos, a)
		} else {
			named++
		}
	}
	used := 0
	for i := 1; i <= n; i++ {
		name := s.ParamName(i)
		if name != "" && name[0] != '?' && named > 0 {
			if a, ok := findNamed(args, name[1:]); ok {
				v, err := c.toEngine(a.Value)
				if err != nil {
					return nil, 0, err
				}
				vals[i-1] = v
				continue
			}
		}
		if k := start + i - 1; k < len(pos) {
			v, err := c.toEngine(pos[k].Value)
			if err != nil {
				return nil, 0, err
			}
			vals[i-1] = v
			used = i
		}
	}
	return vals, used, nil
}

// checkNamed fails if a named argument matches no parameter of s.
func checkNamed(s *ferrolite.Stmt, args []driver.NamedValue) error {
	for _, a := range args {
		if a.Name != "" && s.ParamIndex(":"+a.Name) == 0 && s.ParamIndex("@"+a.Name) == 0 && s.ParamIndex("$"+a.Name) == 0 {
			return fmt.Errorf("ferrolite: no parameter named %q in the statement", a.Name)
		}
	}
	return nil
}

func findNamed(args []driver.NamedValue, name string) (driver.NamedValue, bool) {
	for _, a := range args {
		if a.Name == name {
			return a, true
		}
	}
	return driver.NamedValue{}, false
}

func countPositional(args []driver.NamedValue) int {
	n := 0
	for _, a := range args {
		if a.Name == "" {
			n++
		}
	}
	return n
}

func valuesToNamed(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}
