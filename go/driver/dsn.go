package driver

// DSN parsing. Accepted forms:
//
//	/path/to/file.db              a file path (created if missing)
//	:memory:                      a private in-memory database
//	file:path?opt=v&opt=v         a URI; file:///abs/path also works
//	path?opt=v                    options after a plain path
//
// Options: mode=ro|rw|rwc|memory; _pragma=name(value), repeatable, run on
// every new connection (busy_timeout is applied directly; default 5000 ms);
// _txlock=deferred|immediate|exclusive (how BEGIN starts a transaction);
// _timefmt=<Go layout> (how time.Time parameters are written; default
// ferrolite.TimeFormat); _stmt_cache=<n> (statements kept per connection,
// default 16, 0 disables).

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

// DefaultBusyTimeout applies when the DSN sets no busy_timeout pragma.
const DefaultBusyTimeout = 5 * time.Second

// Config is a parsed DSN; build one directly for OpenDB.
type Config struct {
	Path          string             // file path or ":memory:"
	Flags         ferrolite.OpenFlag // default OPEN_READWRITE|OPEN_CREATE
	Pragmas       []string           // "name(value)" or "name=value", run as PRAGMA on connect
	BusyTimeout   time.Duration      // 0: DefaultBusyTimeout; negative: fail at once with BUSY
	TxLock        string             // "deferred" (default), "immediate" or "exclusive"
	TimeFormat    string             // Go layout for time.Time parameters; default ferrolite.TimeFormat
	StmtCacheSize int                // prepared statements kept per connection; default 16, -1 disables
}

func (c *Config) withDefaults() Config {
	out := *c
	if out.Flags == 0 {
		out.Flags = ferrolite.OPEN_READWRITE | ferrolite.OPEN_CREATE
	}
	if out.BusyTimeout == 0 {
		out.BusyTimeout = DefaultBusyTimeout
	}
	if out.TxLock == "" {
		out.TxLock = "deferred"
	}
	if out.TimeFormat == "" {
		out.TimeFormat = ferrolite.TimeFormat
	}
	if out.StmtCacheSize == 0 {
		out.StmtCacheSize = 16
	}
	return out
}

// ParseDSN parses a data source name into a Config.
func ParseDSN(dsn string) (*Config, error) {
	cfg := &Config{BusyTimeout: DefaultBusyTimeout, Flags: ferrolite.OPEN_READWRITE | ferrolite.OPEN_CREATE}
	path, query := dsn, ""
	isURI := strings.HasPrefix(dsn, "file:")
	if i := strings.IndexByte(dsn, '?'); i >= 0 {
		path, query = dsn[:i], dsn[i+1:]
	}
	if isURI {
		path = strings.TrimPrefix(path, "file:")
		if strings.HasPrefix(path, "//") {
			rest := path[2:]
			slash := strings.IndexByte(rest, '/')
			if slash < 0 {
				return nil, fmt.Errorf("ferrolite: invalid DSN %q: missing path after authority", dsn)
			}
			if host := rest[:slash]; host != "" && host != "localhost" {
				return nil, fmt.Errorf("ferrolite: invalid DSN %q: invalid uri authority: %s", dsn, host)
			}
			path = rest[slash:]
		}
		p, err := url.PathUnescape(path)
		if err != nil {
			return nil, fmt.Errorf("ferrolite: invalid DSN %q: %v", dsn, err)
		}
		path = p
	}
	if path == "" {
		return nil, fmt.Errorf("ferrolite: invalid DSN %q: empty path", dsn)
	}
	cfg.Path = path
	values, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("ferrolite: invalid DSN %q: %v", dsn, err)
	}
	for key, vals := range values {
		for _, v := range vals {
			if err := cfg.setOption(key, v); err != nil {
				return nil, fmt.Errorf("ferrolite: invalid DSN %q: %v", dsn, err)
			}
		}
	}
	return cfg, nil
}

func (cfg *Config) setOption(key, v string) error {
	switch key {
	case "mode":
		switch v {
		case "ro":
			cfg.Flags = ferrolite.OPEN_READONLY
		case "rw":
			cfg.Flags = ferrolite.OPEN_READWRITE
		case "rwc":
			cfg.Flags = ferrolite.OPEN_READWRITE | ferrolite.OPEN_CREATE
		case "memory":
			cfg.Flags = ferrolite.OPEN_READWRITE | ferrolite.OPEN_CREATE | ferrolite.OPEN_MEMORY
		default:
			return fmt.Errorf("no such access mode: %s", v)
		}
	case "_pragma":
		name, value, err := splitPragma(v)
		if err != nil {
			return err
		}
		if strings.EqualFold(name, "busy_timeout") {
			ms, err := strconv.ParseInt(value, 10, 32)
			if err != nil || ms < 0 {
				return fmt.Errorf("bad busy_timeout %q", value)
			}
			cfg.BusyTimeout = time.Duration(ms) * time.Millisecond
			if ms == 0 {
				cfg.BusyTimeout = -1 // explicitly none
			}
			return nil
		}
		if value == "" {
			cfg.Pragmas = append(cfg.Pragmas, name)
		} else {
			cfg.Pragmas = append(cfg.Pragmas, name+"("+value+")")
		}
	case "_txlock":
		switch strings.ToLower(v) {
		case "deferred", "immediate", "exclusive":
			cfg.TxLock = strings.ToLower(v)
		default:
			return fmt.Errorf("bad _txlock %q (want deferred, immediate or exclusive)", v)
		}
	case "_timefmt":
		if v == "" {
			return fmt.Errorf("empty _timefmt")
		}
		cfg.TimeFormat = v
	case "_stmt_cache":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("bad _stmt_cache %q", v)
		}
		if n == 0 {
			n = -1
		}
		cfg.StmtCacheSize = n
	case "cache":
		if v != "private" {
			return fmt.Errorf("cache=%s is not supported (each connection has a private cache)", v)
		}
	case "vfs":
		return fmt.Errorf("vfs=%s is not supported", v)
	default:
		return fmt.Errorf("unknown option %q", key)
	}
	return nil
}

// splitPragma splits "name(value)", "name=value" or "name".
func splitPragma(p string) (name, value string, err error) {
	p = strings.TrimSpace(p)
	name = p
	if i := strings.IndexAny(p, "(="); i >= 0 {
		name = strings.TrimSpace(p[:i])
		value = p[i+1:]
		if p[i] == '(' {
			if !strings.HasSuffix(value, ")") {
				return "", "", fmt.Errorf("bad _pragma %q: missing )", p)
			}
			value = value[:len(value)-1]
		}
		value = strings.TrimSpace(value)
	}
	if name == "" {
		return "", "", fmt.Errorf("bad _pragma %q", p)
	}
	for _, r := range name {
		if !(r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", "", fmt.Errorf("bad _pragma name %q", name)
		}
	}
	if strings.ContainsAny(value, ";") {
		return "", "", fmt.Errorf("bad _pragma value %q", value)
	}
	return name, value, nil
}
