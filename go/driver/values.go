package driver

import (
	"database/sql/driver"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"
)

// checkValue accepts the types the engine stores, converting integer and
// float kinds; other types get driver.ErrSkip so database/sql's default
// converter handles them (driver.Valuer, named types).
func checkValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, int64, float64, bool, string, []byte, time.Time:
		return v, nil
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		if uint64(x) > math.MaxInt64 {
			return nil, fmt.Errorf("ferrolite: uint value %d is larger than the largest int64", x)
		}
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return nil, fmt.Errorf("ferrolite: uint64 value %d is larger than the largest int64", x)
		}
		return int64(x), nil
	case float32:
		return float64(x), nil
	}
	return nil, driver.ErrSkip
}

// toEngine converts a checked value to one of the engine's kinds: nil,
// int64, float64, string or []byte.
func (c *Conn) toEngine(v any) (any, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case time.Time:
		return x.Format(c.cfg.TimeFormat), nil
	case []byte:
		if x == nil {
			return nil, nil
		}
		return x, nil
	case nil, int64, float64, string:
		return v, nil
	}
	// Only reachable when database/sql's converter produced something new.
	v2, err := checkValue(v)
	if err != nil {
		return nil, fmt.Errorf("ferrolite: unsupported parameter type %T", v)
	}
	return c.toEngine(v2)
}

// isTimeType reports whether a declared type holds times.
func isTimeType(decl string) bool {
	switch baseType(decl) {
	case "DATE", "DATETIME", "TIMESTAMP":
		return true
	}
	return false
}

// baseType is a declared type upper-cased without its size: "varchar(10)"
// -> "VARCHAR".
func baseType(decl string) string {
	if i := strings.IndexByte(decl, '('); i >= 0 {
		decl = decl[:i]
	}
	return strings.ToUpper(strings.TrimSpace(decl))
}

// timeLayouts are the text forms parsed back into time.Time: the writing
// format and SQLite's own date-time forms.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseTime parses s in one of the layouts; zone-less times are UTC.
func parseTime(s string, extra string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if extra != "" {
		if t, err := time.Parse(extra, s); err == nil {
			return t, true
		}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var (
	typeInt64   = reflect.TypeOf(int64(0))
	typeFloat64 = reflect.TypeOf(float64(0))
	typeString  = reflect.TypeOf("")
	typeBytes   = reflect.TypeOf([]byte(nil))
	typeTime    = reflect.TypeOf(time.Time{})
	typeBool    = reflect.TypeOf(false)
	typeAny     = reflect.TypeOf((*any)(nil)).Elem()
)

// scanType follows SQLite's affinity rules (datatype3 section 3.1) on the
// declared type, with time and bool names recognised first.
func scanType(decl string) reflect.Type {
	base := baseType(decl)
	switch {
	case base == "":
		return typeAny
	case isTimeType(decl):
		return typeTime
	case base == "BOOLEAN" || base == "BOOL":
		return typeBool
	case strings.Contains(base, "INT"):
		return typeInt64
	case strings.Contains(base, "CHAR"), strings.Contains(base, "CLOB"), strings.Contains(base, "TEXT"):
		return typeString
	case strings.Contains(base, "BLOB"):
		return typeBytes
	case strings.Contains(base, "REAL"), strings.Contains(base, "FLOA"), strings.Contains(base, "DOUB"):
		return typeFloat64
	}
	return typeAny // NUMERIC affinity: integer or real
}
