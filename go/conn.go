// Package ferrolite is the low-level Go API of ferrolite, a SQL engine
// written in Rust that reads and writes SQLite database files and speaks
// SQLite's SQL dialect. The engine runs as WebAssembly inside the process
// (on wazero), so programs use it with CGO_ENABLED=0.
//
// Most programs use the database/sql driver in package
// github.com/ferrolite/ferrolite/go/driver. This package gives direct
// access to connections and prepared statements, shaped like SQLite's C
// API: Open, Conn.Prepare (with the tail of the SQL), Stmt.Bind,
// Stmt.Step, Stmt.Reset, Stmt.Close, Conn.Exec, Changes, LastInsertRowID.
//
// A Conn and its statements must be used by one goroutine at a time.
// Every call that runs SQL takes a context; when the context is done the
// running statement is interrupted and the call returns an *Error with
// code INTERRUPT that also matches the context's error with errors.Is.
package ferrolite

import (
	"context"
	"time"

	"github.com/ferrolite/ferrolite/go/internal/wasmhost"
)

// OpenFlag holds SQLite's SQLITE_OPEN_* bits.
type OpenFlag int32

const (
	OPEN_READONLY  OpenFlag = 0x01
	OPEN_READWRITE OpenFlag = 0x02
	OPEN_CREATE    OpenFlag = 0x04
	OPEN_URI       OpenFlag = 0x40
	OPEN_MEMORY    OpenFlag = 0x80
)

// RuntimeOptions configure the process-wide engine runtime.
type RuntimeOptions struct {
	// NoCompileCache disables the on-disk cache of compiled engine code
	// (also disabled by the environment FERROLITE_NO_COMPILE_CACHE=1).
	NoCompileCache bool
	// CacheDir overrides the cache directory (default: the user cache
	// directory + "/ferrolite/wazero-<version>").
	CacheDir string
}

// ConfigureRuntime sets the runtime options. It must be called before the
// first connection opens, and fails afterwards.
func ConfigureRuntime(o RuntimeOptions) error {
	return wasmhost.Configure(wasmhost.Options{NoCompileCache: o.NoCompileCache, CacheDir: o.CacheDir})
}

// Conn is a database connection.
type Conn struct {
	h *wasmhost.Conn
}

// Open opens (creating if needed) the database file at path for reading
// and writing. ":memory:" opens a private in-memory database.
func Open(ctx context.Context, path string) (*Conn, error) {
	return OpenFlags(ctx, path, OPEN_READWRITE|OPEN_CREATE)
}

// OpenFlags opens the database at path with the given flags.
func OpenFlags(ctx context.Context, path string, flags OpenFlag) (*Conn, error) {
	h, err := wasmhost.Open(ctx, path, int32(flags))
	if err != nil {
		return nil, convertErr(ctx, err)
	}
	return &Conn{h: h}, nil
}

// Close closes the connection, finalizing its statements and rolling back
// an open transaction. Closing twice is harmless.
func (c *Conn) Close() error {
	return convertErr(nil, c.h.Close(context.Background()))
}

// Exec runs every statement of sql, discarding result rows.
func (c *Conn) Exec(ctx context.Context, sql string) error {
	return convertErr(ctx, c.h.Exec(ctx, sql))
}

// Prepare compiles the first statement of sql. It returns the statement
// (nil when sql holds only spaces or comments) and the rest of the SQL
// after it.
func (c *Conn) Prepare(ctx context.Context, sql string) (stmt *Stmt, tail string, err error) {
	info, err := c.h.Prepare(ctx, sql)
	if err != nil {
		return nil, "", convertErr(ctx, err)
	}
	tail = sql[info.Tail:]
	if info.ID == 0 {
		return nil, tail, nil
	}
	return &Stmt{c: c, info: info, row: make([]any, len(info.Columns))}, tail, nil
}

// SetBusyTimeout sets how long the connection retries when the database
// is locked by another connection before it returns BUSY.
func (c *Conn) SetBusyTimeout(ctx context.Context, d time.Duration) error {
	ms := d.Milliseconds()
	if ms > 1<<31-1 {
		ms = 1<<31 - 1
	}
	if ms < 0 {
		ms = 0
	}
	return convertErr(ctx, c.h.BusyTimeout(ctx, int32(ms)))
}

// Changes returns the number of rows changed by the last INSERT, UPDATE or
// DELETE.
func (c *Conn) Changes() int64 { return c.h.Changes() }

// TotalChanges returns the number of rows changed since the connection
// opened.
func (c *Conn) TotalChanges() int64 { return c.h.TotalChanges() }

// LastInsertRowID returns the rowid of the most recent successful INSERT.
func (c *Conn) LastInsertRowID() int64 { return c.h.LastInsertRowid() }

// GetAutocommit reports whether the connection is outside a transaction.
func (c *Conn) GetAutocommit() bool { return c.h.Autocommit() }

// Err returns the error that made the connection unusable (the engine
// trapped), or nil while it is healthy.
func (c *Conn) Err() error {
	if err := c.h.Broken(); err != nil {
		return convertErr(nil, err)
	}
	return nil
}

// MemoryPages returns the size of the connection's engine memory in 64 KiB
// pages.
func (c *Conn) MemoryPages() uint32 { return c.h.MemoryPages() }
