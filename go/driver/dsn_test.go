package driver

import (
	"reflect"
	"strings"
	"testing"
	"time"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

func TestParseDSN(t *testing.T) {
	rwc := ferrolite.OPEN_READWRITE | ferrolite.OPEN_CREATE
	cases := []struct {
		dsn  string
		want Config
	}{
		{"app.db", Config{Path: "app.db", Flags: rwc, BusyTimeout: 5 * time.Second}},
		{":memory:", Config{Path: ":memory:", Flags: rwc, BusyTimeout: 5 * time.Second}},
		{"/tmp/x.db?_txlock=immediate", Config{Path: "/tmp/x.db", Flags: rwc, BusyTimeout: 5 * time.Second, TxLock: "immediate"}},
		{"file:data/my%20db.sqlite?mode=ro", Config{Path: "data/my db.sqlite", Flags: ferrolite.OPEN_READONLY, BusyTimeout: 5 * time.Second}},
		{"file:///abs/a.db?mode=rw", Config{Path: "/abs/a.db", Flags: ferrolite.OPEN_READWRITE, BusyTimeout: 5 * time.Second}},
		{"file://localhost/abs/a.db", Config{Path: "/abs/a.db", Flags: rwc, BusyTimeout: 5 * time.Second}},
		{"file:mem1?mode=memory", Config{Path: "mem1", Flags: rwc | ferrolite.OPEN_MEMORY, BusyTimeout: 5 * time.Second}},
		{"file:a.db?mode=rwc&_pragma=busy_timeout(250)&_pragma=foreign_keys(1)&_pragma=journal_mode=WAL&_timefmt=2006-01-02&_stmt_cache=0",
			Config{Path: "a.db", Flags: rwc, BusyTimeout: 250 * time.Millisecond,
				Pragmas: []string{"foreign_keys(1)", "journal_mode(WAL)"}, TimeFormat: "2006-01-02", StmtCacheSize: -1}},
		{"b.db?_pragma=busy_timeout(0)", Config{Path: "b.db", Flags: rwc, BusyTimeout: -1}},
		{"file:a.db?_txlock=EXCLUSIVE&_pragma=cache_size(-2000)", Config{Path: "a.db", Flags: rwc, BusyTimeout: 5 * time.Second,
			TxLock: "exclusive", Pragmas: []string{"cache_size(-2000)"}}},
	}
	for _, c := range cases {
		got, err := ParseDSN(c.dsn)
		if err != nil {
			t.Errorf("%s: %v", c.dsn, err)
			continue
		}
		if !reflect.DeepEqual(*got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.dsn, *got, c.want)
		}
	}
}

func TestParseDSNErrors(t *testing.T) {
	bad := map[string]string{
		"":                                      "empty path",
		"file:":                                 "empty path",
		"file:a.db?mode=rx":                     "no such access mode",
		"file:a.db?_txlock=later":               "_txlock",
		"file:a.db?_pragma=busy_timeout(x)":     "busy_timeout",
		"file:a.db?_pragma=foo(1":               "missing )",
		"file:a.db?_pragma=x%3Bdrop(1)":         "pragma name",
		"file:a.db?_pragma=user_version(1%3B2)": "pragma value",
		"file:a.db?cache=shared":                "not supported",
		"file:a.db?bogus=1":                     "unknown option",
		"file://remote/a.db":                    "authority",
		"file:a.db?_stmt_cache=-3":              "_stmt_cache",
	}
	for dsn, want := range bad {
		_, err := ParseDSN(dsn)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want it to mention %q", dsn, err, want)
		}
	}
}
