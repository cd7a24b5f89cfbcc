package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

// Conn is one database/sql connection. It implements driver.Conn with
// ConnBeginTx, ConnPrepareContext, ExecerContext, QueryerContext, Pinger,
// SessionResetter, Validator and NamedValueChecker. Reach it through
// sql.Conn.Raw to use the low-level API (Raw).
type Conn struct {
	raw        *ferrolite.Conn
	cfg        *Config
	cache      *stmtCache
	txReadOnly bool // a read-only transaction is open: refuse writes
	closed     bool
}

var (
	_ driver.Conn               = (*Conn)(nil)
	_ driver.ConnBeginTx        = (*Conn)(nil)
	_ driver.ConnPrepareContext = (*Conn)(nil)
	_ driver.ExecerContext      = (*Conn)(nil)
	_ driver.QueryerContext     = (*Conn)(nil)
	_ driver.Pinger             = (*Conn)(nil)
	_ driver.SessionResetter    = (*Conn)(nil)
	_ driver.Validator          = (*Conn)(nil)
	_ driver.NamedValueChecker  = (*Conn)(nil)
)

// Raw returns the low-level connection.
func (c *Conn) Raw() *ferrolite.Conn { return c.raw }

// Close finalizes cached statements and closes the connection.
func (c *Conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.cache.clear()
	return c.raw.Close()
}

// IsValid reports whether the connection may be reused.
func (c *Conn) IsValid() bool { return !c.closed && c.raw.Err() == nil }

// Ping reports driver.ErrBadConn for a closed or broken connection.
func (c *Conn) Ping(ctx context.Context) error {
	if !c.IsValid() {
		return driver.ErrBadConn
	}
	return nil
}

// ResetSession runs before a pooled connection is reused: a broken
// connection is discarded. A transaction begun with a BEGIN statement stays
// open, as with other SQLite drivers: with db.SetMaxOpenConns(1), BEGIN,
// statements and COMMIT may run as separate db.Exec calls.
func (c *Conn) ResetSession(ctx context.Context) error {
	if !c.IsValid() {
		return driver.ErrBadConn
	}
	return nil
}

// CheckNamedValue accepts the Go types the engine stores and leaves the
// rest (driver.Valuer, named types) to database/sql's default converter.
func (c *Conn) CheckNamedValue(nv *driver.NamedValue) error {
	v, err := checkValue(nv.Value)
	if err != nil {
		return err
	}
	nv.Value = v
	return nil
}

// Begin starts a transaction.
//
// Deprecated: use BeginTx.
func (c *Conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx starts a transaction with BEGIN DEFERRED/IMMEDIATE/EXCLUSIVE as
// the DSN's _txlock says. SQLite transactions are serializable, so only
// the default and serializable isolation levels are accepted. A read-only
// transaction begins DEFERRED and refuses statements that write.
func (c *Conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	switch sql.IsolationLevel(opts.Isolation) {
	case sql.LevelDefault, sql.LevelSerializable:
	default:
		return nil, fmt.Errorf("ferrolite: isolation level %v is not supported (SQLite transactions are serializable)", sql.IsolationLevel(opts.Isolation))
	}
	begin := "BEGIN " + strings.ToUpper(c.cfg.TxLock)
	if opts.ReadOnly {
		begin = "BEGIN DEFERRED"
	}
	if err := c.raw.Exec(ctx, begin); err != nil {
		return nil, err
	}
	c.txReadOnly = opts.ReadOnly
	return &tx{c: c}, nil
}

// prepare returns a statement for the first statement of query, from the
// cache when possible, and the remaining SQL.
func (c *Conn) prepare(ctx context.Context, query string) (s *ferrolite.Stmt, tail string, cached bool, err error) {
	if s := c.cache.take(query); s != nil {
		return s, "", true, nil
	}
	s, tail, err = c.raw.Prepare(ctx, query)
	if err != nil {
		return nil, "", false, err
	}
	return s, tail, false, nil
}

// release returns a statement to the cache if it may be cached (its SQL was
// a single statement and no schema change happened since gen), or
// finalizes it.
func (c *Conn) release(query string, s *ferrolite.Stmt, cacheable bool, gen uint64) {
	if cacheable && !c.closed {
		c.cache.put(query, s, gen)
		return
	}
	s.Close()
}

// ran notes that the statement sql ran: a possible schema change
// invalidates the statement cache.
func (c *Conn) ran(sql string) {
	if schemaChanging(sql) {
		c.cache.clear()
	}
}

// moreStatements reports whether tail holds another statement.
func (c *Conn) moreStatements(ctx context.Context, tail string) (bool, error) {
	if isBlank(tail) {
		return false, nil
	}
	s, _, err := c.raw.Prepare(ctx, tail)
	if err != nil {
		return false, err
	}
	if s == nil {
		return false, nil
	}
	s.Close()
	return true, nil
}

func isBlank(s string) bool {
	return strings.TrimLeft(s, " \t\r\n\f;") == ""
}

// PrepareContext prepares a statement; the SQL must hold one statement.
func (c *Conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s, tail, cached, err := c.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	more, err := c.moreStatements(ctx, tail)
	if err != nil || more {
		if s != nil {
			s.Close()
		}
		if err != nil {
			return nil, err
		}
		return nil, ferrolite.NewError(ferrolite.ExtendedErrorCode(ferrolite.ERROR), "ferrolite: Prepare: the SQL holds more than one statement")
	}
	return &stmt{c: c, s: s, query: query, cacheable: cached || isBlank(tail), gen: c.cache.gen}, nil
}

// Prepare prepares a statement.
func (c *Conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// checkWritable refuses a writing statement inside a read-only transaction.
func (c *Conn) checkWritable(s *ferrolite.Stmt) error {
	if c.txReadOnly && !s.ReadOnly() {
		return ferrolite.NewError(ferrolite.ExtendedErrorCode(ferrolite.READONLY), "attempt to write a readonly database (read-only transaction)")
	}
	return nil
}

// ExecContext runs every statement of query. Positional arguments are
// consumed in order by the statements' parameters; named arguments bind
// wherever their name occurs.
func (c *Conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	offset, bound := 0, 0
	first := true
	for {
		gen := c.cache.gen
		s, tail, cached, err := c.prepare(ctx, query)
		if err != nil {
			return nil, err
		}
		if s == nil {
			break
		}
		vals, b, high, err := c.bindValues(s, args, offset)
		if err == nil {
			err = c.checkWritable(s)
		}
		if err == nil {
			err = s.ExecValues(ctx, vals)
			c.ran(query[:len(query)-len(tail)])
		}
		c.release(query, s, first && (cached || isBlank(tail)), gen)
		if err != nil {
			return nil, err
		}
		offset += high
		bound += b
		first = false
		if isBlank(tail) {
			break
		}
		query = tail
	}
	if n := countPositional(args); bound < n {
		return nil, fmt.Errorf("ferrolite: %d arguments given, the SQL uses %d", n, bound)
	}
	return result{lastID: c.raw.LastInsertRowID(), changes: c.raw.Changes()}, nil
}

// QueryContext runs a query; the SQL must hold one statement.
func (c *Conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	gen := c.cache.gen
	s, tail, cached, err := c.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return &rows{}, nil
	}
	more, err := c.moreStatements(ctx, tail)
	if err == nil && more {
		err = ferrolite.NewError(ferrolite.ExtendedErrorCode(ferrolite.ERROR), "ferrolite: Query: the SQL holds more than one statement")
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	st := &stmt{c: c, s: s, query: query, cacheable: cached || isBlank(tail), transient: true, gen: gen}
	return st.run(ctx, args)
}

type result struct{ lastID, changes int64 }

func (r result) LastInsertId() (int64, error) { return r.lastID, nil }
func (r result) RowsAffected() (int64, error) { return r.changes, nil }

type tx struct{ c *Conn }

func (t *tx) Commit() error {
	t.c.txReadOnly = false
	return t.c.raw.Exec(context.Background(), "COMMIT")
}

func (t *tx) Rollback() error {
	t.c.txReadOnly = false
	return t.c.raw.Exec(context.Background(), "ROLLBACK")
}
