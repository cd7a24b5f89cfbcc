// Package driver is the database/sql driver of ferrolite, registered as
// "ferrolite". It is a thin adapter over package ferrolite (the low-level
// API), in the spirit of pgx's stdlib:
//
//	db, err := sql.Open("ferrolite", "file:app.db?_pragma=foreign_keys(1)&_txlock=immediate")
//
// or, without a DSN string, driver.OpenDB(driver.Config{Path: "app.db"}).
// See ParseDSN for the DSN options. Every connection is its own engine
// instance; ":memory:" gives each connection of the pool its own private
// database, so use db.SetMaxOpenConns(1) with it.
//
// Values: parameters may be nil, integers (uint64 up to MaxInt64), floats,
// bool (stored 0/1), string, []byte and time.Time (stored as text in
// Config.TimeFormat, which SQLite's date functions read). Results are
// int64, float64, string, []byte or nil; text in a column declared DATE,
// DATETIME or TIMESTAMP is scanned back as time.Time when it parses.
//
// Cancelling a context interrupts the running statement; the error matches
// both ferrolite.INTERRUPT and the context's error with errors.Is.
package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"time"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

func init() {
	sql.Register("ferrolite", &Driver{})
}

// Driver implements driver.Driver and driver.DriverContext.
type Driver struct{}

// Open opens a connection for the DSN (see ParseDSN).
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// OpenConnector parses the DSN once for all connections of a pool.
func (d *Driver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return &Connector{cfg: cfg.withDefaults(), drv: d}, nil
}

// Connector opens connections with one Config.
type Connector struct {
	cfg Config
	drv *Driver
}

// NewConnector returns a Connector for the config.
func NewConnector(cfg Config) *Connector {
	return &Connector{cfg: cfg.withDefaults(), drv: &Driver{}}
}

// OpenDB opens a *sql.DB for the config without a DSN string.
func OpenDB(cfg Config) *sql.DB { return sql.OpenDB(NewConnector(cfg)) }

// Driver returns the driver.
func (c *Connector) Driver() driver.Driver { return c.drv }

// Connect opens one connection: the database, its busy timeout and the
// configured pragmas.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	raw, err := c.open(ctx)
	if err != nil {
		return nil, err
	}
	if err := raw.SetBusyTimeout(ctx, c.cfg.BusyTimeout); err != nil {
		raw.Close()
		return nil, err
	}
	for _, p := range c.cfg.Pragmas {
		if err := raw.Exec(ctx, "PRAGMA "+p); err != nil {
			raw.Close()
			return nil, err
		}
	}
	return &Conn{raw: raw, cfg: &c.cfg, cache: newStmtCache(c.cfg.StmtCacheSize)}, nil
}

// open opens the database, retrying while it is locked for up to the busy
// timeout: the engine reads the schema when it opens, which needs a SHARED
// lock, and its busy timeout can only be set on an open connection.
func (c *Connector) open(ctx context.Context) (*ferrolite.Conn, error) {
	delays := []time.Duration{1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100}
	var waited time.Duration
	for i := 0; ; i++ {
		raw, err := ferrolite.OpenFlags(ctx, c.cfg.Path, c.cfg.Flags)
		if err == nil || !errors.Is(err, ferrolite.BUSY) || waited >= c.cfg.BusyTimeout || ctx.Err() != nil {
			return raw, err
		}
		d := min(delays[min(i, len(delays)-1)]*time.Millisecond, c.cfg.BusyTimeout-waited)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ferrolite.WrapContextError(err, ctx.Err())
		case <-t.C:
		}
		waited += d
	}
}
