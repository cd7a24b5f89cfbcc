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
	gen       uint64 // cache generation when prepared (see stmtCache)
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
		st.c.release(st.query, st.s, st.cacheable, st.gen)
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
	vals, _, _, err := st.c.bindValues(st.s, args, 0)
	if err == nil {
		err = checkNamed(st.s, args)
	}
	if err != nil {
		return nil, err
	}
	if err := st.c.checkWritable(st.s); err != nil {
		return nil, err
	}
	err = st.s.ExecValues(ctx, vals)
	st.c.ran(st.query)
	if err != nil {
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
			st.c.release(st.query, st.s, st.cacheable, st.gen)
		}
		return nil, err
	}
	vals, bound, _, err := st.c.bindValues(st.s, args, 0)
	if err == nil {
		err = checkNamed(st.s, args)
	}
	if err == nil && bound < countPositional(args) {
		err = fmt.Errorf("ferrolite: %d arguments given, the SQL uses %d", countPositional(args), bound)
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
// argument binds to ":name", "@name" or "$name"; a positional argument
// binds by its ordinal (as SQLite numbers "?", "?NNN" and named
// parameters), less offset, the ordinals earlier statements of a
// multi-statement Exec used. It returns the engine values, how many
// positional arguments were bound, and the highest index they bound.
func (c *Conn) bindValues(s *ferrolite.Stmt, args []driver.NamedValue, offset int) (vals []any, bound, high int, err error) {
	n := s.ParamCount()
	if len(args) == 0 || n == 0 {
		return nil, 0, 0, nil
	}
	vals = make([]any, n)
	taken := make([]bool, n)
	for _, a := range args {
		if a.Name == "" {
			continue
		}
		for i := 1; i <= n; i++ {
			if name := s.ParamName(i); len(name) > 1 && name[0] != '?' && name[1:] == a.Name {
				v, err := c.toEngine(a.Value)
				if err != nil {
					return nil, 0, 0, err
				}
				vals[i-1], taken[i-1] = v, true
			}
		}
	}
	for _, a := range args {
		if a.Name != "" {
			continue
		}
		i := a.Ordinal - offset
		if i < 1 || i > n || taken[i-1] {
			continue
		}
		v, err := c.toEngine(a.Value)
		if err != nil {
			return nil, 0, 0, err
		}
		vals[i-1] = v
		bound++
		high = max(high, i)
	}
	return vals, bound, high, nil
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
